// UserDirectory over DATA/server.json; re-reads the file when it changes (the CLI edits it while
// the server runs).

import { stat } from 'node:fs/promises';
import type { User, UserDirectory } from './types.ts';
import { domainOf } from '../../mail/addresses.ts';
import { configPath, readConfigSync, type ServerConfig } from './config.ts';
import { dummyPasswordHash, verifyPassword } from './password.ts';

export class ConfigUserDirectory implements UserDirectory {
  private cfg: ServerConfig;
  private mtime = 0;
  private readonly dataDir: string;

  constructor(dataDir: string, initial?: ServerConfig) {
    this.dataDir = dataDir;
    const cfg = initial ?? readConfigSync(dataDir);
    if (!cfg) throw new Error(`No server configuration in ${dataDir}`);
    this.cfg = cfg;
  }

  /** Re-read server.json if it changed since last time. */
  async refresh(): Promise<ServerConfig> {
    try {
      const st = await stat(configPath(this.dataDir));
      if (st.mtimeMs !== this.mtime) {
        const next = readConfigSync(this.dataDir);
        if (next) this.cfg = next;
        this.mtime = st.mtimeMs;
      }
    } catch {
      /* keep what we have */
    }
    return this.cfg;
  }

  get config(): ServerConfig {
    return this.cfg;
  }

  async authenticate(address: string, password: string): Promise<User | null> {
    const cfg = await this.refresh();
    const a = String(address ?? '')
      .trim()
      .toLowerCase()
      .normalize('NFC');
    const u = cfg.users.find((x) => x.address === a);
    const ok = await verifyPassword(String(password ?? ''), u ? u.passwordHash : await dummyPasswordHash());
    return u && ok ? toUser(u) : null;
  }

  async resolveRecipient(address: string): Promise<string[] | null> {
    const cfg = await this.refresh();
    const a = String(address ?? '')
      .trim()
      .toLowerCase()
      .normalize('NFC');
    const at = a.lastIndexOf('@');
    if (at <= 0) return null;
    const domain = a.slice(at + 1);
    if (!cfg.domains.includes(domain)) return null;
    const users = new Set(cfg.users.map((u) => u.address));
    const direct = (x: string): string[] | null => {
      if (users.has(x)) return [x];
      const targets = cfg.aliases[x];
      if (targets) {
        const local = [...new Set(targets.filter((t) => users.has(t)))];
        return local.length ? local : null;
      }
      return null;
    };
    const hit = direct(a);
    if (hit) return hit;
    // sub-addressing: user+tag@domain
    const local = a.slice(0, at);
    const plus = local.indexOf('+');
    if (plus > 0) {
      const hit2 = direct(`${local.slice(0, plus)}@${domain}`);
      if (hit2) return hit2;
    }
    const catchAll = cfg.catchAll[domain];
    if (catchAll && users.has(catchAll)) return [catchAll];
    // RFC 5321 4.5.1: postmaster must be deliverable; default to the domain's first user
    if (local === 'postmaster') {
      const first = cfg.users.find((u) => domainOf(u.address) === domain) ?? cfg.users[0];
      if (first) return [first.address];
    }
    return null;
  }

  isLocalDomain(domain: string): boolean {
    return this.cfg.domains.includes(
      String(domain ?? '')
        .trim()
        .toLowerCase()
        .replace(/\.$/, ''),
    );
  }

  localDomains(): string[] {
    return [...this.cfg.domains];
  }

  async getUser(address: string): Promise<User | null> {
    const cfg = await this.refresh();
    const a = String(address ?? '')
      .trim()
      .toLowerCase();
    const u = cfg.users.find((x) => x.address === a);
    return u ? toUser(u) : null;
  }

  async listUsers(): Promise<User[]> {
    const cfg = await this.refresh();
    return cfg.users.map(toUser);
  }
}

function toUser(u: { address: string; displayName?: string }): User {
  return u.displayName ? { address: u.address, displayName: u.displayName } : { address: u.address };
}
