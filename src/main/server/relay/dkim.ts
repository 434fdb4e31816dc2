// DKIM signing for the household domain (RFC 6376, rsa-sha256, relaxed/relaxed) with mailauth,
// the key made at setup and kept 0600 in the data folder, and the DNS records to publish.
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';

export interface DkimKey {
  domain: string;
  selector: string;
  privateKeyPem: string;
}

export const DEFAULT_SELECTOR = 'hearth';

export function dkimKeyPath(dataDir: string, domain: string, selector = DEFAULT_SELECTOR): string {
  return path.join(dataDir, 'dkim', `${domain.toLowerCase()}.${selector}.key.pem`);
}

/** Reads the domain's key, generating a 2048-bit RSA key on first use. */
export async function loadOrCreateDkimKey(dataDir: string, domain: string, selector = DEFAULT_SELECTOR): Promise<DkimKey> {
  const file = dkimKeyPath(dataDir, domain, selector);
  try {
    return { domain: domain.toLowerCase(), selector, privateKeyPem: await readFile(file, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, pem, { mode: 0o600, flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  await chmod(file, 0o600);
  return { domain: domain.toLowerCase(), selector, privateKeyPem: await readFile(file, 'utf8') };
}

/** The p= value: the public key, DER SubjectPublicKeyInfo, base64. */
export function dkimPublicKeyBase64(key: DkimKey): string {
  return createPublicKey(key.privateKeyPem).export({ type: 'spki', format: 'der' }).toString('base64');
}

/** The TXT record value for <selector>._domainkey.<domain>. */
export function dkimTxtValue(key: DkimKey): string {
  return `v=DKIM1; k=rsa; p=${dkimPublicKeyBase64(key)}`;
}

/** The DKIM-Signature header (ending in CRLF) for a whole message, or '' when none was made. */
export async function dkimSignatureFor(key: DkimKey, message: Readable | Buffer, signTime?: Date): Promise<string> {
  const signature = {
    signingDomain: key.domain,
    selector: key.selector,
    privateKey: key.privateKeyPem,
    canonicalization: 'relaxed/relaxed',
    algorithm: 'rsa-sha256',
  };
  // mailauth reads the keys from signatureData; the top level carries the shared options.
  const result = await dkimSign(message, { ...signature, signatureData: [signature], ...(signTime ? { signTime } : {}) });
  if (result.errors?.length) throw new Error(`DKIM signing failed: ${JSON.stringify(result.errors).slice(0, 300)}`);
  return result.signatures;
}

export interface DnsRecord {
  name: string;
  type: 'MX' | 'TXT' | 'A' | 'SRV' | 'CNAME';
  value: string;
  why: string;
}

/** What to publish so other servers accept and verify the household's mail. */
export function recordsToPublish(key: DkimKey, mailHost: string): DnsRecord[] {
  const d = key.domain;
  // A TXT string is at most 255 bytes; split the value into quoted chunks for zone files.
  return [
    { name: d, type: 'MX', value: `10 ${mailHost}.`, why: 'where other servers deliver mail for the domain' },
    { name: d, type: 'TXT', value: `v=spf1 mx -all`, why: 'SPF: only the MX host sends mail for the domain' },
    { name: `${key.selector}._domainkey.${d}`, type: 'TXT', value: dkimTxtValue(key), why: 'DKIM public key' },
    { name: `_dmarc.${d}`, type: 'TXT', value: `v=DMARC1; p=quarantine; adkim=s; aspf=s; rua=mailto:postmaster@${d}`, why: 'DMARC policy' },
  ];
}

export function formatZone(records: DnsRecord[]): string {
  const quote = (v: string) => (v.match(/.{1,255}/g) ?? ['']).map((c) => `"${c}"`).join(' ');
  return records.map((r) => `; ${r.why}\n${r.name}.\tIN\t${r.type}\t${r.type === 'TXT' ? quote(r.value) : r.value}`).join('\n') + '\n';
}
