// The household server's TLS material: a self-signed certificate made once and reused, remade for
// new names, the household's own certificate and key, and no TLS below 1.2; and what the generated
// certificate holds, as Node and openssl read it.
import { describe, it, expect } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSelfSigned } from '../../../src/main/server/tls.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('TLS material', () => {
  it('generates a self-signed certificate once (key 0600), reuses it, and remakes it for new names', async () => {
    const { loadOrCreateTls, MIN_TLS_VERSION } = await import('../../../src/main/server/tls.ts');
    const { X509Certificate } = await import('node:crypto');
    const { statSync, writeFileSync } = await import('node:fs');
    const dataDir = tempDir('tls');
    const a = await loadOrCreateTls({ dataDir, hostnames: ['localhost'], addresses: ['127.0.0.1'] });
    expect(a.selfSigned).toBe(true);
    expect(statSync(a.keyFile).mode & 0o777).toBe(0o600);
    const x = new X509Certificate(a.cert);
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    const b = await loadOrCreateTls({ dataDir, hostnames: ['localhost'], addresses: ['127.0.0.1'] });
    expect(b.fingerprint256).toBe(a.fingerprint256);
    const c = await loadOrCreateTls({ dataDir, hostnames: ['localhost', 'mail.home.arpa'], addresses: ['127.0.0.1'] });
    expect(c.fingerprint256).not.toBe(a.fingerprint256);
    expect(new X509Certificate(c.cert).checkHost('mail.home.arpa')).toBe('mail.home.arpa');
    expect(new X509Certificate(c.cert).checkHost('localhost')).toBe('localhost');
    // the household's own certificate and key
    const own = await loadOrCreateTls({ dataDir: tempDir(), hostnames: [], certFile: c.certFile, keyFile: c.keyFile });
    expect(own).toMatchObject({ selfSigned: false, fingerprint256: c.fingerprint256 });
    const wrongKey = path.join(tempDir(), 'k.pem');
    writeFileSync(wrongKey, (await loadOrCreateTls({ dataDir: tempDir(), hostnames: ['x'] })).key);
    await expect(loadOrCreateTls({ dataDir, hostnames: [], certFile: c.certFile, keyFile: wrongKey })).rejects.toThrow(/is not the key/);
    // TLS 1.1 is refused by a server using these options
    expect(MIN_TLS_VERSION).toBe('TLSv1.2');
    const server = tls.createServer({ key: c.key, cert: c.cert, minVersion: MIN_TLS_VERSION }, (s) => s.end('hi'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const old = await new Promise<string>((resolve) => {
      const s = tls.connect({ port, host: '127.0.0.1', ca: c.cert, servername: 'localhost', minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
      s.once('secureConnect', () => resolve('connected'));
      s.once('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
    });
    expect(old).not.toBe('connected');
    const ok = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ port, host: '127.0.0.1', ca: c.cert, servername: 'localhost' }, () => resolve(s.getProtocol() ?? ''));
      s.once('error', reject);
    });
    expect(ok).toMatch(/^TLSv1\.[23]$/);
    server.close();
  });
});

describe('generateSelfSigned', () => {
  it('makes an RSA 2048 / SHA-256 server certificate for the names and addresses served', async () => {
    const before = Date.now();
    const { key, cert } = await generateSelfSigned({
      hostnames: ['Localhost', 'mail.home.arpa', 'localhost'],
      addresses: ['127.0.0.1', '::1', 'fe80::1:2', 'not-an-ip'],
    });
    expect(cert).toMatch(/^-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/);
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);

    const x = new X509Certificate(cert);
    expect(x.subject).toBe('CN=localhost\nO=Hearth household server');
    expect(x.issuer).toBe(x.subject);
    expect(x.ca).toBe(true);
    expect(x.subjectAltName).toBe('DNS:localhost, DNS:mail.home.arpa, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:FE80:0:0:0:0:0:1:2');
    // What the app shows: IPv6 written the short way.
    const { certificateInfo } = await import('../../../src/main/server/acme/store.ts');
    expect(certificateInfo(cert).subjectNames).toEqual(['localhost', 'mail.home.arpa', '127.0.0.1', '::1', 'fe80::1:2']);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // extKeyUsage: serverAuth
    expect(x.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.publicKey.asymmetricKeyType).toBe('rsa');
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // valid from an hour ago (clock skew) for 825 days
    expect(x.validFromDate.getTime()).toBeLessThanOrEqual(before - 3600_000 + 1000);
    expect(x.validToDate.getTime() - x.validFromDate.getTime()).toBeGreaterThanOrEqual((825 * 24 + 1) * 3600_000 - 2000);
    expect(x.validToDate.getTime() - x.validFromDate.getTime()).toBeLessThanOrEqual((825 * 24 + 1) * 3600_000 + 2000);
    // a positive serial without a leading zero byte
    expect(x.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);

    // what openssl reads in it
    const file = path.join(tempDir('hearth-tls-'), 'cert.pem');
    writeFileSync(file, cert);
    const text = execFileSync('openssl', ['x509', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment, Certificate Sign/);
    expect(text).toMatch(/X509v3 Subject Key Identifier:/);
  });

  it('takes the common name from the first address when there are no host names', async () => {
    const { cert } = await generateSelfSigned({ hostnames: [], addresses: ['127.0.0.1'], days: 10 });
    const x = new X509Certificate(cert);
    expect(x.subject).toBe('CN=127.0.0.1\nO=Hearth household server');
    expect(x.subjectAltName).toBe('IP Address:127.0.0.1');
  });
});
