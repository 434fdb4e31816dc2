// MailStore over Maildir++ (Dovecot's layout) with a per-user SQLite index.
//
// On disk, for user local@domain under the store root (DATA/mail):
//   domain/local/Maildir/{cur,new,tmp}            INBOX
//   domain/local/Maildir/.Sent/{cur,new,tmp}      other mailboxes, ".Parent.Child", modified UTF-7
//   domain/local/hearth-index.sqlite              UIDs, flags, MODSEQ, expunged UIDs (WAL, synchronous=FULL)
//   domain/local/hearth-uidvalidity               last UIDVALIDITY issued (survives an index rebuild)
//   tmp/                                          delivery spool: a message body is written here once
//
// The index is authoritative for UIDs, flags and MODSEQ; file names mirror the system flags
// (":2,FRS") so Dovecot can read the folders. When the store opens a user it reconciles the index
// with the folders: files without a row get new UIDs (a crash after link but before commit, or mail
// put there by another program), rows without a file are expunged, files of expunged messages are
// removed, and names are brought in line with the index. Deleting the index rebuilds it from the
// folders with a greater UIDVALIDITY and flags from the file names.
//
// Durability: a delivered or appended message is fsynced, linked into new/ (or cur/), the directory
// is fsynced (batched across concurrent deliveries), then the UID is recorded in one SQLite
// transaction (batched across concurrent deliveries to the same user) before the caller hears of it.

import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { EventEmitter } from 'node:events';
import { closeSync, constants as fsConstants, openSync, readSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, link, unlink, stat, readFile, utimes, copyFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { HearthError } from '../../shared/errors.ts';
import type { Logger } from '../base/log.ts';
import { silentLogger } from '../base/log.ts';
import {
  DEFAULT_MAILBOXES,
  type AppendOptions,
  type AppendResult,
  type ByteRange,
  type ChangesSince,
  type CopyResult,
  type DeliveredCopy,
  type Delivery,
  type DeliveryRecipientOptions,
  type MailboxEvent,
  type MailboxHandle,
  type MailboxListEntry,
  type MailboxListener,
  type MailboxStatus,
  type MailStore,
  type MessageMeta,
  type SetFlagsOptions,
  type SetFlagsResult,
  type SpecialUse,
  type UidSet,
  type UserMailStore,
} from './types.ts';
import { DirSyncer, atomicWriteFile, fsyncDir, syncFd } from '../base/fsutil.ts';
import { folderToMailbox, mailboxToFolder, normaliseMailboxName } from './names.ts';
import { INFO_SEP, applyFlags, flagsFromString, flagsToInfo, flagsToString, hasFlag, infoToFlags, normaliseFlags, splitMaildirName } from './flags.ts';

export interface MaildirStoreOptions {
  /** Root folder of all users' mail, e.g. DATA/mail. */
  root: string;
  /** Host name used in Maildir file names. */
  hostname?: string;
  log?: Logger;
}

interface MailboxRow {
  id: number;
  name: string;
  folder: string;
  special_use: string | null;
  subscribed: number;
  uidvalidity: number;
  uidnext: number;
  highest_modseq: number;
  uid_reserved: number;
  modseq_reserved: number;
}

/**
 * UIDs and MODSEQs handed to deliveries are reserved durably in blocks of this size, so delivery
 * commits (one per batch) need no fsync of their own; see UserStore.flush.
 */
const RESERVE_BLOCK = 128;

/** Listings up to this many messages are remembered for the reads that follow (see listRows). */
const ROW_MEMO_MAX = 50_000;

interface MessageRow {
  uid: number;
  base: string;
  in_cur: number;
  flags: string;
  modseq: number;
  size: number;
  internal_date: number;
}

const SPECIAL_BY_NAME = new Map<string, SpecialUse>(
  DEFAULT_MAILBOXES.filter((m) => m.specialUse).map((m) => [m.name.toLowerCase(), m.specialUse as SpecialUse]),
);

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mailboxes(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  folder TEXT NOT NULL UNIQUE,
  special_use TEXT,
  subscribed INTEGER NOT NULL DEFAULT 1,
  uidvalidity INTEGER NOT NULL,
  uidnext INTEGER NOT NULL DEFAULT 1,
  highest_modseq INTEGER NOT NULL DEFAULT 1,
  uid_reserved INTEGER NOT NULL DEFAULT 0,
  modseq_reserved INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS messages(
  mailbox_id INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  base TEXT NOT NULL,
  in_cur INTEGER NOT NULL,
  flags TEXT NOT NULL,
  modseq INTEGER NOT NULL,
  size INTEGER NOT NULL,
  internal_date INTEGER NOT NULL,
  PRIMARY KEY(mailbox_id, uid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS messages_modseq ON messages(mailbox_id, modseq);
CREATE TABLE IF NOT EXISTS vanished(
  mailbox_id INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  modseq INTEGER NOT NULL,
  base TEXT,
  PRIMARY KEY(mailbox_id, uid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS vanished_modseq ON vanished(mailbox_id, modseq);
-- Subscriptions outlive their mailbox (RFC 3501 6.3.9): names subscribed to whose mailbox was
-- deleted (a mailbox's own subscription is its row's column). CREATE of the name takes it back.
CREATE TABLE IF NOT EXISTS kept_subscriptions(name TEXT PRIMARY KEY) WITHOUT ROWID;
`;

// ---------------------------------------------------------------------------------------------
// small helpers

function uidSetContains(set: UidSet): (uid: number) => boolean {
  const singles = new Set<number>();
  const ranges: Array<[number, number]> = [];
  for (const x of set) {
    if (typeof x === 'number') singles.add(x);
    else ranges.push([Math.min(x[0], x[1]), Math.max(x[0], x[1])]);
  }
  return (uid) => singles.has(uid) || ranges.some(([a, b]) => uid >= a && uid <= b);
}

function uidSetBounds(set: UidSet): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of set) {
    const a = typeof x === 'number' ? x : Math.min(x[0], x[1]);
    const b = typeof x === 'number' ? x : Math.max(x[0], x[1]);
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  return lo === Infinity ? null : [lo, hi];
}

function isEnoent(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT';
}

function storageError(e: unknown): HearthError {
  if (e instanceof HearthError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new HearthError('DISK_FULL');
  return new HearthError('STORAGE', `Mail store: ${(e as Error)?.message ?? String(e)}`);
}

/** Split an address into [local, domain], lower-cased, checked to be safe as folder names. */
export function addressParts(address: string): [string, string] {
  const a = String(address).trim().toLowerCase().normalize('NFC');
  const at = a.lastIndexOf('@');
  const local = a.slice(0, at);
  const domain = a.slice(at + 1);
  const bad = (s: string) => s === '' || s === '.' || s === '..' || s.startsWith('.') || /[/\\\0\s:]/.test(s) || s.length > 200;
  if (at <= 0 || bad(local) || bad(domain)) throw new HearthError('BAD_ADDRESS', `Invalid address: ${JSON.stringify(address)}`);
  return [local, domain];
}

class RwLock {
  private readers = 0;
  private writer = false;
  private waiting: Array<{ write: boolean; go: () => void }> = [];

  async read<T>(fn: () => Promise<T>): Promise<T> {
    if (this.writer || this.waiting.some((w) => w.write)) await new Promise<void>((go) => this.waiting.push({ write: false, go }));
    else this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      this.pump();
    }
  }

  async write<T>(fn: () => Promise<T>): Promise<T> {
    if (this.writer || this.readers > 0 || this.waiting.length > 0) await new Promise<void>((go) => this.waiting.push({ write: true, go }));
    else this.writer = true;
    try {
      return await fn();
    } finally {
      this.writer = false;
      this.pump();
    }
  }

  private pump(): void {
    if (this.writer) return;
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      if (next.write) {
        if (this.readers > 0) return;
        this.waiting.shift();
        this.writer = true;
        next.go();
        return;
      }
      this.waiting.shift();
      this.readers++;
      next.go();
    }
  }
}

let nameCounter = 0;

// ---------------------------------------------------------------------------------------------

interface PendingInsert {
  mailbox: string;
  base: string;
  inCur: boolean;
  flags: string[];
  size: number;
  internalDate: number;
  origin?: unknown;
  resolve: (r: { uidValidity: number; uid: number }) => void;
  reject: (e: unknown) => void;
}

export class MaildirStore implements MailStore {
  readonly root: string;
  readonly hostname: string;
  readonly log: Logger;
  readonly dirSyncer = new DirSyncer();
  private readonly users = new Map<string, Promise<UserStore>>();
  private closed = false;
  private spoolReady: Promise<void> | null = null;

  constructor(opts: MaildirStoreOptions) {
    this.root = path.resolve(opts.root);
    this.hostname = (opts.hostname ?? osHostname()).replace(/[^A-Za-z0-9.-]/g, '_') || 'localhost';
    this.log = opts.log ?? silentLogger;
  }

  get spoolDir(): string {
    return path.join(this.root, 'tmp');
  }

  /** Where a user's folders live. */
  userDir(address: string): string {
    const [local, domain] = addressParts(address);
    return path.join(this.root, domain, local);
  }

  newBaseName(): string {
    const now = Date.now();
    const sec = Math.floor(now / 1000);
    const usec = (now % 1000) * 1000 + Math.floor(Math.random() * 1000);
    nameCounter = (nameCounter + 1) % 1e9;
    return `${sec}.M${usec}P${process.pid}Q${nameCounter}R${randomBytes(4).toString('hex')}.${this.hostname}`;
  }

  async ensureSpool(): Promise<void> {
    this.spoolReady ??= (async () => {
      await mkdir(this.spoolDir, { recursive: true, mode: 0o700 });
      // Nobody writes to the spool before the store is up: leftovers are from a crash.
      for (const f of await readdir(this.spoolDir)) await rm(path.join(this.spoolDir, f), { force: true, recursive: true });
    })();
    return this.spoolReady;
  }

  async user(address: string): Promise<UserStore> {
    if (this.closed) throw new HearthError('STORAGE', 'Mail store is closed');
    const [local, domain] = addressParts(address);
    const key = `${local}@${domain}`;
    let p = this.users.get(key);
    if (!p) {
      p = UserStore.open(this, key, path.join(this.root, domain, local));
      this.users.set(key, p);
      p.catch(() => this.users.delete(key));
    }
    return p;
  }

  async ensureUser(address: string): Promise<void> {
    await this.user(address);
  }

  /** The addresses that have mail folders under the root. */
  async listStoredUsers(): Promise<string[]> {
    const out: string[] = [];
    for (const d of await readdir(this.root, { withFileTypes: true }).catch(() => [])) {
      if (!d.isDirectory() || d.name === 'tmp') continue;
      for (const u of await readdir(path.join(this.root, d.name), { withFileTypes: true }).catch(() => [])) {
        if (u.isDirectory()) out.push(`${u.name}@${d.name}`);
      }
    }
    return out.sort();
  }

  async deleteUser(address: string): Promise<void> {
    const [local, domain] = addressParts(address);
    const key = `${local}@${domain}`;
    const p = this.users.get(key);
    this.users.delete(key);
    if (p) {
      const u = await p.catch(() => null);
      u?.close();
    }
    await rm(path.join(this.root, domain, local), { recursive: true, force: true });
  }

  beginDelivery(): Delivery {
    return new MaildirDelivery(this);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.users.values()];
    this.users.clear();
    for (const p of all) {
      const u = await p.catch(() => null);
      if (u) {
        await u.drain();
        u.close();
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

export class UserStore implements UserMailStore {
  readonly address: string;
  readonly dir: string;
  readonly maildir: string;
  private db!: DatabaseSync;
  private readonly events = new EventEmitter();
  readonly lock = new RwLock();
  private pending: PendingInsert[] = [];
  private flushScheduled = false;
  private fsChain: Promise<void> = Promise.resolve();
  private closed = false;
  private st!: {
    mailboxByName: StatementSync;
    mailboxById: StatementSync;
    mailboxes: StatementSync;
    counts: StatementSync;
    countsOne: StatementSync;
    messages: StatementSync;
    messagesRange: StatementSync;
    message: StatementSync;
    insertMessage: StatementSync;
    updateUidnext: StatementSync;
    updateModseq: StatementSync;
    updateFlags: StatementSync;
    deleteMessage: StatementSync;
    insertVanished: StatementSync;
    changedSince: StatementSync;
    vanishedSince: StatementSync;
    getMeta: StatementSync;
    setMeta: StatementSync;
  };

  readonly store: MaildirStore;

  private constructor(store: MaildirStore, address: string, dir: string) {
    this.store = store;
    this.address = address;
    this.dir = dir;
    this.maildir = path.join(dir, 'Maildir');
    this.events.setMaxListeners(0);
  }

  static async open(store: MaildirStore, address: string, dir: string): Promise<UserStore> {
    const u = new UserStore(store, address, dir);
    try {
      await mkdir(u.dir, { recursive: true, mode: 0o700 });
      await mkdir(path.join(u.maildir, 'tmp'), { recursive: true, mode: 0o700 });
      await mkdir(path.join(u.maildir, 'new'), { recursive: true });
      await mkdir(path.join(u.maildir, 'cur'), { recursive: true });
      u.openDb();
      await u.reconcile();
      if (u.getMeta('defaults') !== '1') {
        for (const m of DEFAULT_MAILBOXES) {
          if (m.name !== 'INBOX' && !u.row(m.name)) await u.createMailboxUnlocked(m.name, m.specialUse, true);
          else if (m.specialUse) {
            u.db.prepare('UPDATE mailboxes SET special_use = ? WHERE name = ? AND special_use IS NULL').run(m.specialUse, m.name);
            u.dropRowCache(); // a write outside tx()
          }
        }
        u.setMeta('defaults', '1');
      }
    } catch (e) {
      u.close();
      throw storageError(e);
    }
    return u;
  }

  private openDb(): void {
    this.db = new DatabaseSync(path.join(this.dir, 'hearth-index.sqlite'));
    this.db.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF; PRAGMA busy_timeout=5000;');
    this.db.exec(SCHEMA);
    const cols = (this.db.prepare('PRAGMA table_info(mailboxes)').all() as Array<{ name: string }>).map((c) => c.name);
    if (!cols.includes('uid_reserved')) this.db.exec('ALTER TABLE mailboxes ADD COLUMN uid_reserved INTEGER NOT NULL DEFAULT 0');
    if (!cols.includes('modseq_reserved')) this.db.exec('ALTER TABLE mailboxes ADD COLUMN modseq_reserved INTEGER NOT NULL DEFAULT 0');
    // After an unclean stop, delivery commits made without fsync may be lost: never hand out
    // again a UID or MODSEQ that may have been announced (they were all below the reservations).
    const bumped = this.db
      .prepare(
        'UPDATE mailboxes SET uidnext = max(uidnext, uid_reserved), highest_modseq = max(highest_modseq, modseq_reserved) WHERE uid_reserved > uidnext OR modseq_reserved > highest_modseq',
      )
      .run();
    if (Number(bumped.changes) > 0)
      this.store.log.warn('index was not closed cleanly; UIDNEXT moved past the reserved UIDs', { user: this.address, mailboxes: Number(bumped.changes) });
    const p = (s: string) => this.db.prepare(s);
    this.st = {
      mailboxByName: p('SELECT * FROM mailboxes WHERE name = ?'),
      mailboxById: p('SELECT * FROM mailboxes WHERE id = ?'),
      mailboxes: p('SELECT * FROM mailboxes ORDER BY name'),
      counts: p(
        `SELECT mailbox_id, count(*) AS n, coalesce(sum(size),0) AS bytes, sum(instr(' ' || flags || ' ', ' \\Seen ') = 0) AS unseen FROM messages GROUP BY mailbox_id`,
      ),
      countsOne: p(
        `SELECT count(*) AS n, coalesce(sum(size),0) AS bytes, coalesce(sum(instr(' ' || flags || ' ', ' \\Seen ') = 0),0) AS unseen FROM messages WHERE mailbox_id = ?`,
      ),
      messages: p('SELECT uid, base, in_cur, flags, modseq, size, internal_date FROM messages WHERE mailbox_id = ? ORDER BY uid'),
      messagesRange: p('SELECT uid, base, in_cur, flags, modseq, size, internal_date FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid'),
      message: p('SELECT uid, base, in_cur, flags, modseq, size, internal_date FROM messages WHERE mailbox_id = ? AND uid = ?'),
      insertMessage: p('INSERT INTO messages(mailbox_id, uid, base, in_cur, flags, modseq, size, internal_date) VALUES (?,?,?,?,?,?,?,?)'),
      updateUidnext: p('UPDATE mailboxes SET uidnext = ?, highest_modseq = ? WHERE id = ?'),
      updateModseq: p('UPDATE mailboxes SET highest_modseq = ? WHERE id = ?'),
      updateFlags: p('UPDATE messages SET flags = ?, in_cur = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?'),
      deleteMessage: p('DELETE FROM messages WHERE mailbox_id = ? AND uid = ?'),
      insertVanished: p('INSERT OR REPLACE INTO vanished(mailbox_id, uid, modseq, base) VALUES (?,?,?,?)'),
      changedSince: p('SELECT uid, base, in_cur, flags, modseq, size, internal_date FROM messages WHERE mailbox_id = ? AND modseq > ? ORDER BY uid'),
      vanishedSince: p('SELECT uid FROM vanished WHERE mailbox_id = ? AND modseq > ? ORDER BY uid'),
      getMeta: p('SELECT value FROM meta WHERE key = ?'),
      setMeta: p('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)'),
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      // a clean stop gives back the unused reservations
      this.db?.exec('UPDATE mailboxes SET uid_reserved = uidnext, modseq_reserved = highest_modseq');
    } catch {
      /* closing anyway */
    }
    try {
      this.db?.close();
    } catch {
      /* already closed */
    }
  }

  /** Wait for queued index writes and file renames. */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.flushScheduled) await new Promise((r) => setImmediate(r));
    await this.fsChain.catch(() => {});
  }

  // ---- index primitives ----------------------------------------------------------------------

  /**
   * Message counts per mailbox id, for the EXISTS announced after each delivery batch: counting a
   * big mailbox's rows for every batch made appends quadratic. Valid only while nothing but
   * delivery batches (which keep it up to date) writes: every other transaction drops it.
   */
  private readonly messageCounts = new Map<number, number>();

  private countMessages(mailboxId: number): number {
    let n = this.messageCounts.get(mailboxId);
    if (n === undefined) {
      n = (this.st.countsOne.get(mailboxId) as { n: number }).n;
      this.messageCounts.set(mailboxId, n);
    }
    return n;
  }

  private tx<T>(fn: () => T, keepsCounts = false): T {
    if (this.closed) throw new HearthError('STORAGE', 'Mail store is closed');
    if (!keepsCounts) this.messageCounts.clear();
    this.dropRowCache();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const r = fn();
      this.db.exec('COMMIT');
      return r;
    } catch (e) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        /* nothing to roll back */
      }
      throw e;
    } finally {
      this.dropRowCache();
    }
  }

  private getMeta(key: string): string | undefined {
    return (this.st.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  private setMeta(key: string, value: string): void {
    this.st.setMeta.run(key, value);
  }

  /**
   * Mailbox rows as last read outside a transaction: a FETCH looks its mailbox up for every
   * message. Every transaction drops them, and inside one the index is always asked. Callers
   * must not change a row they are given (copy it first).
   */
  private readonly rowCache = {
    byName: new Map<string, MailboxRow | undefined>(),
    byId: new Map<number, MailboxRow | undefined>(),
    /** Message rows listed per mailbox id since the last transaction. */
    messages: new Map<number, Map<number, MessageRow>>(),
  };

  private dropRowCache(): void {
    this.rowCache.byName.clear();
    this.rowCache.byId.clear();
    this.rowCache.messages.clear();
  }

  row(name: string): MailboxRow | undefined {
    if (this.db.isTransaction) return this.st.mailboxByName.get(name) as MailboxRow | undefined;
    const c = this.rowCache.byName;
    if (!c.has(name)) c.set(name, this.st.mailboxByName.get(name) as MailboxRow | undefined);
    return c.get(name);
  }

  private mustRow(name: string): MailboxRow {
    const r = this.row(normaliseMailboxName(name));
    if (!r) throw new HearthError('MAILBOX_NOT_FOUND', `No such folder: ${name}`);
    return r;
  }

  rowById(id: number): MailboxRow | undefined {
    if (this.db.isTransaction) return this.st.mailboxById.get(id) as MailboxRow | undefined;
    const c = this.rowCache.byId;
    if (!c.has(id)) c.set(id, this.st.mailboxById.get(id) as MailboxRow | undefined);
    return c.get(id);
  }

  folderPath(mb: { folder: string }): string {
    return path.join(this.maildir, mb.folder);
  }

  filePath(mb: { folder: string }, m: { base: string; in_cur: number; flags: string }): string {
    const dir = this.folderPath(mb);
    return m.in_cur ? path.join(dir, 'cur', `${m.base}${INFO_SEP}2,${flagsToInfo(flagsFromString(m.flags))}`) : path.join(dir, 'new', m.base);
  }

  /** Find a message file by its base name when it is not where the index says (a rename in flight or lost in a crash). */
  async locate(mb: { folder: string }, base: string): Promise<string | null> {
    const dir = this.folderPath(mb);
    for (const sub of ['cur', 'new']) {
      let names: string[];
      try {
        names = await readdir(path.join(dir, sub));
      } catch {
        continue;
      }
      const hit = names.find((n) => n === base || n.startsWith(base + INFO_SEP));
      if (hit) return path.join(dir, sub, hit);
    }
    return null;
  }

  /** Allocate the next UIDVALIDITY: greater than any issued for this user, even after an index rebuild. */
  private async nextUidValidities(n: number): Promise<number[]> {
    const fromMeta = Number(this.getMeta('last_uidvalidity') ?? 0);
    let fromFile = 0;
    try {
      fromFile = Number((await readFile(path.join(this.dir, 'hearth-uidvalidity'), 'utf8')).trim()) || 0;
    } catch {
      /* first time */
    }
    const start = Math.max(Math.floor(Date.now() / 1000), fromMeta + 1, fromFile + 1);
    if (start + n >= 2 ** 32) throw new HearthError('STORAGE', 'UIDVALIDITY space exhausted');
    const out = Array.from({ length: n }, (_, i) => start + i);
    await atomicWriteFile(path.join(this.dir, 'hearth-uidvalidity'), String(start + n - 1) + '\n', 0o600);
    this.setMeta('last_uidvalidity', String(start + n - 1));
    return out;
  }

  private emit(mailbox: string, ev: MailboxEvent): void {
    try {
      this.events.emit(mailbox, ev);
    } catch (e) {
      this.store.log.warn('store listener threw', { err: e });
    }
  }

  private toMeta(r: MessageRow): MessageMeta {
    return {
      uid: r.uid,
      flags: flagsFromString(r.flags),
      modseq: r.modseq,
      size: r.size,
      internalDate: new Date(r.internal_date),
      guid: r.base.split(',')[0]!,
    };
  }

  private statusOf(r: MailboxRow, counts?: { n: number; bytes: number; unseen: number }): MailboxStatus {
    const c = counts ?? (this.st.countsOne.get(r.id) as { n: number; bytes: number; unseen: number });
    return {
      name: r.name,
      specialUse: (r.special_use as SpecialUse | null) ?? null,
      subscribed: !!r.subscribed,
      uidValidity: r.uidvalidity,
      uidNext: r.uidnext,
      highestModseq: r.highest_modseq,
      messages: c?.n ?? 0,
      unseen: c?.unseen ?? 0,
      size: c?.bytes ?? 0,
    };
  }

  /** Queue a file operation (renames, unlinks) after the index commit; they run in order. */
  private queueFs(fn: () => Promise<void>): void {
    this.fsChain = this.fsChain.then(fn).catch((e) => this.store.log.warn('maildir file update failed', { err: e, user: this.address }));
  }

  // ---- reconcile / rebuild ---------------------------------------------------------------------

  /** Bring the index in line with the folders on disk (see the file header). */
  async reconcile(): Promise<void> {
    // leftovers of interrupted mailbox deletes
    for (const e of await readdir(this.dir, { withFileTypes: true })) {
      if (e.isDirectory() && e.name.startsWith('trash-')) await rm(path.join(this.dir, e.name), { recursive: true, force: true });
    }
    const onDisk = new Map<string, string>(); // folder -> name
    onDisk.set('', 'INBOX');
    for (const e of await readdir(this.maildir, { withFileTypes: true })) {
      if (!e.isDirectory() || !e.name.startsWith('.')) continue;
      const name = folderToMailbox(e.name);
      if (!name) continue;
      let norm: string;
      try {
        norm = normaliseMailboxName(name);
      } catch {
        continue;
      }
      if (mailboxToFolder(norm) !== e.name) continue; // not a name we would have written
      onDisk.set(e.name, norm);
    }
    const rows = this.st.mailboxes.all() as unknown as MailboxRow[];
    const known = new Set(rows.map((r) => r.folder));
    for (const r of rows) {
      if (!onDisk.has(r.folder)) {
        this.store.log.warn('mailbox folder missing; dropping it from the index', { user: this.address, mailbox: r.name });
        this.tx(() => {
          this.db.prepare('DELETE FROM messages WHERE mailbox_id = ?').run(r.id);
          this.db.prepare('DELETE FROM vanished WHERE mailbox_id = ?').run(r.id);
          this.db.prepare('DELETE FROM mailboxes WHERE id = ?').run(r.id);
        });
      }
    }
    const missing = [...onDisk].filter(([folder]) => !known.has(folder));
    if (missing.length > 0) {
      const validities = await this.nextUidValidities(missing.length);
      this.tx(() => {
        missing.forEach(([folder, name], i) => {
          this.db
            .prepare('INSERT INTO mailboxes(name, folder, special_use, subscribed, uidvalidity, uidnext, highest_modseq) VALUES (?,?,?,?,?,1,1)')
            .run(name, folder, SPECIAL_BY_NAME.get(name.toLowerCase()) ?? null, 1, validities[i]!);
        });
      });
    }
    for (const r of this.st.mailboxes.all() as unknown as MailboxRow[]) await this.reconcileMailbox(r);
  }

  private async reconcileMailbox(mb: MailboxRow): Promise<void> {
    const dir = this.folderPath(mb);
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(dir, sub), { recursive: true });
    const files = new Map<string, { sub: 'cur' | 'new'; file: string; info: string | null }>();
    for (const sub of ['new', 'cur'] as const) {
      for (const f of await readdir(path.join(dir, sub))) {
        if (f.startsWith('.')) continue;
        const { base, info } = splitMaildirName(f);
        if (!files.has(base)) files.set(base, { sub, file: f, info });
      }
    }
    const rows = this.st.messages.all(mb.id) as unknown as MessageRow[];
    const rowByBase = new Map(rows.map((r) => [r.base, r]));
    const vanishedBases = new Set(
      (this.db.prepare('SELECT base FROM vanished WHERE mailbox_id = ? AND base IS NOT NULL').all(mb.id) as Array<{ base: string }>).map((v) => v.base),
    );
    const gone = rows.filter((r) => !files.has(r.base));
    const fresh: Array<{ base: string; sub: 'cur' | 'new'; file: string; info: string | null; mtime: number; size: number }> = [];
    for (const [base, f] of files) {
      if (rowByBase.has(base)) continue;
      const full = path.join(dir, f.sub, f.file);
      if (vanishedBases.has(base)) {
        await unlink(full).catch(() => {});
        continue;
      }
      let st;
      try {
        st = await stat(full);
      } catch {
        continue;
      }
      if (!st.isFile()) continue;
      const m = /,S=(\d+)/.exec(base);
      fresh.push({ base, sub: f.sub, file: f.file, info: f.info, mtime: st.mtimeMs, size: m ? Number(m[1]) : st.size });
    }
    // names out of line with the index: the index wins
    for (const r of rows) {
      const f = files.get(r.base);
      if (!f) continue;
      const want = this.filePath(mb, r);
      const have = path.join(dir, f.sub, f.file);
      if (want !== have) await rename(have, want).catch(() => {});
    }
    if (gone.length === 0 && fresh.length === 0) return;
    fresh.sort((a, b) => a.mtime - b.mtime || (a.base < b.base ? -1 : 1));
    // Keywords as Dovecot keeps them (letters a-z in the file name, named in dovecot-keywords): a
    // Maildir written by `hearth dovecot-export` or by Dovecot itself keeps its keywords here too.
    const keywordOf = new Map<string, string>();
    try {
      for (const line of (await readFile(path.join(dir, 'dovecot-keywords'), 'utf8')).split('\n')) {
        const m = /^(\d+) (\S+)$/.exec(line.trim());
        if (m && Number(m[1]) < 26) keywordOf.set(String.fromCharCode(97 + Number(m[1])), m[2]!);
      }
    } catch {
      // no keyword file: system flags only
    }
    const withKeywords = (info: string): string[] => {
      const kws = [...info].map((c) => keywordOf.get(c)).filter((k): k is string => !!k);
      return kws.length ? normaliseFlags([...infoToFlags(info), ...kws]) : infoToFlags(info);
    };
    const added = this.tx(() => {
      const cur = this.rowById(mb.id)!;
      const modseq = cur.highest_modseq + 1;
      let uidnext = cur.uidnext;
      for (const r of gone) {
        this.st.insertVanished.run(mb.id, r.uid, modseq, r.base);
        this.st.deleteMessage.run(mb.id, r.uid);
      }
      const uids: number[] = [];
      for (const f of fresh) {
        const flags = f.info !== null ? withKeywords(f.info) : [];
        this.st.insertMessage.run(mb.id, uidnext, f.base, f.sub === 'cur' ? 1 : 0, flagsToString(flags), modseq, f.size, Math.round(f.mtime));
        uids.push(uidnext++);
      }
      this.st.updateUidnext.run(uidnext, modseq, mb.id);
      return uids;
    });
    if (gone.length || added.length) {
      this.store.log.info('mailbox reconciled with its folder', { user: this.address, mailbox: mb.name, added: added.length, expunged: gone.length });
    }
  }

  // ---- mailboxes -------------------------------------------------------------------------------

  async listMailboxes(): Promise<MailboxListEntry[]> {
    const rows = this.st.mailboxes.all() as unknown as MailboxRow[];
    const counts = new Map((this.st.counts.all() as Array<{ mailbox_id: number; n: number; bytes: number; unseen: number }>).map((c) => [c.mailbox_id, c]));
    const names = rows.map((r) => r.name);
    const out = rows.map((r) => ({
      ...this.statusOf(r, counts.get(r.id) ?? { n: 0, bytes: 0, unseen: 0 }),
      hasChildren: names.some((n) => n.startsWith(r.name + '/')),
    }));
    // INBOX first, then by name
    out.sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  }

  async status(name: string): Promise<MailboxStatus> {
    return this.statusOf(this.mustRow(name));
  }

  async exists(name: string): Promise<boolean> {
    return !!this.row(normaliseMailboxName(name));
  }

  async createMailbox(name: string, options: { specialUse?: SpecialUse | null; subscribed?: boolean } = {}): Promise<MailboxStatus> {
    const n = normaliseMailboxName(name);
    return this.lock.write(async () => {
      if (this.row(n)) throw new HearthError('MAILBOX_EXISTS', `Folder exists: ${n}`);
      const parts = n.split('/');
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join('/');
        if (!this.row(parent)) await this.createMailboxUnlocked(parent, null, options.subscribed ?? true);
      }
      return this.createMailboxUnlocked(n, options.specialUse ?? null, options.subscribed ?? true);
    });
  }

  private async createMailboxUnlocked(name: string, specialUse: SpecialUse | null, subscribed: boolean): Promise<MailboxStatus> {
    if (name === 'INBOX') throw new HearthError('MAILBOX_EXISTS', 'INBOX exists');
    const folder = mailboxToFolder(name);
    if (Buffer.byteLength(folder) > 240) throw new HearthError('INVALID_ARGUMENT', 'Mailbox name too long', { field: 'mailbox' });
    const dir = path.join(this.maildir, folder);
    try {
      for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(dir, sub), { recursive: true });
      const fh = await open(path.join(dir, 'maildirfolder'), 'a');
      await fh.close();
      await fsyncDir(dir);
      await fsyncDir(this.maildir);
    } catch (e) {
      throw storageError(e);
    }
    const [uidValidity] = await this.nextUidValidities(1);
    this.tx(() => {
      const kept = Number(this.db.prepare('DELETE FROM kept_subscriptions WHERE name = ?').run(name).changes) > 0;
      this.db
        .prepare('INSERT INTO mailboxes(name, folder, special_use, subscribed, uidvalidity, uidnext, highest_modseq) VALUES (?,?,?,?,?,1,1)')
        .run(name, folder, specialUse, subscribed || kept ? 1 : 0, uidValidity!);
    });
    return this.statusOf(this.row(name)!);
  }

  async deleteMailbox(name: string): Promise<void> {
    const n = normaliseMailboxName(name);
    if (n === 'INBOX') throw new HearthError('INVALID_ARGUMENT', 'INBOX cannot be deleted', { field: 'mailbox' });
    await this.lock.write(async () => {
      const r = this.mustRow(n);
      await this.drain();
      const trash = path.join(this.dir, `trash-${randomBytes(6).toString('hex')}`);
      try {
        await rename(this.folderPath(r), trash);
        await fsyncDir(this.maildir);
      } catch (e) {
        if (!isEnoent(e)) throw storageError(e);
      }
      this.tx(() => {
        this.db.prepare('DELETE FROM messages WHERE mailbox_id = ?').run(r.id);
        this.db.prepare('DELETE FROM vanished WHERE mailbox_id = ?').run(r.id);
        this.db.prepare('DELETE FROM mailboxes WHERE id = ?').run(r.id);
        if (r.subscribed) this.db.prepare('INSERT OR IGNORE INTO kept_subscriptions(name) VALUES (?)').run(r.name);
      });
      await rm(trash, { recursive: true, force: true }).catch(() => {});
      this.emit(n, { type: 'gone', mailbox: n });
    });
  }

  async renameMailbox(from: string, to: string): Promise<void> {
    const a = normaliseMailboxName(from);
    const b = normaliseMailboxName(to);
    if (b === 'INBOX' || (b.startsWith('INBOX/') && a === 'INBOX')) throw new HearthError('INVALID_ARGUMENT', 'Cannot rename to INBOX', { field: 'mailbox' });
    if (a === b) throw new HearthError('MAILBOX_EXISTS', `Folder exists: ${b}`);
    if (b.startsWith(a + '/')) throw new HearthError('INVALID_ARGUMENT', 'Cannot move a folder into itself', { field: 'mailbox' });
    await this.lock.write(async () => {
      const src = this.mustRow(a);
      if (this.row(b)) throw new HearthError('MAILBOX_EXISTS', `Folder exists: ${b}`);
      await this.drain();
      const parts = b.split('/');
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join('/');
        if (!this.row(parent) && parent !== a) await this.createMailboxUnlocked(parent, null, true);
      }
      if (a === 'INBOX') {
        // RFC 3501: move INBOX's messages to the new mailbox, INBOX stays (empty)
        await this.createMailboxUnlocked(b, null, true);
        const all = (this.st.messages.all(src.id) as unknown as MessageRow[]).map((m) => m.uid);
        if (all.length) await this.copyOrMove(src, all, b, true, undefined, true);
        return;
      }
      const affected = (this.st.mailboxes.all() as unknown as MailboxRow[]).filter((r) => r.name === a || r.name.startsWith(a + '/'));
      const plans = affected.map((r) => {
        const newName = b + r.name.slice(a.length);
        return { r, newName, newFolder: mailboxToFolder(newName) };
      });
      for (const p of plans) if (this.row(p.newName)) throw new HearthError('MAILBOX_EXISTS', `Folder exists: ${p.newName}`);
      const done: typeof plans = [];
      try {
        for (const p of plans) {
          await rename(this.folderPath(p.r), path.join(this.maildir, p.newFolder));
          done.push(p);
        }
        await fsyncDir(this.maildir);
      } catch (e) {
        for (const p of done.reverse()) await rename(path.join(this.maildir, p.newFolder), this.folderPath(p.r)).catch(() => {});
        throw storageError(e);
      }
      this.tx(() => {
        for (const p of plans) this.db.prepare('UPDATE mailboxes SET name = ?, folder = ? WHERE id = ?').run(p.newName, p.newFolder, p.r.id);
      });
      for (const p of plans) this.emit(p.r.name, { type: 'gone', mailbox: p.r.name });
    });
  }

  async setSubscribed(name: string, subscribed: boolean): Promise<void> {
    const n = normaliseMailboxName(name);
    const r = subscribed ? this.mustRow(n) : this.row(n);
    this.tx(() => {
      if (!subscribed) this.db.prepare('DELETE FROM kept_subscriptions WHERE name = ?').run(n);
      if (r) this.db.prepare('UPDATE mailboxes SET subscribed = ? WHERE id = ?').run(subscribed ? 1 : 0, r.id);
    });
  }

  async listSubscriptions(): Promise<string[]> {
    const rows = this.db.prepare('SELECT name FROM mailboxes WHERE subscribed = 1 UNION SELECT name FROM kept_subscriptions ORDER BY name').all();
    return (rows as Array<{ name: string }>).map((r) => r.name);
  }

  async openMailbox(name: string): Promise<MailboxHandle> {
    const r = this.mustRow(name);
    return new MaildirMailbox(this, r.id, r.name, r.uidvalidity);
  }

  watch(mailbox: string, listener: MailboxListener): () => void {
    const n = normaliseMailboxName(mailbox);
    this.events.on(n, listener);
    return () => this.events.off(n, listener);
  }

  async append(mailbox: string, content: Readable | Buffer, options: AppendOptions = {}): Promise<AppendResult> {
    const n = normaliseMailboxName(mailbox);
    const flags = normaliseFlags(options.flags ?? []);
    const internalDate = options.internalDate ?? new Date();
    if (Number.isNaN(internalDate.getTime())) throw new HearthError('INVALID_ARGUMENT', 'Invalid internal date', { field: 'internalDate' });
    return this.lock.read(async () => {
      const mb = this.mustRow(n);
      const dir = this.folderPath(mb);
      const base0 = this.store.newBaseName();
      const tmp = path.join(dir, 'tmp', base0);
      const size = await writeDurably(tmp, content);
      const base = `${base0},S=${size}`;
      const inCur = flags.length > 0;
      const final = inCur ? path.join(dir, 'cur', `${base}${INFO_SEP}2,${flagsToInfo(flags)}`) : path.join(dir, 'new', base);
      try {
        if (options.internalDate) await utimes(tmp, internalDate, internalDate);
        await rename(tmp, final);
        await this.store.dirSyncer.sync(path.dirname(final));
      } catch (e) {
        await unlink(tmp).catch(() => {});
        throw storageError(e);
      }
      return this.enqueueInsert({ mailbox: n, base, inCur, flags, size, internalDate: internalDate.getTime(), origin: options.origin });
    });
  }

  /** Record a message whose file is already durable in the mailbox's folder; batched per tick. */
  enqueueInsert(job: Omit<PendingInsert, 'resolve' | 'reject'>): Promise<{ uidValidity: number; uid: number }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ...job, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Record queued deliveries/appends in one transaction. Their files are already fsynced into
   * new/ or cur/, so the message itself is durable: if this commit were lost in a power failure,
   * reconcile() would find the files and give them new UIDs. What must not be lost is the UIDs and
   * MODSEQs announced from it: those come from blocks reserved by an fsynced (synchronous=FULL)
   * commit, and reopening after an unclean stop moves UIDNEXT/HIGHESTMODSEQ past the reservation.
   * So this commit runs with synchronous=NORMAL (no fsync on the event loop), unless a message
   * carries keywords, which only the index holds.
   */
  private flush(): void {
    this.flushScheduled = false;
    const jobs = this.pending;
    this.pending = [];
    if (jobs.length === 0) return;
    const results: Array<{ uidValidity: number; uid: number } | Error> = [];
    const perMailbox = new Map<number, { row: MailboxRow; uids: number[]; modseq: number; origin?: unknown }>();
    try {
      // 1. make sure each mailbox has enough reserved UIDs/MODSEQs (durable, rarely needed)
      const need = new Map<string, number>();
      for (const j of jobs) need.set(j.mailbox, (need.get(j.mailbox) ?? 0) + 1);
      const short = [...need]
        .map(([name, n]) => ({ mb: this.row(name), n }))
        .filter(({ mb, n }) => mb && (mb.uidnext + n > mb.uid_reserved || mb.highest_modseq + 1 > mb.modseq_reserved));
      if (short.length > 0) {
        this.tx(() => {
          for (const { mb, n } of short) {
            this.db
              .prepare('UPDATE mailboxes SET uid_reserved = ?, modseq_reserved = ? WHERE id = ?')
              .run(mb!.uidnext + n + RESERVE_BLOCK, mb!.highest_modseq + 1 + RESERVE_BLOCK, mb!.id);
          }
        }, true);
      }
      // 2. the inserts
      const durable = jobs.some((j) => j.flags.some((f) => !f.startsWith('\\')));
      if (!durable) this.db.exec('PRAGMA synchronous=NORMAL');
      try {
        this.tx(() => {
          for (const j of jobs) {
            const mb = this.row(j.mailbox);
            if (!mb) {
              results.push(new HearthError('MAILBOX_NOT_FOUND', `No such folder: ${j.mailbox}`));
              continue;
            }
            let acc = perMailbox.get(mb.id);
            if (!acc) {
              acc = { row: { ...mb }, uids: [], modseq: mb.highest_modseq + 1, origin: j.origin };
              perMailbox.set(mb.id, acc);
            }
            const uid = acc.row.uidnext++;
            this.st.insertMessage.run(mb.id, uid, j.base, j.inCur ? 1 : 0, flagsToString(j.flags), acc.modseq, j.size, j.internalDate);
            acc.uids.push(uid);
            results.push({ uidValidity: mb.uidvalidity, uid });
          }
          for (const acc of perMailbox.values()) {
            if (acc.row.uidnext > acc.row.uid_reserved || acc.modseq > acc.row.modseq_reserved) throw new Error('UID reservation exceeded');
            this.st.updateUidnext.run(acc.row.uidnext, acc.modseq, acc.row.id);
          }
        }, true);
        for (const acc of perMailbox.values()) {
          const n = this.messageCounts.get(acc.row.id);
          if (n !== undefined) this.messageCounts.set(acc.row.id, n + acc.uids.length);
        }
      } finally {
        if (!durable) this.db.exec('PRAGMA synchronous=FULL');
      }
    } catch (e) {
      const err = storageError(e);
      for (const j of jobs) j.reject(err);
      return;
    }
    jobs.forEach((j, i) => {
      const r = results[i]!;
      if (r instanceof Error) j.reject(r);
      else j.resolve(r);
    });
    for (const acc of perMailbox.values()) {
      this.emit(acc.row.name, {
        type: 'exists',
        mailbox: acc.row.name,
        uids: acc.uids,
        uidNext: acc.row.uidnext,
        messages: this.countMessages(acc.row.id),
        highestModseq: acc.modseq,
        origin: acc.origin,
      });
    }
  }

  // ---- message operations (used by MaildirMailbox) -------------------------------------------

  checkMailbox(id: number, uidValidity: number): MailboxRow {
    const r = this.rowById(id);
    if (!r || r.uidvalidity !== uidValidity) throw new HearthError('MAILBOX_NOT_FOUND', 'The folder was deleted or renamed');
    return r;
  }

  listRows(mb: MailboxRow, uids?: UidSet): MessageRow[] {
    let rows: MessageRow[];
    if (!uids) rows = this.st.messages.all(mb.id) as unknown as MessageRow[];
    else {
      const bounds = uidSetBounds(uids);
      if (!bounds) return [];
      const inSet = uidSetContains(uids);
      rows = (this.st.messagesRange.all(mb.id, bounds[0], bounds[1]) as unknown as MessageRow[]).filter((r) => inSet(r.uid));
    }
    // A FETCH lists its messages, then reads each: remember the rows for those reads.
    // Sessions on one mailbox list different ranges: the rows are merged, up to a bound.
    if (!this.db.isTransaction) {
      let memo = this.rowCache.messages.get(mb.id);
      if (!memo || memo.size + rows.length > ROW_MEMO_MAX) this.rowCache.messages.set(mb.id, (memo = new Map()));
      if (rows.length <= ROW_MEMO_MAX) for (const r of rows) memo.set(r.uid, r);
    }
    return rows;
  }

  messageRow(mb: MailboxRow, uid: number): MessageRow | undefined {
    if (!this.db.isTransaction) {
      const memo = this.rowCache.messages.get(mb.id)?.get(uid);
      if (memo) return memo;
    }
    return this.st.message.get(mb.id, uid) as MessageRow | undefined;
  }

  metaOf(r: MessageRow): MessageMeta {
    return this.toMeta(r);
  }

  status_(mb: MailboxRow): MailboxStatus {
    return this.statusOf(mb);
  }

  /**
   * A small message read in one synchronous open/read/close: for the page-cached files a FETCH
   * walks through, three thread-pool round trips cost far more than the read. Null when the file
   * is not where the index says (moved by a flag change), or is not the recorded size: the caller
   * takes the asynchronous path, which finds it.
   */
  readSmallMessageSync(mb: MailboxRow, uid: number): Buffer | null {
    const cur = this.rowById(mb.id) ?? mb;
    const row = this.messageRow(cur, uid);
    if (!row) throw new HearthError('MESSAGE_GONE', `Message ${uid} no longer exists`);
    let fd: number;
    try {
      fd = openSync(this.filePath(cur, row), fsConstants.O_RDONLY);
    } catch {
      return null;
    }
    try {
      const buf = Buffer.allocUnsafe(row.size + 1);
      const n = readSync(fd, buf, 0, row.size + 1, 0);
      return n === row.size ? buf.subarray(0, n) : null;
    } finally {
      closeSync(fd);
    }
  }

  async openMessageFile(mb: MailboxRow, uid: number): Promise<{ fh: import('node:fs/promises').FileHandle; row: MessageRow }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const cur = this.rowById(mb.id) ?? mb;
      const row = this.messageRow(cur, uid);
      if (!row) throw new HearthError('MESSAGE_GONE', `Message ${uid} no longer exists`);
      try {
        return { fh: await open(this.filePath(cur, row), fsConstants.O_RDONLY), row };
      } catch (e) {
        if (!isEnoent(e)) throw storageError(e);
      }
      const found = await this.locate(cur, row.base);
      if (found) {
        try {
          return { fh: await open(found, fsConstants.O_RDONLY), row };
        } catch (e) {
          if (!isEnoent(e)) throw storageError(e);
        }
      }
    }
    throw new HearthError('MESSAGE_GONE', `Message ${uid} no longer exists`);
  }

  /** Makes sure the next MODSEQ of a mailbox lies in a durably reserved block (see setFlagsOp). */
  private reserveModseq(mailboxId: number): void {
    const mb = this.rowById(mailboxId);
    if (!mb || mb.highest_modseq + 1 <= mb.modseq_reserved) return;
    this.tx(() => {
      this.db.prepare('UPDATE mailboxes SET modseq_reserved = highest_modseq + 1 + ? WHERE id = ?').run(RESERVE_BLOCK, mailboxId);
    }, true);
  }

  /**
   * A flag change is not mail: like Dovecot's index updates it commits without an fsync on the
   * event loop (synchronous=NORMAL: safe from a crash of Hearth; a power cut may undo it). Its
   * MODSEQ comes from a block reserved durably, and reopening after an unclean stop moves past the
   * block, so a MODSEQ a client has seen is never handed out again for another change.
   */
  setFlagsOp(mb0: MailboxRow, uids: UidSet, options: SetFlagsOptions): SetFlagsResult {
    const change = normaliseFlags(options.flags);
    const renames: Array<{ from: string; row: MessageRow }> = [];
    let mb = mb0;
    this.reserveModseq(mb0.id);
    this.db.exec('PRAGMA synchronous=NORMAL');
    let result: { updated: MessageMeta[]; failed: number[]; changed: MessageMeta[]; modseq: number };
    try {
      result = this.tx(() => {
        mb = this.rowById(mb0.id)!;
        const rows = this.listRows(mb, uids);
        const modseq = mb.highest_modseq + 1;
        if (modseq > mb.modseq_reserved) throw new Error('MODSEQ reservation exceeded');
        const updated: MessageMeta[] = [];
        const changed: MessageMeta[] = [];
        const failed: number[] = [];
        for (const r of rows) {
          if (options.unchangedSince !== undefined && r.modseq > options.unchangedSince) {
            failed.push(r.uid);
            continue;
          }
          const cur = flagsFromString(r.flags);
          const next = applyFlags(cur, options.mode, change);
          const nextS = flagsToString(next);
          if (nextS === r.flags) {
            updated.push(this.toMeta(r));
            continue;
          }
          const nr: MessageRow = { ...r, flags: nextS, in_cur: 1, modseq };
          this.st.updateFlags.run(nextS, 1, modseq, mb.id, r.uid);
          // The file name carries the system flags only: a keyword change renames nothing.
          if (!r.in_cur || flagsToInfo(cur) !== flagsToInfo(next)) renames.push({ from: this.filePath(mb, r), row: nr });
          const meta = this.toMeta(nr);
          updated.push(meta);
          changed.push(meta);
        }
        if (changed.length > 0) this.st.updateModseq.run(modseq, mb.id);
        return { updated, failed, changed, modseq };
      });
    } finally {
      this.db.exec('PRAGMA synchronous=FULL');
    }
    if (renames.length > 0) {
      const mbNow = mb;
      this.queueFs(async () => {
        for (const { from, row } of renames) {
          const want = this.filePath(mbNow, row);
          try {
            await rename(from, want);
          } catch (e) {
            if (!isEnoent(e)) throw e;
            const at = await this.locate(mbNow, row.base);
            if (at && at !== want) await rename(at, want).catch(() => {});
          }
        }
      });
    }
    if (result.changed.length > 0) {
      this.emit(mb.name, { type: 'flags', mailbox: mb.name, messages: result.changed, highestModseq: result.modseq, origin: options.origin });
    }
    return { updated: result.updated, failed: result.failed };
  }

  removeOp(mb0: MailboxRow, uids: UidSet | undefined, onlyDeleted: boolean, origin: unknown): number[] {
    let mb = mb0;
    const gone: MessageRow[] = [];
    const res = this.tx(() => {
      mb = this.rowById(mb0.id)!;
      const rows = this.listRows(mb, uids).filter((r) => !onlyDeleted || hasFlag(flagsFromString(r.flags), '\\Deleted'));
      if (rows.length === 0) return null;
      const modseq = mb.highest_modseq + 1;
      for (const r of rows) {
        this.st.deleteMessage.run(mb.id, r.uid);
        this.st.insertVanished.run(mb.id, r.uid, modseq, r.base);
        gone.push(r);
      }
      this.st.updateModseq.run(modseq, mb.id);
      return modseq;
    });
    if (res === null) return [];
    const mbNow = mb;
    this.queueFs(async () => {
      for (const r of gone) {
        try {
          await unlink(this.filePath(mbNow, r));
        } catch (e) {
          if (!isEnoent(e)) throw e;
          const at = await this.locate(mbNow, r.base);
          if (at) await unlink(at).catch(() => {});
        }
      }
    });
    const uidsGone = gone.map((r) => r.uid);
    this.emit(mb.name, { type: 'expunge', mailbox: mb.name, uids: uidsGone, highestModseq: res, origin });
    return uidsGone;
  }

  async copyOrMove(
    src0: MailboxRow,
    uids: UidSet,
    destination: string,
    move: boolean,
    origin: unknown,
    alreadyLocked = false,
  ): Promise<CopyResult & { expunged: number[] }> {
    const destName = normaliseMailboxName(destination);
    const run = async () => {
      const dest = this.row(destName);
      if (!dest) throw new HearthError('MAILBOX_NOT_FOUND', `No such folder: ${destName}`);
      const src = this.rowById(src0.id);
      if (!src) throw new HearthError('MAILBOX_NOT_FOUND', 'The folder was deleted');
      const rows = this.listRows(src, uids);
      const linked: Array<{ row: MessageRow; base: string; file: string }> = [];
      try {
        for (const r of rows) {
          const sizePart = /,S=\d+/.exec(r.base)?.[0] ?? `,S=${r.size}`;
          const base = `${this.store.newBaseName()}${sizePart}`;
          const file = path.join(this.folderPath(dest), 'cur', `${base}${INFO_SEP}2,${flagsToInfo(flagsFromString(r.flags))}`);
          let from = this.filePath(src, r);
          let ok = await linkOrCopy(from, file);
          if (!ok) {
            const at = await this.locate(src, r.base);
            if (at) {
              from = at;
              ok = await linkOrCopy(from, file);
            }
          }
          if (ok) linked.push({ row: r, base, file });
        }
        if (linked.length > 0) await this.store.dirSyncer.sync(path.join(this.folderPath(dest), 'cur'));
      } catch (e) {
        for (const l of linked) await unlink(l.file).catch(() => {});
        throw storageError(e);
      }
      if (linked.length === 0) return { uidValidity: dest.uidvalidity, mapping: [], expunged: [] };
      let destNow = dest;
      let srcNow = src;
      const out = this.tx(() => {
        destNow = this.rowById(dest.id)!;
        srcNow = this.rowById(src.id)!;
        let uidnext = destNow.uidnext;
        const modseq = destNow.highest_modseq + 1;
        const mapping: Array<[number, number]> = [];
        for (const l of linked) {
          this.st.insertMessage.run(dest.id, uidnext, l.base, 1, l.row.flags, modseq, l.row.size, l.row.internal_date);
          mapping.push([l.row.uid, uidnext++]);
        }
        this.st.updateUidnext.run(uidnext, modseq, dest.id);
        let srcModseq = 0;
        const expunged: number[] = [];
        if (move) {
          srcModseq = (dest.id === src.id ? modseq : srcNow.highest_modseq) + 1;
          for (const l of linked) {
            if (!this.messageRow(srcNow, l.row.uid)) continue;
            this.st.deleteMessage.run(src.id, l.row.uid);
            this.st.insertVanished.run(src.id, l.row.uid, srcModseq, l.row.base);
            expunged.push(l.row.uid);
          }
          this.st.updateModseq.run(srcModseq, src.id);
        }
        return { mapping, uidnext, modseq, srcModseq, expunged };
      });
      const destCount = (this.st.countsOne.get(dest.id) as { n: number }).n;
      this.emit(destNow.name, {
        type: 'exists',
        mailbox: destNow.name,
        uids: out.mapping.map((m) => m[1]),
        uidNext: out.uidnext,
        messages: destCount,
        highestModseq: out.modseq,
        origin,
      });
      if (move && out.expunged.length > 0) {
        const gone = new Set(out.expunged);
        const srcFinal = srcNow;
        this.queueFs(async () => {
          for (const l of linked) {
            if (!gone.has(l.row.uid)) continue;
            try {
              await unlink(this.filePath(srcFinal, l.row));
            } catch (e) {
              if (!isEnoent(e)) throw e;
              const at = await this.locate(srcFinal, l.row.base);
              if (at) await unlink(at).catch(() => {});
            }
          }
        });
        this.emit(srcNow.name, { type: 'expunge', mailbox: srcNow.name, uids: out.expunged, highestModseq: out.srcModseq, origin });
      }
      return { uidValidity: destNow.uidvalidity, mapping: out.mapping, expunged: out.expunged };
    };
    return alreadyLocked ? run() : this.lock.read(run);
  }

  /**
   * Write Dovecot's own index files next to the messages, for a household moving to Dovecot
   * (docs/server.md): dovecot-uidlist (our UIDVALIDITY, UIDNEXT and UIDs, so clients need not
   * resynchronise) and dovecot-keywords (the first 26 keywords of each mailbox, as letters a-z in
   * the file names). Run with the server stopped, as the last step: Hearth puts the file names back
   * to system flags only the next time it opens the mailbox.
   */
  async exportForDovecot(): Promise<{ mailboxes: number; messages: number }> {
    let messages = 0;
    const rows = this.st.mailboxes.all() as unknown as MailboxRow[];
    await this.drain();
    for (const mb of rows) {
      const dir = this.folderPath(mb);
      const msgs = this.st.messages.all(mb.id) as unknown as MessageRow[];
      const keywords: string[] = [];
      for (const m of msgs)
        for (const f of flagsFromString(m.flags)) if (!f.startsWith('\\') && !keywords.includes(f) && keywords.length < 26) keywords.push(f);
      await atomicWriteFile(path.join(dir, 'dovecot-keywords'), keywords.map((k, i) => `${i} ${k}\n`).join(''), 0o600);
      const letterOf = new Map(keywords.map((k, i) => [k, String.fromCharCode(97 + i)]));
      for (const m of msgs) {
        const flags = flagsFromString(m.flags);
        const kw = flags
          .map((f) => letterOf.get(f))
          .filter((x): x is string => !!x)
          .sort()
          .join('');
        if (!kw) continue;
        const from = (await this.locate(mb, m.base)) ?? this.filePath(mb, m);
        await rename(from, path.join(dir, 'cur', `${m.base}${INFO_SEP}2,${flagsToInfo(flags)}${kw}`)).catch(() => {});
      }
      const guid = randomBytes(16).toString('hex');
      const lines = [`3 V${mb.uidvalidity} N${mb.uidnext} G${guid}`, ...msgs.map((m) => `${m.uid} :${m.base}`)];
      await atomicWriteFile(path.join(dir, 'dovecot-uidlist'), lines.join('\n') + '\n', 0o600);
      messages += msgs.length;
    }
    return { mailboxes: rows.length, messages };
  }

  changesSinceOp(mb: MailboxRow, modseq: number): ChangesSince {
    const changed = (this.st.changedSince.all(mb.id, modseq) as unknown as MessageRow[]).map((r) => this.toMeta(r));
    const vanished = (this.st.vanishedSince.all(mb.id, modseq) as Array<{ uid: number }>).map((v) => v.uid);
    return { changed, vanished };
  }
}

// ---------------------------------------------------------------------------------------------

class MaildirMailbox implements MailboxHandle {
  private readonly user: UserStore;
  private readonly id: number;
  readonly name: string;
  readonly uidValidity: number;

  constructor(user: UserStore, id: number, name: string, uidValidity: number) {
    this.user = user;
    this.id = id;
    this.name = name;
    this.uidValidity = uidValidity;
  }

  private mb(): MailboxRow {
    return this.user.checkMailbox(this.id, this.uidValidity);
  }

  async status(): Promise<MailboxStatus> {
    return this.user.status_(this.mb());
  }

  async listMessages(uids?: UidSet): Promise<MessageMeta[]> {
    return this.user.listRows(this.mb(), uids).map((r) => this.user.metaOf(r));
  }

  async getMessage(uid: number): Promise<MessageMeta | null> {
    const r = this.user.messageRow(this.mb(), uid);
    return r ? this.user.metaOf(r) : null;
  }

  async readMessage(uid: number, range?: ByteRange): Promise<Readable> {
    const { fh } = await this.user.openMessageFile(this.mb(), uid);
    const opts: { start?: number; end?: number } = {};
    if (range) {
      opts.start = Math.max(0, range.start);
      if (range.end !== undefined) {
        if (range.end <= opts.start) {
          await fh.close();
          return Readable.from([]);
        }
        opts.end = range.end - 1;
      }
    }
    return fh.createReadStream({ ...opts, autoClose: true });
  }

  async readMessageBuffer(uid: number): Promise<Buffer> {
    const fast = this.user.readSmallMessageSync(this.mb(), uid);
    if (fast) return fast;
    const { fh, row } = await this.user.openMessageFile(this.mb(), uid);
    try {
      // The index knows the size: one read of exactly that many bytes (no fstat, no chunk loop).
      // A file of another size than recorded (edited outside Hearth) falls back to reading it whole.
      const buf = Buffer.allocUnsafe(row.size + 1);
      const { bytesRead } = await fh.read(buf, 0, row.size + 1, 0);
      if (bytesRead === row.size) return buf.subarray(0, bytesRead);
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  }

  async setFlags(uids: UidSet, options: SetFlagsOptions): Promise<SetFlagsResult> {
    return this.user.setFlagsOp(this.mb(), uids, options);
  }

  async copy(uids: UidSet, destination: string, options: { origin?: unknown } = {}): Promise<CopyResult> {
    const r = await this.user.copyOrMove(this.mb(), uids, destination, false, options.origin);
    return { uidValidity: r.uidValidity, mapping: r.mapping };
  }

  async move(uids: UidSet, destination: string, options: { origin?: unknown } = {}): Promise<CopyResult & { expunged: number[] }> {
    return this.user.copyOrMove(this.mb(), uids, destination, true, options.origin);
  }

  async expunge(uids?: UidSet, options: { origin?: unknown } = {}): Promise<number[]> {
    return this.user.removeOp(this.mb(), uids, true, options.origin);
  }

  async remove(uids: UidSet, options: { origin?: unknown } = {}): Promise<number[]> {
    return this.user.removeOp(this.mb(), uids, false, options.origin);
  }

  async changesSince(modseq: number): Promise<ChangesSince> {
    return this.user.changesSinceOp(this.mb(), modseq);
  }

  async append(content: Readable | Buffer, options?: AppendOptions): Promise<AppendResult> {
    this.mb();
    return this.user.append(this.name, content, options);
  }

  watch(listener: MailboxListener): () => void {
    return this.user.watch(this.name, listener);
  }
}

// ---------------------------------------------------------------------------------------------

/** Messages up to this size are written synchronously (into the page cache); only the fsync waits. */
const SYNC_WRITE_BYTES = 256 * 1024;

/** Write content to a new file and fsync it; returns its size. Removes the file on failure. */
export async function writeDurably(file: string, content: Readable | Buffer): Promise<number> {
  // A small message: one open/write/close on this thread costs less than three thread-pool round
  // trips; the fdatasync, which waits for the disk, still runs in the pool.
  if (Buffer.isBuffer(content) && content.length <= SYNC_WRITE_BYTES) return writeSmallDurably(file, content);
  let fh;
  try {
    fh = await open(file, 'wx', 0o600);
  } catch (e) {
    throw storageError(e);
  }
  let size = 0;
  try {
    if (Buffer.isBuffer(content)) {
      await fh.write(content, 0, content.length, 0);
      size = content.length;
    } else {
      // gather small chunks into larger writes
      let batch: Buffer[] = [];
      let batchLen = 0;
      for await (const chunk of content) {
        const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        batch.push(b);
        batchLen += b.length;
        if (batchLen >= 256 * 1024) {
          await fh.write(Buffer.concat(batch, batchLen), 0, batchLen, size);
          size += batchLen;
          batch = [];
          batchLen = 0;
        }
      }
      if (batchLen > 0) {
        await fh.write(Buffer.concat(batch, batchLen), 0, batchLen, size);
        size += batchLen;
      }
    }
    // fdatasync: the data and the size; the timestamps are not needed to read the message back
    await fh.datasync();
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(file).catch(() => {});
    throw storageError(e);
  }
  return size;
}

async function writeSmallDurably(file: string, content: Buffer): Promise<number> {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
  } catch (e) {
    throw storageError(e);
  }
  try {
    let off = 0;
    while (off < content.length) off += writeSync(fd, content, off, content.length - off, off);
    await syncFd(fd, true);
  } catch (e) {
    closeSync(fd);
    await unlink(file).catch(() => {});
    throw storageError(e);
  }
  closeSync(fd);
  return content.length;
}

/** Hard-link (or, across file systems, copy and fsync); false if the source is gone. */
async function linkOrCopy(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw e;
  }
  try {
    await copyFile(from, to, fsConstants.COPYFILE_EXCL);
  } catch (e) {
    if (isEnoent(e)) return false;
    throw e;
  }
  const fh = await open(to, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  return true;
}

// ---------------------------------------------------------------------------------------------

class MaildirDelivery implements Delivery {
  private readonly recipients = new Map<string, { address: string; mailbox: string; flags: string[] }>();
  private tmpFile: string | null = null;
  private size = 0;
  private internalDate = new Date();
  private state: 'open' | 'committing' | 'done' = 'open';

  private readonly store: MaildirStore;

  constructor(store: MaildirStore) {
    this.store = store;
  }

  addRecipient(address: string, options: DeliveryRecipientOptions = {}): void {
    if (this.state !== 'open') throw new HearthError('INVALID_ARGUMENT', 'Delivery already committed or aborted');
    const [local, domain] = addressParts(address);
    const mailbox = normaliseMailboxName(options.mailbox ?? 'INBOX');
    const key = `${local}@${domain}\0${mailbox}`;
    if (!this.recipients.has(key)) this.recipients.set(key, { address: `${local}@${domain}`, mailbox, flags: normaliseFlags(options.flags ?? []) });
  }

  async body(content: Readable | Buffer, options: { internalDate?: Date } = {}): Promise<void> {
    if (this.state !== 'open' || this.tmpFile) throw new HearthError('INVALID_ARGUMENT', 'Delivery body already given');
    await this.store.ensureSpool();
    const file = path.join(this.store.spoolDir, `${this.store.newBaseName()}`);
    this.tmpFile = file;
    try {
      this.size = await writeDurably(file, content);
    } catch (e) {
      this.tmpFile = null;
      throw e;
    }
    if (options.internalDate) {
      this.internalDate = options.internalDate;
      await utimes(file, this.internalDate, this.internalDate).catch(() => {});
    }
  }

  async commit(): Promise<DeliveredCopy[]> {
    if (this.state !== 'open') throw new HearthError('INVALID_ARGUMENT', 'Delivery already committed or aborted');
    if (!this.tmpFile) throw new HearthError('INVALID_ARGUMENT', 'Delivery has no body');
    if (this.recipients.size === 0) throw new HearthError('INVALID_ARGUMENT', 'Delivery has no recipients');
    this.state = 'committing';
    const tmp = this.tmpFile;
    const base = `${path.basename(tmp)},S=${this.size}`;
    try {
      const byUser = new Map<string, Array<{ address: string; mailbox: string; flags: string[] }>>();
      for (const r of this.recipients.values()) {
        const list = byUser.get(r.address) ?? [];
        list.push(r);
        byUser.set(r.address, list);
      }
      // Two phases across all recipients, so a message is in every mailbox or in none (a 4xx
      // after some copies landed would make the sender retry and duplicate them):
      // 1. every copy is linked into place and its folder fsynced, under each user's read lock;
      // 2. only if all of them made it are they indexed (UIDs assigned); otherwise all are taken back.
      const prepared = await Promise.all(
        [...byUser].map(async ([address, targets]) => {
          const u = await this.store.user(address);
          for (const t of targets) {
            if (!u.row(t.mailbox)) {
              await u.createMailbox(t.mailbox).catch((e) => {
                if (!(e instanceof HearthError && e.code === 'MAILBOX_EXISTS')) throw e;
              });
            }
          }
          return { address, u, targets };
        }),
      );
      let decide: (ok: boolean) => void = () => {};
      const decision = new Promise<boolean>((r) => (decide = r));
      const placedSignals = prepared.map(() => {
        let resolve: () => void = () => {};
        let reject: (e: unknown) => void = () => {};
        const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
        promise.catch(() => {});
        return { promise, resolve, reject };
      });
      const perUser = prepared.map(({ address, u, targets }, i) =>
        u.lock.read(async () => {
          const placed: Array<{ target: (typeof targets)[number]; file: string; inCur: boolean }> = [];
          try {
            for (const t of targets) {
              const mb = u.row(t.mailbox);
              if (!mb) throw new HearthError('MAILBOX_NOT_FOUND', `No such folder: ${t.mailbox}`);
              const inCur = t.flags.length > 0;
              const file = inCur ? path.join(u.folderPath(mb), 'cur', `${base}${INFO_SEP}2,${flagsToInfo(t.flags)}`) : path.join(u.folderPath(mb), 'new', base);
              if (!(await linkOrCopy(tmp, file))) throw new HearthError('STORAGE', 'Delivery spool file vanished');
              placed.push({ target: t, file, inCur });
            }
            await this.store.dirSyncer.syncAll(placed.map((p) => path.dirname(p.file)));
          } catch (e) {
            for (const p of placed) await unlink(p.file).catch(() => {});
            placedSignals[i]!.reject(e);
            throw e;
          }
          placedSignals[i]!.resolve();
          if (!(await decision)) {
            for (const p of placed) await unlink(p.file).catch(() => {});
            return [];
          }
          return Promise.all(
            placed.map(async (p) => {
              let r;
              try {
                r = await u.enqueueInsert({
                  mailbox: p.target.mailbox,
                  base,
                  inCur: p.inCur,
                  flags: p.target.flags,
                  size: this.size,
                  internalDate: this.internalDate.getTime(),
                });
              } catch (e) {
                // not recorded: take the file back so a restart does not deliver it after all
                await unlink(p.file).catch(() => {});
                throw e;
              }
              return { address, mailbox: p.target.mailbox, uidValidity: r.uidValidity, uid: r.uid } satisfies DeliveredCopy;
            }),
          );
        }),
      );
      // A user whose lock or placement failed before signalling must not leave the others waiting.
      perUser.forEach((p, i) => p.catch((e: unknown) => placedSignals[i]!.reject(e)));
      const placedAll = await Promise.allSettled(placedSignals.map((sig) => sig.promise));
      const failed = placedAll.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      decide(!failed);
      const settled = await Promise.allSettled(perUser);
      if (failed) throw failed.reason;
      const indexFailure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (indexFailure) throw indexFailure.reason;
      const results = settled.map((r) => (r as PromiseFulfilledResult<DeliveredCopy[]>).value);
      this.state = 'done';
      return results.flat();
    } catch (e) {
      this.state = 'done';
      throw storageError(e);
    } finally {
      await unlink(tmp).catch(() => {});
      this.tmpFile = null;
    }
  }

  async abort(): Promise<void> {
    if (this.state === 'done') return;
    this.state = 'done';
    if (this.tmpFile) await unlink(this.tmpFile).catch(() => {});
    this.tmpFile = null;
  }
}
