// The household's administration: users, passwords, quotas, aliases, catch-alls, domains and the
// DNS records to publish. The one implementation behind both the `hearth` CLI and the app's admin
// screen (through the typed API), so both give the same results and the same errors.
// Passwords pass through to the scrypt hash only: never logged, never returned.
import { rmSync } from 'node:fs';
import { HearthError } from '../../../shared/errors.ts';
import { adminLimits } from '../../base/limits.ts';
import type { MailStore } from '../../maildir/types.ts';
import {
  addDomain,
  addUser,
  loadOrCreateConfig,
  normaliseAddress,
  readConfigSync,
  removeDomain,
  removeUser,
  setAlias,
  setCatchAll,
  setPassword,
  setStorageLimit,
  type ServerConfig,
} from '../users/config.ts';
import { parseStorageSize } from '../users/quota.ts';
// The DNS records need the DKIM key (mailauth): loaded when asked for, so user commands stay quick.
import type { RecordsToPublish } from './dns-records.ts';
import type { DnsLookups, RecordCheck } from './dns-check.ts';
import type { DnsRecord } from '../relay/dkim.ts';
import type { ServerCertificateStatus, ServerRelayStatus, SmarthostInput } from '../../../shared/api.ts';
import {
  clearSmarthostSetting,
  readSmarthostOptions,
  readSmarthostPassword,
  readSmarthostSummaryOrNull,
  smarthostCaFileOf,
  writeSmarthostCa,
  writeSmarthostSetting,
  type SmarthostSetting,
} from '../relay/smarthost-config.ts';
import { smarthostView } from '../relay/smarthost-health.ts';
import type { SmarthostOptions } from '../relay/types.ts';

export interface AdminUser {
  address: string;
  displayName: string | null;
  /** The storage limit in bytes, null for none. */
  quotaBytes: number | null;
  /** Bytes of all the user's messages (null when not asked for). */
  usedBytes: number | null;
}

export interface AdminDomain {
  name: string;
  primary: boolean;
  users: number;
}

export interface AliasList {
  aliases: Array<{ alias: string; targets: string[] }>;
  catchAll: Array<{ domain: string; target: string }>;
}

export type CheckedRecord = DnsRecord & { check: RecordCheck | null };

export interface HouseholdAdminOptions {
  dataDir: string;
  /** The mailbox store: new users get their folders, removed ones may lose them, usage is summed. */
  store: MailStore;
  /** For the live DNS check (injected: node:dns in the app, a loopback DNS server in tests). */
  resolver?: DnsLookups;
  /** The running relay: a smarthost set or cleared is used from the next delivery on. */
  relay?: { setSmarthost(smarthost: SmarthostOptions | undefined): Promise<void>; status(): ServerRelayStatus };
  /** The running server's certificate: its status and the ACME renewal. */
  certificate?: { status(): ServerCertificateStatus; renewNow(): Promise<void> };
}

/**
 * The password rules. Always: not empty, not absurdly long. With `minLength` (the app's admin
 * screen passes adminLimits.minPasswordLength): at least that long and not the address or its
 * local part, the first guesses. The CLI leaves that choice to the admin at the terminal.
 */
export function checkPassword(address: string, password: string, minLength?: number): void {
  if (typeof password !== 'string' || password.length === 0) throw new HearthError('WEAK_PASSWORD', 'Password must not be empty', { field: 'password' });
  if (password.length > adminLimits.maxPasswordLength)
    throw new HearthError('INVALID_ARGUMENT', `Password longer than ${adminLimits.maxPasswordLength} characters`, { field: 'password' });
  if (minLength === undefined) return;
  if (password.length < minLength) throw new HearthError('WEAK_PASSWORD', `Password shorter than ${minLength} characters`, { field: 'password' });
  const a = address.trim().toLowerCase();
  const p = password.trim().toLowerCase();
  if (p === a || p === a.slice(0, a.lastIndexOf('@'))) throw new HearthError('WEAK_PASSWORD', 'Password must not be the address', { field: 'password' });
}

export class HouseholdAdmin {
  private readonly opts: HouseholdAdminOptions;

  constructor(opts: HouseholdAdminOptions) {
    this.opts = opts;
  }

  private async config(): Promise<ServerConfig> {
    return readConfigSync(this.opts.dataDir) ?? (await loadOrCreateConfig(this.opts.dataDir));
  }

  /** Users in the order they were added; `usage` sums each one's messages (opens their store). */
  async listUsers(opts: { usage?: boolean } = {}): Promise<AdminUser[]> {
    const cfg = await this.config();
    return Promise.all(
      cfg.users.map(async (u) => ({
        address: u.address,
        displayName: u.displayName ?? null,
        quotaBytes: u.quotaBytes ?? null,
        usedBytes: opts.usage ? await (await this.opts.store.user(u.address)).storageUsed() : null,
      })),
    );
  }

  async addUser(address: string, password: string, opts: { displayName?: string; minPasswordLength?: number } = {}): Promise<AdminUser> {
    const a = normaliseAddress(address);
    checkPassword(a, password, opts.minPasswordLength);
    const u = await addUser(this.opts.dataDir, a, password, opts.displayName ? { displayName: opts.displayName } : {});
    await this.opts.store.ensureUser(u.address);
    return { address: u.address, displayName: u.displayName ?? null, quotaBytes: null, usedBytes: 0 };
  }

  /** Fails with NOT_FOUND for an unknown user before the password is looked at. */
  async setPassword(address: string, password: string, opts: { minPasswordLength?: number } = {}): Promise<void> {
    const a = normaliseAddress(address);
    this.requireUser(await this.config(), a);
    checkPassword(a, password, opts.minPasswordLength);
    await setPassword(this.opts.dataDir, a, password);
  }

  /** Ends the account (its aliases and catch-alls too); the mail stays unless `deleteMail`. */
  async removeUser(address: string, opts: { deleteMail?: boolean } = {}): Promise<void> {
    const a = normaliseAddress(address);
    await removeUser(this.opts.dataDir, a);
    if (opts.deleteMail) await this.opts.store.deleteUser(a);
  }

  /** `size` as the CLI takes it: "500M", "2G", bytes, or "none"; returns the limit set. */
  async setQuota(address: string, size: string): Promise<number | null> {
    const bytes = parseStorageSize(size);
    await setStorageLimit(this.opts.dataDir, address, bytes);
    return bytes;
  }

  async listAliases(): Promise<AliasList> {
    const cfg = await this.config();
    return {
      aliases: Object.entries(cfg.aliases).map(([alias, targets]) => ({ alias, targets })),
      catchAll: Object.entries(cfg.catchAll).map(([domain, target]) => ({ domain, target })),
    };
  }

  async setAlias(alias: string, targets: string[]): Promise<void> {
    if (!targets.length) throw new HearthError('INVALID_ARGUMENT', 'An alias needs at least one target', { field: 'targets' });
    await setAlias(this.opts.dataDir, alias, targets);
  }

  async removeAlias(alias: string): Promise<void> {
    const a = normaliseAddress(alias);
    if (!(await this.config()).aliases[a]) throw new HearthError('NOT_FOUND', `No such alias: ${a}`, { field: 'alias' });
    await setAlias(this.opts.dataDir, a, []);
  }

  /** `target` null clears the domain's catch-all. */
  async setCatchAll(domain: string, target: string | null): Promise<void> {
    await setCatchAll(this.opts.dataDir, domain, target);
  }

  async listDomains(): Promise<AdminDomain[]> {
    const cfg = await this.config();
    return cfg.domains.map((name, i) => ({ name, primary: i === 0, users: cfg.users.filter((u) => u.address.endsWith(`@${name}`)).length }));
  }

  async addDomain(name: string): Promise<void> {
    await addDomain(this.opts.dataDir, name);
  }

  async removeDomain(name: string): Promise<void> {
    await removeDomain(this.opts.dataDir, name);
  }

  /** The records `hearth dns` prints. */
  async dnsRecords(opts: { domain?: string; hostname?: string } = {}): Promise<RecordsToPublish> {
    const { dnsRecordsToPublish } = await import('./dns-records.ts');
    return dnsRecordsToPublish(this.opts.dataDir, opts);
  }

  /** The same records, each with what DNS says now (check null when no resolver is configured). */
  async checkDns(opts: { domain?: string; hostname?: string } = {}): Promise<Omit<RecordsToPublish, 'records'> & { records: CheckedRecord[] }> {
    const r = await this.dnsRecords(opts);
    const resolver = this.opts.resolver;
    const { checkRecord } = await import('./dns-check.ts');
    const records = await Promise.all(r.records.map(async (rec) => ({ ...rec, check: resolver ? await checkRecord(resolver, rec) : null })));
    return { ...r, records };
  }

  /**
   * Starts issuing a new ACME certificate now (the settings `hearth cert issue` stored) and answers
   * at once with the status (renewing, progress); the outcome, or the CA's reason, follows there.
   */
  renewCertificate(): ServerCertificateStatus {
    const c = this.opts.certificate;
    if (!c) throw new HearthError('NOT_FOUND', 'No household server runs here to serve a certificate');
    void c.renewNow().catch(() => {}); // NOT_FOUND is thrown synchronously; failures land in status().acme.lastError
    return c.status();
  }

  /** The smarthost and any problem with it (the running relay's view; the stored one without a relay). */
  smarthostStatus(): ServerRelayStatus {
    if (this.opts.relay) return this.opts.relay.status();
    const s = readSmarthostSummaryOrNull(this.opts.dataDir);
    return {
      smarthost: s
        ? {
            ...smarthostView({ host: s.host, port: s.port, tls: s.tls, ...(s.user ? { user: s.user } : {}) })!,
            hasPassword: s.hasPassword,
            customCa: Boolean(s.caFile),
          }
        : null,
      problem: null,
      problemSince: null,
    };
  }

  /**
   * Stores the smarthost (the password sealed, never logged or returned) and hands it to the
   * running relay. A password left out keeps the stored one when the user stays the same; a CA
   * left out keeps the stored one, null drops it.
   */
  async setSmarthost(input: SmarthostInput): Promise<ServerRelayStatus> {
    const dataDir = this.opts.dataDir;
    const before = readSmarthostSummaryOrNull(dataDir);
    const user = input.user?.trim() || undefined;
    const setting: SmarthostSetting = { host: input.host, port: input.port, tls: input.tls };
    if (input.allowPlaintext) setting.allowPlaintext = true;
    if (user) {
      setting.user = user;
      const password = input.password ?? (before?.user === user ? readSmarthostPassword(dataDir) : undefined);
      if (password !== undefined) setting.password = password;
    } else if (input.password !== undefined) throw new HearthError('INVALID_ARGUMENT', 'A password needs a user name', { field: 'user' });
    if (input.caCert) setting.caFile = await writeSmarthostCa(dataDir, input.caCert);
    else if (input.caCert === undefined && before?.caFile) setting.caFile = before.caFile;
    await writeSmarthostSetting(dataDir, setting);
    if (input.caCert === null && before?.caFile === smarthostCaFileOf(dataDir)) rmSync(before.caFile, { force: true });
    await this.opts.relay?.setSmarthost(readSmarthostOptions(dataDir) ?? undefined);
    return this.smarthostStatus();
  }

  /** Mail to other domains goes straight to their MX again. */
  async clearSmarthost(): Promise<ServerRelayStatus> {
    clearSmarthostSetting(this.opts.dataDir);
    await this.opts.relay?.setSmarthost(undefined);
    return this.smarthostStatus();
  }

  private requireUser(cfg: ServerConfig, address: string): void {
    if (!cfg.users.some((u) => u.address === address)) throw new HearthError('NOT_FOUND', `No such user: ${address}`, { field: 'address' });
  }
}
