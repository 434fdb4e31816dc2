// The household server's TLS material: a self-signed certificate made once and reused, remade for
// new names, the household's own certificate and key, and no TLS below 1.2.
import { describe, it, expect } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import path from 'node:path';
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
