// What ACME leaves in the data folder, DATA/acme/ (0700):
//   account.key    the ACME account's private key (PEM, 0600)
//   account.json   the CA's directory URL and our account URL there
//   settings.json  how to renew: directory URL, domains, challenge, ports, DNS hook, CA file
//   cert.pem       the issued certificate chain; key.pem its private key (0600)
// Every file is written atomically and fsynced (base/fs-durable.ts), so a crash leaves the old
// certificate or the new one, never half of either.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import path from 'node:path';
import { atomicWriteFile } from '../../base/fs-durable.ts';

export type ChallengeType = 'http-01' | 'tls-alpn-01' | 'dns-01';
export const CHALLENGE_TYPES: readonly ChallengeType[] = ['http-01', 'tls-alpn-01', 'dns-01'];

export interface AcmeSettings {
  directoryUrl: string;
  domains: string[];
  challenge: ChallengeType;
  email?: string;
  /** PEM file of extra CAs to trust for the ACME server's own HTTPS (a test CA such as Pebble's). */
  caFile?: string;
  /** Address the challenge listeners bind (default: all addresses). */
  challengeHost?: string;
  /** Port of the HTTP-01 listener (80 as the CA sees it). */
  httpPort?: number;
  /** Port of the TLS-ALPN-01 listener (443 as the CA sees it). */
  tlsPort?: number;
  /** DNS-01: the command run as `HOOK add NAME VALUE` and `HOOK remove NAME VALUE`. */
  dnsHook?: string;
}

export interface IssuedCertificate {
  key: string;
  cert: string;
}

export interface CertificateInfo {
  subjectNames: string[];
  issuer: string;
  notBefore: number;
  notAfter: number;
  fingerprint256: string;
}

/** An IP address as people write it: X509Certificate spells IPv6 out in full (0:0:0:0:0:0:0:1 is ::1). */
function compressedIp(ip: string): string {
  return isIPv6(ip) ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

/** Names, issuer, validity and SHA-256 fingerprint of the first certificate of a PEM chain. */
export function certificateInfo(certPem: string): CertificateInfo {
  const x = new X509Certificate(certPem);
  const subjectNames = (x.subjectAltName ?? '')
    .split(', ')
    .filter((n) => n.startsWith('DNS:') || n.startsWith('IP Address:'))
    .map((n) => (n.startsWith('IP Address:') ? compressedIp(n.slice('IP Address:'.length)) : n.slice('DNS:'.length)));
  return {
    subjectNames,
    issuer: x.issuer.replace(/\n/g, ', '),
    notBefore: new Date(x.validFrom).getTime(),
    notAfter: new Date(x.validTo).getTime(),
    fingerprint256: x.fingerprint256,
  };
}

export class AcmeStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'acme');
  }

  private file(name: string): string {
    return path.join(this.dir, name);
  }

  private ensureDir(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  private readJson<T>(name: string): T | null {
    const f = this.file(name);
    if (!existsSync(f)) return null;
    return JSON.parse(readFileSync(f, 'utf8')) as T;
  }

  readSettings(): AcmeSettings | null {
    return this.readJson<AcmeSettings>('settings.json');
  }

  async writeSettings(s: AcmeSettings): Promise<void> {
    this.ensureDir();
    await atomicWriteFile(this.file('settings.json'), JSON.stringify(s, null, 2) + '\n', 0o600);
  }

  /** The account key, made by `create` on first use. */
  async accountKey(create: () => Promise<string>): Promise<string> {
    const f = this.file('account.key');
    if (existsSync(f)) return readFileSync(f, 'utf8');
    this.ensureDir();
    const key = await create();
    await atomicWriteFile(f, key, 0o600);
    return key;
  }

  /** Our account URL at this CA, when registered there before. */
  accountUrl(directoryUrl: string): string | null {
    const a = this.readJson<{ directoryUrl: string; accountUrl: string }>('account.json');
    return a && a.directoryUrl === directoryUrl ? a.accountUrl : null;
  }

  async writeAccountUrl(directoryUrl: string, accountUrl: string): Promise<void> {
    this.ensureDir();
    await atomicWriteFile(this.file('account.json'), JSON.stringify({ directoryUrl, accountUrl }) + '\n', 0o600);
  }

  /** The stored certificate and key; null when none, or when the pair is damaged or does not match. */
  readCertificate(): IssuedCertificate | null {
    const certFile = this.file('cert.pem');
    const keyFile = this.file('key.pem');
    if (!existsSync(certFile) || !existsSync(keyFile)) return null;
    try {
      const cert = readFileSync(certFile, 'utf8');
      const key = readFileSync(keyFile, 'utf8');
      if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) return null;
      return { key, cert };
    } catch {
      return null;
    }
  }

  /** Key first, then the certificate: readCertificate() accepts the pair only once both match. */
  async writeCertificate(c: IssuedCertificate): Promise<void> {
    this.ensureDir();
    await atomicWriteFile(this.file('key.pem'), c.key, 0o600);
    await atomicWriteFile(this.file('cert.pem'), c.cert, 0o644);
  }

  get certFile(): string {
    return this.file('cert.pem');
  }
}
