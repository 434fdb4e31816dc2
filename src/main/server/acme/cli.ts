// The certificate part of the `hearth` command line:
//   hearth cert status [--json]                                                (--data DIR)
//   hearth cert issue --acme-url URL --domain D [--domain D2 ...] [--challenge http-01|tls-alpn-01|dns-01]
//                     [--ca FILE] [--email ADDR] [--http-port N] [--tls-port N] [--challenge-host ADDR]
//                     [--dns-hook CMD]
//   hearth serve ... [--acme-url URL --acme-domain D ... (the same options with an acme- prefix)]
// `cert issue` stores its settings, so `hearth serve` keeps that certificate renewed.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../base/log.ts';
import { readConfigSync } from '../users/config.ts';
import { AcmeStore, CHALLENGE_TYPES, certificateInfo, type AcmeSettings, type ChallengeType } from './store.ts';
import { issueCertificate } from './issue.ts';
import { certificateStatus } from './status.ts';
import { renewalPoint } from './renewal.ts';
import type { ServerCertificateStatus } from '../../../shared/api.ts';
import { CERT_USAGE } from './cli-usage.ts';
import { UsageError, dataDirOf, isUsageError } from '../cli-input.ts';

const SETTING_OPTIONS = {
  'acme-url': { type: 'string' },
  domain: { type: 'string', multiple: true },
  challenge: { type: 'string' },
  ca: { type: 'string' },
  email: { type: 'string' },
  'http-port': { type: 'string' },
  'tls-port': { type: 'string' },
  'challenge-host': { type: 'string' },
  'dns-hook': { type: 'string' },
} as const;

/** `hearth serve`'s ACME options: the settings options with an acme- prefix. */
export const acmeServeOptions = {
  'acme-url': { type: 'string' },
  'acme-domain': { type: 'string', multiple: true },
  'acme-challenge': { type: 'string' },
  'acme-ca': { type: 'string' },
  'acme-email': { type: 'string' },
  'acme-http-port': { type: 'string' },
  'acme-tls-port': { type: 'string' },
  'acme-challenge-host': { type: 'string' },
  'acme-dns-hook': { type: 'string' },
} as const;

function port(flag: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(String(v)) || n < 1 || n > 65535) throw new UsageError(`--${flag}: not a port: ${String(v)}`);
  return n;
}

/** Settings from parsed options; `prefix` is "acme-" for `serve`, "" for `cert issue`. */
function settingsFrom(values: Record<string, unknown>, prefix: '' | 'acme-'): AcmeSettings {
  const get = (name: string) => values[name === 'acme-url' ? name : `${prefix}${name}`];
  const url = get('acme-url');
  const domains = ((get('domain') as string[] | undefined) ?? []).map((d) => d.trim().toLowerCase().replace(/\.$/, ''));
  if (typeof url !== 'string') throw new UsageError("--acme-url URL is needed (the CA's directory URL)");
  try {
    if (new URL(url).protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError(`--acme-url: not an https URL: ${url}`);
  }
  if (!domains.length) throw new UsageError(`--${prefix}domain D is needed`);
  for (const d of domains) if (!/^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]+$/.test(d)) throw new UsageError(`not a domain name: ${d}`);
  const challenge = (get('challenge') ?? 'http-01') as ChallengeType;
  if (!CHALLENGE_TYPES.includes(challenge)) throw new UsageError(`--${prefix}challenge: one of ${CHALLENGE_TYPES.join(', ')}`);
  if (challenge !== 'dns-01' && domains.some((d) => d.startsWith('*.'))) throw new UsageError('a wildcard name needs --challenge dns-01');
  const dnsHook = get('dns-hook') as string | undefined;
  if (challenge === 'dns-01' && !dnsHook) throw new UsageError(`dns-01 needs --${prefix}dns-hook CMD`);
  const ca = get('ca') as string | undefined;
  if (ca && !existsSync(ca)) throw new UsageError(`--${prefix}ca: no such file: ${ca}`);
  const httpPort = port(`${prefix}http-port`, get('http-port'));
  const tlsPort = port(`${prefix}tls-port`, get('tls-port'));
  const s: AcmeSettings = { directoryUrl: url, domains, challenge };
  if (get('email')) s.email = get('email') as string;
  if (ca) s.caFile = path.resolve(ca);
  if (get('challenge-host')) s.challengeHost = get('challenge-host') as string;
  if (httpPort) s.httpPort = httpPort;
  if (tlsPort) s.tlsPort = tlsPort;
  if (dnsHook) s.dnsHook = path.isAbsolute(dnsHook) || !dnsHook.includes('/') ? dnsHook : path.resolve(dnsHook);
  return s;
}

/** The ACME settings `hearth serve` was given (stored for `cert status` and later runs), or undefined. */
export async function acmeSettingsFromServeArgs(dataDir: string, values: Record<string, unknown>): Promise<AcmeSettings | undefined> {
  if (values['acme-url'] === undefined && values['acme-domain'] === undefined) return undefined;
  const settings = settingsFrom(values, 'acme-');
  await new AcmeStore(dataDir).writeSettings(settings);
  return settings;
}

/** The status from the files alone (the server need not run): the ACME certificate if valid, else the fallback. */
function statusFromFiles(dataDir: string): ServerCertificateStatus | null {
  const store = new AcmeStore(dataDir);
  const own = readConfigSync(dataDir)?.tls;
  const fallbackFile = own?.certFile ?? path.join(dataDir, 'tls', 'cert.pem');
  if (!existsSync(fallbackFile)) return null;
  const fallbackPem = readFileSync(fallbackFile, 'utf8');
  const fallback = { fingerprint256: certificateInfo(fallbackPem).fingerprint256, selfSigned: !own };
  const issued = store.readCertificate();
  const inUse = issued && certificateInfo(issued.cert).notAfter > Date.now() ? issued.cert : fallbackPem;
  const settings = store.readSettings();
  const info = issued ? certificateInfo(issued.cert) : null;
  return certificateStatus({ cert: inUse }, fallback, {
    settings,
    renewing: false,
    progress: null,
    lastError: null,
    lastAttemptAt: null,
    nextCheckAt: null,
    renewAt: info ? renewalPoint(info.notBefore, info.notAfter) : null,
  });
}

const day = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

function printStatus(s: ServerCertificateStatus): void {
  const lines = [
    `certificate   ${s.source}${s.source === 'self-signed' ? ' (devices must trust it by its fingerprint)' : ''}`,
    `names         ${s.subjectNames.join(', ')}`,
    `issuer        ${s.issuer}`,
    `valid         ${day(s.notBefore)} to ${day(s.notAfter)}`,
    `fingerprint   SHA-256 ${s.fingerprint256}`,
  ];
  if (s.source !== 'self-signed' || s.fingerprint256 !== s.fallbackFingerprint256) lines.push(`fallback      SHA-256 ${s.fallbackFingerprint256}`);
  if (s.acme) {
    lines.push(`acme          ${s.acme.directoryUrl} (${s.acme.challenge}) for ${s.acme.domains.join(', ')}`);
    if (s.acme.renewAt) lines.push(`renews after  ${day(s.acme.renewAt)}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

async function status(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, json: { type: 'boolean' } } });
  const dataDir = dataDirOf(values.data);
  const s = statusFromFiles(dataDir);
  if (!s) {
    process.stderr.write(`hearth: no certificate yet in ${dataDir} (\`hearth serve\` makes the self-signed one)\n`);
    return 1;
  }
  if (values.json) process.stdout.write(JSON.stringify(s, null, 2) + '\n');
  else printStatus(s);
  return 0;
}

async function issue(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, verbose: { type: 'boolean' }, ...SETTING_OPTIONS } });
  const dataDir = dataDirOf(values.data);
  const settings = settingsFrom(values, '');
  const store = new AcmeStore(dataDir);
  const log = createLogger({ level: values.verbose ? 'debug' : 'error', base: { svc: 'acme' } });
  const issued = await issueCertificate(settings, store, log);
  await store.writeCertificate(issued);
  await store.writeSettings(settings);
  const info = certificateInfo(issued.cert);
  process.stdout.write(
    `issued ${info.subjectNames.join(', ')} by ${info.issuer}, valid until ${day(info.notAfter)}\n` +
      `fingerprint SHA-256 ${info.fingerprint256}\n` +
      `stored in ${store.dir}; a running \`hearth serve\` loads it within the hour and keeps it renewed\n`,
  );
  return 0;
}

/** `hearth cert …`. */
export async function certCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'status') return await status(rest);
    if (sub === 'issue') return await issue(rest);
    throw new UsageError(sub ? `Unknown cert command: ${sub}` : 'cert status | cert issue');
  } catch (e) {
    if (isUsageError(e)) {
      process.stderr.write(`hearth: ${(e as Error).message}\n\n${CERT_USAGE}`);
      return 2;
    }
    throw e;
  }
}
