import { describe, it, expect } from 'vitest';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSelfSigned } from '../../../src/main/server/tls.ts';
import { tempDir } from '../../support/server.ts';

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
