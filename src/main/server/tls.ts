// TLS for the household server: the household's own certificate and key, or a self-signed
// certificate generated on first run (RSA 2048, SHA-256, the host names and addresses it serves in
// subjectAltName), kept in DATA/tls/ (key 0600). node:crypto makes the key and the signature; the
// X.509 structure is a small DER encoder below (no native addons, no extra packages).
// TLS 1.2 is the minimum everywhere.

import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
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

// ---- DER -----------------------------------------------------------------------------------------

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const ctx = (n: number, body: Buffer, constructed = true) => tlv((constructed ? 0xa0 : 0x80) | n, body);
const nul = () => Buffer.from([0x05, 0x00]);
const octets = (b: Buffer) => tlv(0x04, b);
const bitString = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let body = b.subarray(i);
  if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(0x02, body);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d.toISOString();
  const y = d.getUTCFullYear();
  const compact = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z'; // YYYYMMDDHHMMSSZ
  return y >= 1950 && y < 2050 ? tlv(0x17, Buffer.from(compact.slice(2))) : tlv(0x18, Buffer.from(compact));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand ::
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

export interface SelfSignedOptions {
  hostnames: string[];
  addresses?: string[];
  days?: number;
  commonName?: string;
}

/** A self-signed server certificate (PEM) and its RSA key (PKCS#8 PEM). */
export function generateSelfSigned(opts: SelfSignedOptions): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const hostnames = [...new Set(opts.hostnames.map((h) => h.toLowerCase()).filter(Boolean))];
  const addresses = [...new Set((opts.addresses ?? []).filter((a) => isIP(a)))];
  const cn = opts.commonName ?? hostnames[0] ?? addresses[0] ?? 'localhost';
  const name = seq(set(seq(oid('2.5.4.3'), utf8(cn))), set(seq(oid('2.5.4.10'), utf8('Hearth household server'))));
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(Date.now() + (opts.days ?? 825) * 24 * 60 * 60 * 1000);
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  serial[0]! |= 0x01;
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const sha256Rsa = seq(oid('1.2.840.113549.1.1.11'), nul());
  const san = seq(...hostnames.map((h) => tlv(0x82, Buffer.from(h, 'ascii'))), ...addresses.map((a) => tlv(0x87, ipBytes(a))));
  const skid = (() => {
    // subjectKeyIdentifier: SHA-1 of the public key bits (RFC 5280 4.2.1.2 method 1) — any unique value is valid
    return randomBytes(20);
  })();
  const ext = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
  const extensions = seq(
    ext('2.5.29.19', true, seq(bool(true))), // basicConstraints CA:TRUE (self-signed, as `openssl req -x509` makes)
    ext('2.5.29.15', true, tlv(0x03, Buffer.from([0x02, 0xa4]))), // keyUsage: digitalSignature, keyEncipherment, keyCertSign
    ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
    ext('2.5.29.14', false, octets(skid)),
    ...(hostnames.length + addresses.length > 0 ? [ext('2.5.29.17', false, san)] : []),
  );
  const tbs = seq(ctx(0, integer(Buffer.from([2]))), integer(serial), sha256Rsa, name, seq(time(notBefore), time(notAfter)), name, spki, ctx(3, extensions));
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, sha256Rsa, bitString(signature));
  const cert = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, cert };
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
  const { key, cert } = generateSelfSigned({ hostnames: [...new Set(hostnames)], addresses: [...new Set(addresses)] });
  createPublicKey(key); // sanity
  await atomicWriteFile(keyFile, key, 0o600);
  chmodSync(keyFile, 0o600);
  await atomicWriteFile(certFile, cert, 0o644);
  return { key, cert, certFile, keyFile, selfSigned: true, fingerprint256: fingerprint(cert) };
}
