// The household server's configuration file: DATA/server.json, written atomically (write tmp,
// fsync, rename, fsync the folder). Holds local domains, users (scrypt hashes), aliases and
// catch-alls, and the optional certificate files. Edited by `hearth user ...` / `hearth domain ...`
// (also while the server runs: the server re-reads it when it changes).

import { readFileSync, statSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { HearthError } from '../../../shared/errors.ts';
import { atomicWriteFile } from '../../base/fs-durable.ts';
import { domainOf } from '../../mail/addresses.ts';
import { hashPassword } from './password.ts';

export const CONFIG_FILE = 'server.json';
export const DEFAULT_DOMAIN = 'home.arpa';

const UserSchema = z.object({
  address: z.string(),
  passwordHash: z.string(),
  displayName: z.string().optional(),
  created: z.string().optional(),
  /** Storage quota in bytes (all the user's messages, every mailbox); absent = no limit. */
  quotaBytes: z.number().int().positive().optional(),
});

const ConfigSchema = z.object({
  version: z.literal(1),
  /** Local domains; the first is the primary one. */
  domains: z.array(z.string()).min(1),
  users: z.array(UserSchema),
  /** alias address -> local user addresses */
  aliases: z.record(z.string(), z.array(z.string())).default({}),
  /** domain -> the local user that gets mail for unknown addresses in it */
  catchAll: z.record(z.string(), z.string()).default({}),
  /** The household's own certificate; when absent a self-signed one is generated in DATA/tls/. */
  tls: z.object({ certFile: z.string(), keyFile: z.string() }).optional(),
  /** Largest message accepted by SMTP, in bytes. */
  maxMessageBytes: z.number().int().positive().optional(),
});

export type ServerConfig = z.infer<typeof ConfigSchema>;
export type ConfigUser = z.infer<typeof UserSchema>;

export function normaliseAddress(address: string): string {
  const a = String(address ?? '')
    .trim()
    .normalize('NFC')
    .toLowerCase();
  const at = a.lastIndexOf('@');
  // eslint-disable-next-line no-control-regex
  if (at <= 0 || at === a.length - 1 || /[\s/\\\0<>(),;:"[\]\x00-\x1f]/.test(a) || a.length > 254) {
    throw new HearthError('BAD_ADDRESS', `Invalid address: ${JSON.stringify(address)}`);
  }
  const local = a.slice(0, at);
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) throw new HearthError('BAD_ADDRESS', `Invalid address: ${JSON.stringify(address)}`);
  return a;
}

export function normaliseDomain(domain: string): string {
  const d = String(domain ?? '')
    .trim()
    .toLowerCase()
    .replace(/\.$/, '');
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(d)) {
    throw new HearthError('INVALID_ARGUMENT', `Invalid domain: ${JSON.stringify(domain)}`, { field: 'domain' });
  }
  return d;
}

export function configPath(dataDir: string): string {
  return path.join(dataDir, CONFIG_FILE);
}

export function defaultConfig(domain = DEFAULT_DOMAIN): ServerConfig {
  return { version: 1, domains: [normaliseDomain(domain)], users: [], aliases: {}, catchAll: {} };
}

export function readConfigSync(dataDir: string): ServerConfig | null {
  const file = configPath(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new HearthError('INVALID_ARGUMENT', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success)
    throw new HearthError(
      'INVALID_ARGUMENT',
      `${file} is not a valid server configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export async function writeConfig(dataDir: string, config: ServerConfig): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  await atomicWriteFile(configPath(dataDir), JSON.stringify(config, null, 2) + '\n', 0o600);
}

/** Read the configuration, creating it (and the data folder) on first run. */
export async function loadOrCreateConfig(dataDir: string, domain?: string): Promise<ServerConfig> {
  const existing = readConfigSync(dataDir);
  if (existing) return existing;
  const cfg = defaultConfig(domain);
  await writeConfig(dataDir, cfg);
  return cfg;
}

export function configMtime(dataDir: string): number {
  try {
    return statSync(configPath(dataDir)).mtimeMs;
  } catch {
    return 0;
  }
}

export function configExists(dataDir: string): boolean {
  return existsSync(configPath(dataDir));
}

// ---- edits (used by the CLI and by ensureDemoMailbox) -------------------------------------------

function isLocal(cfg: ServerConfig, address: string): boolean {
  return cfg.domains.includes(domainOf(address));
}

export async function addUser(dataDir: string, address: string, password: string, opts: { displayName?: string } = {}): Promise<ConfigUser> {
  const a = normaliseAddress(address);
  if (!password) throw new HearthError('INVALID_ARGUMENT', 'Password must not be empty', { field: 'password' });
  const cfg = await loadOrCreateConfig(dataDir);
  if (!isLocal(cfg, a))
    throw new HearthError(
      'INVALID_ARGUMENT',
      `${domainOf(a)} is not a local domain (local: ${cfg.domains.join(', ')}); add it with: hearth domain add ${domainOf(a)}`,
      { field: 'address' },
    );
  if (cfg.users.some((u) => u.address === a)) throw new HearthError('ALREADY_EXISTS', `User ${a} already exists`, { field: 'address' });
  if (cfg.aliases[a]) throw new HearthError('ALREADY_EXISTS', `${a} is an alias`, { field: 'address' });
  const user: ConfigUser = { address: a, passwordHash: await hashPassword(password), created: new Date().toISOString() };
  if (opts.displayName) user.displayName = opts.displayName;
  const fresh = (await loadOrCreateConfig(dataDir)) ?? cfg;
  if (fresh.users.some((u) => u.address === a)) throw new HearthError('ALREADY_EXISTS', `User ${a} already exists`, { field: 'address' });
  fresh.users.push(user);
  await writeConfig(dataDir, fresh);
  return user;
}

export async function setPassword(dataDir: string, address: string, password: string): Promise<void> {
  const a = normaliseAddress(address);
  if (!password) throw new HearthError('INVALID_ARGUMENT', 'Password must not be empty', { field: 'password' });
  const hash = await hashPassword(password);
  const cfg = readConfigSync(dataDir);
  const u = cfg?.users.find((x) => x.address === a);
  if (!cfg || !u) throw new HearthError('NOT_FOUND', `No such user: ${a}`);
  u.passwordHash = hash;
  await writeConfig(dataDir, cfg);
}

/**
 * Sets (bytes) or clears (null) a user's storage quota. The one way to change it: the CLI parses
 * the size (./quota.ts) and calls this, as an admin API would.
 */
export async function setStorageLimit(dataDir: string, address: string, bytes: number | null): Promise<void> {
  const a = normaliseAddress(address);
  if (bytes !== null && (!Number.isSafeInteger(bytes) || bytes <= 0)) throw new HearthError('INVALID_ARGUMENT', `Invalid quota: ${bytes}`, { field: 'quota' });
  const cfg = readConfigSync(dataDir);
  const u = cfg?.users.find((x) => x.address === a);
  if (!cfg || !u) throw new HearthError('NOT_FOUND', `No such user: ${a}`);
  if (bytes === null) delete u.quotaBytes;
  else u.quotaBytes = bytes;
  await writeConfig(dataDir, cfg);
}

export async function removeUser(dataDir: string, address: string): Promise<void> {
  const a = normaliseAddress(address);
  const cfg = readConfigSync(dataDir);
  if (!cfg || !cfg.users.some((x) => x.address === a)) throw new HearthError('NOT_FOUND', `No such user: ${a}`);
  cfg.users = cfg.users.filter((x) => x.address !== a);
  for (const [k, v] of Object.entries(cfg.aliases)) {
    const rest = v.filter((t) => t !== a);
    if (rest.length) cfg.aliases[k] = rest;
    else delete cfg.aliases[k];
  }
  for (const [d, t] of Object.entries(cfg.catchAll)) if (t === a) delete cfg.catchAll[d];
  await writeConfig(dataDir, cfg);
}

export async function addDomain(dataDir: string, domain: string): Promise<void> {
  const d = normaliseDomain(domain);
  const cfg = await loadOrCreateConfig(dataDir);
  if (!cfg.domains.includes(d)) cfg.domains.push(d);
  await writeConfig(dataDir, cfg);
}

/**
 * Removes a local domain that nobody uses any more: its users, aliases and catch-all must go
 * first (their mail would otherwise stop arriving unnoticed), and the last domain stays.
 */
export async function removeDomain(dataDir: string, domain: string): Promise<void> {
  const d = normaliseDomain(domain);
  const cfg = await loadOrCreateConfig(dataDir);
  if (!cfg.domains.includes(d)) throw new HearthError('NOT_FOUND', `${d} is not a local domain`, { field: 'domain' });
  if (cfg.domains.length === 1) throw new HearthError('INVALID_ARGUMENT', `${d} is the only local domain`, { field: 'domain' });
  const inUse = [...cfg.users.map((u) => u.address), ...Object.keys(cfg.aliases)].filter((a) => domainOf(a) === d);
  if (inUse.length || cfg.catchAll[d])
    throw new HearthError('INVALID_ARGUMENT', `${d} still has ${inUse.length ? `${inUse.join(', ')}` : 'a catch-all'}; remove them first`, { field: 'domain' });
  cfg.domains = cfg.domains.filter((x) => x !== d);
  await writeConfig(dataDir, cfg);
}

export async function setAlias(dataDir: string, alias: string, targets: string[]): Promise<void> {
  const a = normaliseAddress(alias);
  const cfg = await loadOrCreateConfig(dataDir);
  if (!isLocal(cfg, a)) throw new HearthError('INVALID_ARGUMENT', `${domainOf(a)} is not a local domain`, { field: 'alias' });
  if (cfg.users.some((u) => u.address === a)) throw new HearthError('ALREADY_EXISTS', `${a} is a user`, { field: 'alias' });
  const ts = targets.map(normaliseAddress);
  for (const t of ts) if (!cfg.users.some((u) => u.address === t)) throw new HearthError('INVALID_ARGUMENT', `No such user: ${t}`, { field: 'targets' });
  if (ts.length === 0) delete cfg.aliases[a];
  else cfg.aliases[a] = ts;
  await writeConfig(dataDir, cfg);
}

export async function setCatchAll(dataDir: string, domain: string, target: string | null): Promise<void> {
  const d = normaliseDomain(domain);
  const cfg = await loadOrCreateConfig(dataDir);
  if (!cfg.domains.includes(d)) throw new HearthError('INVALID_ARGUMENT', `${d} is not a local domain`, { field: 'domain' });
  if (target === null) delete cfg.catchAll[d];
  else {
    const t = normaliseAddress(target);
    if (!cfg.users.some((u) => u.address === t)) throw new HearthError('INVALID_ARGUMENT', `No such user: ${t}`, { field: 'target' });
    cfg.catchAll[d] = t;
  }
  await writeConfig(dataDir, cfg);
}
