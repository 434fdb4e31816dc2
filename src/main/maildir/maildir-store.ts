// MailStore over Maildir++ (Dovecot's layout) with a per-user SQLite index.
//
// On disk, for user local@domain under the store root (DATA/mail):
//   domain/local/Maildir/{cur,new,tmp}            INBOX
//   domain/local/Maildir/.Sent/{cur,new,tmp}      other mailboxes, ".Parent.Child", modified UTF-7
//   domain/local/hearth-index.sqlite              UIDs, flags, MODSEQ, expunged UIDs, \Recent mark (WAL, synchronous=FULL)
//   domain/local/hearth-uidvalidity               last UIDVALIDITY issued (survives an index rebuild)
//   tmp/                                          delivery spool: a message body is written here once
//
// The index is authoritative for UIDs, flags and MODSEQ; file names mirror the system flags
// (":2,FRS") so Dovecot can read the folders. When the store opens a user it reconciles the index
// with the folders: files without a row get new UIDs (a crash after link but before commit, or mail
// put there by another program), rows without a file are expunged, files of expunged messages are
// removed, and names are brought in line with the index. Deleting the index rebuilds it from the
// folders with a greater UIDVALIDITY and flags from the file names (./reconcile.ts).
//
// Durability: a delivered or appended message is fsynced, linked into new/ (or cur/), the directory
// is fsynced (batched across concurrent deliveries), then the UID is recorded in one SQLite
// transaction (batched across concurrent deliveries to the same user) before the caller hears of it.
//
// The parts: ./user-store.ts (one user's mail: folders and index in step), ./user-index.ts (the
// SQLite index), ./reconcile.ts (index <-> folders), ./mailbox.ts (an open mailbox),
// ./delivery.ts (the delivery transaction), ./insert-queue.ts (batched UID assignment),
// ./message-files.ts (durable message writes and links), ./lock.ts (the per-user lock).

import { mkdir, readdir, rm } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { HearthError } from '../../shared/errors.ts';
import type { Logger } from '../base/log.ts';
import { silentLogger } from '../base/log.ts';
import { DirSyncer } from '../base/fs-durable.ts';
import type { Delivery, MailStore } from './types.ts';
import { addressParts } from './address-parts.ts';
import { UserStore } from './user-store.ts';
import { MaildirDelivery } from './delivery.ts';

export interface MaildirStoreOptions {
  /** Root folder of all users' mail, e.g. DATA/mail. */
  root: string;
  /** Host name used in Maildir file names. */
  hostname?: string;
  log?: Logger;
}

let nameCounter = 0;

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
