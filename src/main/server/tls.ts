// TLS for the household server: the household's own certificate and key, or a self-signed
// certificate generated on first run (RSA 2048, SHA-256, the host names and addresses it serves in
// subjectAltName), kept in DATA/tls/ (key 0600). Node's WebCrypto makes the key and the signature;
// @peculiar/x509 builds the X.509 structure (pure JavaScript, no native addons).
// TLS 1.2 is the minimum everywhere.

// @peculiar/x509 uses TypeScript decorator metadata (tsyringe) and needs the Reflect polyfill
// loaded before it is; this is the one module that imports it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, createPrivateKey, createPublicKey, KeyObject, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, chmodSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import { atomicWriteFile } from '../base/fs-durable.ts';

export const MIN_TLS_VERSION = 'TLSv1.2' as const;

export interface TlsMaterial {
  key: string;
  cert: string;
  certFile: string;
  keyFile: string;
  selfSigned: boolean;
  /** SHA-256 fingerprint, "AB:CD:...", for showing to users who pin it. */
  fingerprint256: string;
}

/** Options for tls.createServer / smtp-server / net upgrades: the key pair and TLS 1.2 minimum. */
export function serverTlsOptions(m: { key: string; cert: string }): SecureContextOptions {
  return { key: m.key, cert: m.cert, minVersion: MIN_TLS_VERSION };
}

// ---- self-signed certificate -----------------------------------------------------------------------

export interface SelfSignedOptions {
  hostnames: string[];
  addresses?: string[];
  days?: number;
  commonName?: string;
}

const RSA_SHA256: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

/**
 * RFC 5280 4.2.1.2 method 1: the SHA-1 of the subjectPublicKey bits (for RSA, the PKCS#1
 * RSAPublicKey). Computed here rather than with SubjectKeyIdentifierExtension.create, which parses
 * the key with @peculiar/asn1-rsa: npm gives each @peculiar/asn1-* package its own copy of
 * asn1-schema, and that parse then fails ("Cannot get schema for 'RSAPublicKey'").
 */
function keyIdentifier(publicKey: webcrypto.CryptoKey): string {
  const rsaPublicKey = KeyObject.from(publicKey).export({ type: 'pkcs1', format: 'der' });
  return createHash('sha1').update(rsaPublicKey).digest('hex');
}

/** A self-signed server certificate (PEM) and its RSA key (PKCS#8 PEM). */
export async function generateSelfSigned(opts: SelfSignedOptions): Promise<{ key: string; cert: string }> {
  const keys = await webcrypto.subtle.generateKey(RSA_SHA256, true, ['sign', 'verify']);
  const hostnames = [...new Set(opts.hostnames.map((h) => h.toLowerCase()).filter(Boolean))];
  const addresses = [...new Set((opts.addresses ?? []).filter((a) => isIP(a)))];
  const cn = opts.commonName ?? hostnames[0] ?? addresses[0] ?? 'localhost';
  // Positive, without a leading zero byte (RFC 5280 4.1.2.2: at most 20 octets, non-negative).
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  serial[0]! |= 0x01;
  const names: x509.JsonGeneralNames = [
    ...hostnames.map((value) => ({ type: 'dns' as const, value })),
    ...addresses.map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial.toString('hex'),
      name: new x509.Name([{ '2.5.4.3': [{ utf8String: cn }] }, { '2.5.4.10': [{ utf8String: 'Hearth household server' }] }]),
      notBefore: new Date(Date.now() - 60 * 60 * 1000),
      notAfter: new Date(Date.now() + (opts.days ?? 825) * 24 * 60 * 60 * 1000),
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true), // CA:TRUE (self-signed, as `openssl req -x509` makes)
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectKeyIdentifierExtension(keyIdentifier(keys.publicKey)),
        ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
      ],
    },
    webcrypto,
  );
  const key = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { key, cert: cert.toString('pem') + '\n' };
}

// ---- loading -------------------------------------------------------------------------------------

function fingerprint(cert: string): string {
  return new X509Certificate(cert).fingerprint256;
}

function covers(x: X509Certificate, hostnames: string[], addresses: string[]): boolean {
  return hostnames.every((h) => x.checkHost(h) !== undefined) && addresses.every((a) => x.checkIP(a) !== undefined);
}

export interface LoadTlsOptions {
  dataDir: string;
  hostnames: string[];
  addresses?: string[];
  /** The household's own certificate chain and key (PEM files). */
  certFile?: string;
  keyFile?: string;
}

/**
 * The household's own certificate if configured; otherwise DATA/tls/{cert,key}.pem, generated on
 * first run and again when it does not cover the names served or expires within 30 days.
 */
export async function loadOrCreateTls(opts: LoadTlsOptions): Promise<TlsMaterial> {
  if (opts.certFile || opts.keyFile) {
    if (!opts.certFile || !opts.keyFile) throw new Error('Both a certificate file and a key file are needed');
    const cert = readFileSync(opts.certFile, 'utf8');
    const key = readFileSync(opts.keyFile, 'utf8');
    const x = new X509Certificate(cert);
    if (!x.checkPrivateKey(createPrivateKey(key))) throw new Error(`${opts.keyFile} is not the key of ${opts.certFile}`);
    return { key, cert, certFile: opts.certFile, keyFile: opts.keyFile, selfSigned: false, fingerprint256: x.fingerprint256 };
  }
  const dir = path.join(opts.dataDir, 'tls');
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const hostnames = opts.hostnames;
  const addresses = opts.addresses ?? [];
  if (existsSync(certFile) && existsSync(keyFile)) {
    try {
      const cert = readFileSync(certFile, 'utf8');
      const key = readFileSync(keyFile, 'utf8');
      const x = new X509Certificate(cert);
      const fresh = new Date(x.validTo).getTime() - Date.now() > 30 * 24 * 3600 * 1000;
      if (fresh && covers(x, hostnames, addresses) && x.checkPrivateKey(createPrivateKey(key))) {
        return { key, cert, certFile, keyFile, selfSigned: true, fingerprint256: x.fingerprint256 };
      }
      // keep the names it already had
      for (const n of (x.subjectAltName ?? '').split(', ')) {
        if (n.startsWith('DNS:')) hostnames.push(n.slice(4));
        else if (n.startsWith('IP Address:')) addresses.push(n.slice(11));
      }
    } catch {
      /* regenerate */
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { key, cert } = await generateSelfSigned({ hostnames: [...new Set(hostnames)], addresses: [...new Set(addresses)] });
  createPublicKey(key); // sanity
  await atomicWriteFile(keyFile, key, 0o600);
  chmodSync(keyFile, 0o600);
  await atomicWriteFile(certFile, cert, 0o644);
  return { key, cert, certFile, keyFile, selfSigned: true, fingerprint256: fingerprint(cert) };
}
