// Test doubles for what the relay is given: an in-memory DNS resolver, a manual clock, a
// file-backed local mailbox and a user directory.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MxRecord } from 'node:dns';
import type { Readable } from 'node:stream';
import type { Clock, LocalDelivery, MxResolver } from '../../src/main/server/relay/types.ts';
import type { User, UserDirectory } from '../../src/main/server/users/types.ts';

export class ManualClock implements Clock {
  t: number;
  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

function dnsError(code: string, name: string): Error {
  return Object.assign(new Error(`${code} ${name}`), { code });
}

/** An in-memory DNS: MX and A/AAAA/TXT records; unknown names answer NXDOMAIN (ENOTFOUND). */
export class FakeResolver implements MxResolver {
  mx = new Map<string, MxRecord[]>();
  a = new Map<string, string[]>();
  aaaa = new Map<string, string[]>();
  txt = new Map<string, string[][]>();
  /** Names whose lookups fail as a server failure (ESERVFAIL). */
  failing = new Set<string>();
  queries: string[] = [];

  private exists(name: string): boolean {
    return this.mx.has(name) || this.a.has(name) || this.aaaa.has(name) || this.txt.has(name);
  }
  private lookup<T>(map: Map<string, T>, name: string, type: string): Promise<T> {
    name = name.toLowerCase();
    this.queries.push(`${type} ${name}`);
    if (this.failing.has(name)) return Promise.reject(dnsError('ESERVFAIL', name));
    const v = map.get(name);
    if (v !== undefined) return Promise.resolve(v);
    return Promise.reject(dnsError(this.exists(name) ? 'ENODATA' : 'ENOTFOUND', name));
  }
  resolveMx(d: string) {
    return this.lookup(this.mx, d, 'MX');
  }
  resolve4(h: string) {
    return this.lookup(this.a, h, 'A');
  }
  resolve6(h: string) {
    return this.lookup(this.aaaa, h, 'AAAA');
  }
  resolveTxt(n: string) {
    return this.lookup(this.txt, n, 'TXT');
  }
  /** domain → one MX host on 127.0.0.1. */
  addDomain(domain: string, mxHost = `mx.${domain}`): void {
    this.mx.set(domain, [{ exchange: mxHost, priority: 10 }]);
    this.a.set(mxHost, ['127.0.0.1']);
  }
}

/** A local mailbox per user in a folder: <dir>/<user>/<n>.eml. Stands in for the mailbox store. */
export class FolderMailboxes implements LocalDelivery {
  readonly dir: string;
  readonly domains: Set<string>;
  readonly users: Set<string>;
  constructor(dir: string, domains: string[], users: string[]) {
    this.dir = dir;
    this.domains = new Set(domains);
    this.users = new Set(users.map((u) => u.toLowerCase()));
  }
  isLocal(address: string): boolean {
    return this.domains.has(address.split('@').pop()!.toLowerCase());
  }
  async deliver(recipient: string, from: string, body: () => Readable) {
    const user = recipient.toLowerCase();
    if (!this.users.has(user)) return { ok: false as const, permanent: true, reply: `550 5.1.1 <${recipient}>: no such user here` };
    const chunks: Buffer[] = [Buffer.from(`Return-Path: <${from}>\r\n`)];
    for await (const c of body()) chunks.push(c as Buffer);
    await mkdir(path.join(this.dir, user), { recursive: true });
    await writeFile(path.join(this.dir, user, `${Date.now()}-${Math.random().toString(36).slice(2)}.eml`), Buffer.concat(chunks));
    return { ok: true as const };
  }
  messages(user: string): Buffer[] {
    const d = path.join(this.dir, user.toLowerCase());
    if (!existsSync(d)) return [];
    return readdirSync(d)
      .sort()
      .map((n) => readFileSync(path.join(d, n)));
  }
}

/** Users with passwords and aliases (alias → targets), implementing the UserDirectory interface. */
export class TestUsers implements UserDirectory {
  private readonly passwords: Map<string, string>;
  private readonly aliases: Map<string, string[]>;
  private readonly domains: string[];
  constructor(domains: string[], users: Record<string, string>, aliases: Record<string, string[]> = {}) {
    this.domains = domains;
    this.passwords = new Map(Object.entries(users).map(([k, v]) => [k.toLowerCase(), v]));
    this.aliases = new Map(Object.entries(aliases).map(([k, v]) => [k.toLowerCase(), v]));
  }
  async authenticate(address: string, password: string): Promise<User | null> {
    const a = address.toLowerCase();
    return this.passwords.get(a) === password ? { address: a } : null;
  }
  async resolveRecipient(address: string): Promise<string[] | null> {
    const a = address.toLowerCase().replace(/\+[^@]*@/, '@');
    if (!this.isLocalDomain(a.split('@').pop()!)) return null;
    if (this.passwords.has(a)) return [a];
    return this.aliases.get(a) ?? null;
  }
  isLocalDomain(domain: string): boolean {
    return this.domains.includes(domain.toLowerCase());
  }
  localDomains(): string[] {
    return this.domains;
  }
  async getUser(address: string): Promise<User | null> {
    return this.passwords.has(address.toLowerCase()) ? { address: address.toLowerCase() } : null;
  }
  async listUsers(): Promise<User[]> {
    return [...this.passwords.keys()].map((address) => ({ address }));
  }
}
