// The smarthost the admin set with `hearth smarthost set` or the app's admin screen (through
// HouseholdAdmin), in DATA/smarthost.json (0600): host,
// port, TLS mode, CA file and login, the password sealed like the app's account passwords
// (base/secret-box.ts: AES-256-GCM under DATA/secret.key), so it is on no command line and in no
// process list. `hearth serve` uses it unless --smarthost is given.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { HearthError } from '../../../shared/errors.ts';
import { atomicWriteFile } from '../../base/fs-durable.ts';
import { FileKeySecretBox } from '../../base/secret-box.ts';
import { SMARTHOST_TLS_MODES, type SmarthostOptions, type SmarthostTls } from './types.ts';

export interface SmarthostSetting {
  host: string;
  port: number;
  tls: SmarthostTls;
  allowPlaintext?: boolean;
  caFile?: string;
  user?: string;
  password?: string;
}

/** As in the file: the password sealed by FileKeySecretBox. */
type StoredSmarthost = SmarthostSetting;

const fileOf = (dataDir: string) => path.join(dataDir, 'smarthost.json');
/** Where a CA given as text (the app) is kept; the CLI's --ca names a file of the admin's instead. */
export const smarthostCaFileOf = (dataDir: string) => path.join(dataDir, 'smarthost-ca.pem');

/** Stores the smarthost's CA certificate(s) given as PEM text; returns the file for caFile. */
export async function writeSmarthostCa(dataDir: string, pem: string): Promise<string> {
  try {
    new X509Certificate(pem);
  } catch {
    throw new HearthError('INVALID_ARGUMENT', 'The CA certificate is not a PEM certificate', { field: 'caCert' });
  }
  const file = smarthostCaFileOf(dataDir);
  await atomicWriteFile(file, pem.trim() + '\n', 0o600);
  return file;
}

/** The stored password, opened (to keep it when the admin changes other settings), or undefined. */
export function readSmarthostPassword(dataDir: string): string | undefined {
  const f = fileOf(dataDir);
  if (!existsSync(f)) return undefined;
  const { password } = JSON.parse(readFileSync(f, 'utf8')) as StoredSmarthost;
  return password === undefined ? undefined : new FileKeySecretBox(dataDir).open(password);
}

/** Checks and stores the smarthost; the password sealed. */
export async function writeSmarthostSetting(dataDir: string, s: SmarthostSetting): Promise<void> {
  if (!SMARTHOST_TLS_MODES.includes(s.tls)) throw new HearthError('INVALID_ARGUMENT', `TLS mode must be one of ${SMARTHOST_TLS_MODES.join(', ')}`);
  if (s.tls === 'none' && !s.allowPlaintext) {
    throw new HearthError('INVALID_ARGUMENT', 'A smarthost without TLS sends the password and mail in clear: allow it explicitly (--allow-plaintext)');
  }
  if (s.password !== undefined && !s.user) throw new HearthError('INVALID_ARGUMENT', 'A password needs a user name');
  if (s.caFile && !existsSync(s.caFile)) throw new HearthError('INVALID_ARGUMENT', `No such CA file: ${s.caFile}`);
  const stored: StoredSmarthost = { host: s.host, port: s.port, tls: s.tls };
  if (s.allowPlaintext) stored.allowPlaintext = true;
  if (s.caFile) stored.caFile = path.resolve(s.caFile);
  if (s.user) stored.user = s.user;
  if (s.password !== undefined) stored.password = new FileKeySecretBox(dataDir).seal(s.password);
  await atomicWriteFile(fileOf(dataDir), JSON.stringify(stored, null, 2) + '\n', 0o600);
}

/** The stored smarthost without its password (for showing). */
export function readSmarthostSummary(dataDir: string): Omit<SmarthostSetting, 'password'> & { hasPassword: boolean } {
  const f = fileOf(dataDir);
  if (!existsSync(f)) throw new HearthError('NOT_FOUND', 'No smarthost is set');
  return summaryOf(f);
}

/** The stored smarthost without its password, or null when none is set. */
export function readSmarthostSummaryOrNull(dataDir: string): (Omit<SmarthostSetting, 'password'> & { hasPassword: boolean }) | null {
  const f = fileOf(dataDir);
  return existsSync(f) ? summaryOf(f) : null;
}

function summaryOf(f: string): Omit<SmarthostSetting, 'password'> & { hasPassword: boolean } {
  const { password, ...rest } = JSON.parse(readFileSync(f, 'utf8')) as StoredSmarthost;
  return { ...rest, hasPassword: password !== undefined };
}

/** The stored smarthost as relay options (password opened, CA read), or null when none is set. */
export function readSmarthostOptions(dataDir: string): SmarthostOptions | null {
  const f = fileOf(dataDir);
  if (!existsSync(f)) return null;
  const s = JSON.parse(readFileSync(f, 'utf8')) as StoredSmarthost;
  const out: SmarthostOptions = { host: s.host, port: s.port, tls: s.tls };
  if (s.allowPlaintext) out.allowPlaintext = true;
  if (s.caFile) out.ca = readFileSync(s.caFile);
  if (s.user) out.user = s.user;
  if (s.password !== undefined) out.password = new FileKeySecretBox(dataDir).open(s.password);
  return out;
}

export function clearSmarthostSetting(dataDir: string): boolean {
  const f = fileOf(dataDir);
  rmSync(smarthostCaFileOf(dataDir), { force: true });
  if (!existsSync(f)) return false;
  rmSync(f);
  return true;
}
