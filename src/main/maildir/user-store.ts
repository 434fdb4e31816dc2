// One user's mail (the UserMailStore of ./types.ts): the user's Maildir++ folders and the user's
// index (./user-index.ts) kept in step. Mailbox create/delete/rename, APPEND, and the message
// operations behind MaildirMailbox (reading, flags, copy/move, expunge) are here; opening runs
// ./reconcile.ts, recording new messages goes through ./insert-queue.ts.
//
// A file operation that follows an index commit (the rename of a flag change, the unlink of an
// expunge) runs after the commit, queued in order: the index is what a session sees, the folders
// catch up (and reconcile puts them right after a crash).

import { EventEmitter } from 'node:events';
import { closeSync, constants as fsConstants, openSync, readSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, unlink, utimes, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { HearthError } from '../../shared/errors.ts';
import { atomicWriteFile, fsyncDir } from '../base/fs-durable.ts';
import {
  DEFAULT_MAILBOXES,
  type AppendOptions,
  type AppendResult,
  type CopyResult,
  type MailboxEvent,
  type MailboxHandle,
  type MailboxListEntry,
  type MailboxListener,
  type MailboxStatus,
  type MessageMeta,
  type SetFlagsOptions,
  type SetFlagsResult,
  type SpecialUse,
  type UidSet,
  type UserMailStore,
} from './types.ts';
import { INFO_SEP, applyFlags, flagsFromString, flagsToInfo, flagsToString, hasFlag, normaliseFlags } from './flags.ts';
import { mailboxToFolder, normaliseMailboxName } from './names.ts';
import { RwLock } from './lock.ts';
import { UserIndex, type MailboxRow, type MessageRow } from './user-index.ts';
import { InsertQueue } from './insert-queue.ts';
import { reconcile } from './reconcile.ts';
import { exportForDovecot } from './dovecot-export.ts';
import { MaildirMailbox } from './mailbox.ts';
import { linkOrCopy, writeDurably } from './message-files.ts';
import { isEnoent, storageError } from './storage-error.ts';
import type { MaildirStore } from './maildir-store.ts';

export class UserStore implements UserMailStore {
  readonly address: string;
  readonly dir: string;
  readonly maildir: string;
  readonly index: UserIndex;
  /** New messages waiting for their UIDs (see ./insert-queue.ts). */
  readonly inserts: InsertQueue;
  private readonly events = new EventEmitter();
  readonly lock = new RwLock();
  private fsChain: Promise<void> = Promise.resolve();

  readonly store: MaildirStore;

  /** Opens the user's index; the folders must exist. */
  private constructor(store: MaildirStore, address: string, dir: string) {
    this.store = store;
    this.address = address;
    this.dir = dir;
    this.maildir = path.join(dir, 'Maildir');
    this.events.setMaxListeners(0);
    this.index = new UserIndex(path.join(dir, 'hearth-index.sqlite'), store.log, address);
    this.inserts = new InsertQueue(this.index, (mailbox, ev) => this.emit(mailbox, ev));
  }

  static async open(store: MaildirStore, address: string, dir: string): Promise<UserStore> {
    const maildir = path.join(dir, 'Maildir');
    let u: UserStore | undefined;
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await mkdir(path.join(maildir, 'tmp'), { recursive: true, mode: 0o700 });
      await mkdir(path.join(maildir, 'new'), { recursive: true });
      await mkdir(path.join(maildir, 'cur'), { recursive: true });
      u = new UserStore(store, address, dir);
      await reconcile(u);
      if (u.index.getMeta('defaults') !== '1') {
        for (const m of DEFAULT_MAILBOXES) {
          if (m.name !== 'INBOX' && !u.index.row(m.name)) await u.createMailboxUnlocked(m.name, m.specialUse, true);
          else if (m.specialUse) {
            u.index.db.prepare('UPDATE mailboxes SET special_use = ? WHERE name = ? AND special_use IS NULL').run(m.specialUse, m.name);
            u.index.dropRowCache(); // a write outside tx()
          }
        }
        u.index.setMeta('defaults', '1');
      }
    } catch (e) {
      u?.close();
      throw storageError(e);
    }
    return u;
  }

  close(): void {
    this.index.close();
  }

  /** Wait for queued index writes and file renames. */
  async drain(): Promise<void> {
    while (!this.inserts.idle) await new Promise((r) => setImmediate(r));
    await this.fsChain.catch(() => {});
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
  async nextUidValidities(n: number): Promise<number[]> {
    const fromMeta = Number(this.index.getMeta('last_uidvalidity') ?? 0);
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
    this.index.setMeta('last_uidvalidity', String(start + n - 1));
    return out;
  }

  private emit(mailbox: string, ev: MailboxEvent): void {
    try {
      this.events.emit(mailbox, ev);
    } catch (e) {
      this.store.log.warn('store listener threw', { err: e });
    }
  }

  /** Queue a file operation (renames, unlinks) after the index commit; they run in order. */
  private queueFs(fn: () => Promise<void>): void {
    this.fsChain = this.fsChain.then(fn).catch((e) => this.store.log.warn('maildir file update failed', { err: e, user: this.address }));
  }

  // ---- mailboxes -------------------------------------------------------------------------------

  async listMailboxes(): Promise<MailboxListEntry[]> {
    const rows = this.index.st.mailboxes.all() as unknown as MailboxRow[];
    const counts = new Map(
      (this.index.st.counts.all() as Array<{ mailbox_id: number; n: number; bytes: number; unseen: number; recent: number }>).map((c) => [c.mailbox_id, c]),
    );
    const names = rows.map((r) => r.name);
    const out = rows.map((r) => ({
      ...this.index.statusOf(r, counts.get(r.id) ?? { n: 0, bytes: 0, unseen: 0, recent: 0 }),
      hasChildren: names.some((n) => n.startsWith(r.name + '/')),
    }));
    // INBOX first, then by name
    out.sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  }

  async status(name: string): Promise<MailboxStatus> {
    return this.index.statusOf(this.index.mustRow(name));
  }

  async storageUsed(): Promise<number> {
    return this.index.storageUsed();
  }

  async exists(name: string): Promise<boolean> {
    return !!this.index.row(normaliseMailboxName(name));
  }

  async createMailbox(name: string, options: { specialUse?: SpecialUse | null; subscribed?: boolean } = {}): Promise<MailboxStatus> {
    const n = normaliseMailboxName(name);
    return this.lock.write(async () => {
      if (this.index.row(n)) throw new HearthError('MAILBOX_EXISTS', `Folder exists: ${n}`);
      const parts = n.split('/');
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join('/');
        if (!this.index.row(parent)) await this.createMailboxUnlocked(parent, null, options.subscribed ?? true);
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
    this.index.tx(() => {
      const kept = Number(this.index.db.prepare('DELETE FROM kept_subscriptions WHERE name = ?').run(name).changes) > 0;
      this.index.db
        .prepare('INSERT INTO mailboxes(name, folder, special_use, subscribed, uidvalidity, uidnext, highest_modseq) VALUES (?,?,?,?,?,1,1)')
        .run(name, folder, specialUse, subscribed || kept ? 1 : 0, uidValidity!);
    });
    return this.index.statusOf(this.index.row(name)!);
  }

  async deleteMailbox(name: string): Promise<void> {
    const n = normaliseMailboxName(name);
    if (n === 'INBOX') throw new HearthError('INVALID_ARGUMENT', 'INBOX cannot be deleted', { field: 'mailbox' });
    await this.lock.write(async () => {
      const r = this.index.mustRow(n);
      await this.drain();
      const trash = path.join(this.dir, `trash-${randomBytes(6).toString('hex')}`);
      try {
        await rename(this.folderPath(r), trash);
        await fsyncDir(this.maildir);
      } catch (e) {
        if (!isEnoent(e)) throw storageError(e);
      }
      this.index.tx(() => {
        this.index.db.prepare('DELETE FROM messages WHERE mailbox_id = ?').run(r.id);
        this.index.db.prepare('DELETE FROM vanished WHERE mailbox_id = ?').run(r.id);
        this.index.db.prepare('DELETE FROM mailboxes WHERE id = ?').run(r.id);
        if (r.subscribed) this.index.db.prepare('INSERT OR IGNORE INTO kept_subscriptions(name) VALUES (?)').run(r.name);
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
      const src = this.index.mustRow(a);
      if (this.index.row(b)) throw new HearthError('MAILBOX_EXISTS', `Folder exists: ${b}`);
      await this.drain();
      const parts = b.split('/');
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join('/');
        if (!this.index.row(parent) && parent !== a) await this.createMailboxUnlocked(parent, null, true);
      }
      if (a === 'INBOX') {
        // RFC 3501: move INBOX's messages to the new mailbox, INBOX stays (empty)
        await this.createMailboxUnlocked(b, null, true);
        const all = (this.index.st.messages.all(src.id) as unknown as MessageRow[]).map((m) => m.uid);
        if (all.length) await this.copyOrMove(src, all, b, true, undefined, true);
        return;
      }
      const affected = (this.index.st.mailboxes.all() as unknown as MailboxRow[]).filter((r) => r.name === a || r.name.startsWith(a + '/'));
      const plans = affected.map((r) => {
        const newName = b + r.name.slice(a.length);
        return { r, newName, newFolder: mailboxToFolder(newName) };
      });
      for (const p of plans) if (this.index.row(p.newName)) throw new HearthError('MAILBOX_EXISTS', `Folder exists: ${p.newName}`);
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
      this.index.tx(() => {
        for (const p of plans) this.index.db.prepare('UPDATE mailboxes SET name = ?, folder = ? WHERE id = ?').run(p.newName, p.newFolder, p.r.id);
      });
      for (const p of plans) this.emit(p.r.name, { type: 'gone', mailbox: p.r.name });
    });
  }

  async setSubscribed(name: string, subscribed: boolean): Promise<void> {
    const n = normaliseMailboxName(name);
    const r = subscribed ? this.index.mustRow(n) : this.index.row(n);
    this.index.tx(() => {
      if (!subscribed) this.index.db.prepare('DELETE FROM kept_subscriptions WHERE name = ?').run(n);
      if (r) this.index.db.prepare('UPDATE mailboxes SET subscribed = ? WHERE id = ?').run(subscribed ? 1 : 0, r.id);
    });
  }

  async listSubscriptions(): Promise<string[]> {
    const rows = this.index.db.prepare('SELECT name FROM mailboxes WHERE subscribed = 1 UNION SELECT name FROM kept_subscriptions ORDER BY name').all();
    return (rows as Array<{ name: string }>).map((r) => r.name);
  }

  async openMailbox(name: string): Promise<MailboxHandle> {
    const r = this.index.mustRow(name);
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
      const mb = this.index.mustRow(n);
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
      return this.inserts.enqueue({ mailbox: n, base, inCur, flags, size, internalDate: internalDate.getTime(), origin: options.origin });
    });
  }

  // ---- messages (the work behind MaildirMailbox) -----------------------------------------------

  /**
   * A small message read in one synchronous open/read/close: for the page-cached files a FETCH
   * walks through, three thread-pool round trips cost far more than the read. Null when the file
   * is not where the index says (moved by a flag change), or is not the recorded size: the caller
   * takes the asynchronous path, which finds it.
   */
  readSmallMessageSync(mb: MailboxRow, uid: number): Buffer | null {
    const size = this.index.messageRow(this.index.rowById(mb.id) ?? mb, uid)?.size ?? 0;
    const buf = Buffer.allocUnsafe(size + 1);
    const n = this.readMessageIntoSync(mb, uid, buf, 0);
    return n === null ? null : buf.subarray(0, n);
  }

  /**
   * Copies the message's bytes (or bytes [start, end) of it) into `target` at `offset` without
   * going async (room for the indexed size + 1 needed for the whole message): the byte count, or
   * null when the file is not where the index says or not of the expected size (then the async
   * path finds it). Throws MESSAGE_GONE.
   */
  readMessageIntoSync(mb: MailboxRow, uid: number, target: Buffer, offset: number, range?: { start: number; end: number }): number | null {
    const cur = this.index.rowById(mb.id) ?? mb;
    const row = this.index.messageRow(cur, uid);
    if (!row) throw new HearthError('MESSAGE_GONE', `Message ${uid} no longer exists`);
    let fd: number;
    try {
      fd = openSync(this.filePath(cur, row), fsConstants.O_RDONLY);
    } catch {
      return null;
    }
    try {
      if (range) {
        const want = range.end - range.start;
        return readSync(fd, target, offset, want, range.start) === want ? want : null;
      }
      const n = readSync(fd, target, offset, row.size + 1, 0);
      return n === row.size ? n : null;
    } finally {
      closeSync(fd);
    }
  }

  async openMessageFile(mb: MailboxRow, uid: number): Promise<{ fh: FileHandle; row: MessageRow }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const cur = this.index.rowById(mb.id) ?? mb;
      const row = this.index.messageRow(cur, uid);
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
    this.index.reserveModseq(mb0.id);
    this.index.db.exec('PRAGMA synchronous=NORMAL');
    let result: { updated: MessageMeta[]; failed: number[]; changed: MessageMeta[]; modseq: number };
    try {
      result = this.index.tx(() => {
        mb = this.index.rowById(mb0.id)!;
        const rows = this.index.listRows(mb, uids);
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
            updated.push(this.index.toMeta(r));
            continue;
          }
          const nr: MessageRow = { ...r, flags: nextS, in_cur: 1, modseq };
          this.index.st.updateFlags.run(nextS, 1, modseq, mb.id, r.uid);
          // The file name carries the system flags only: a keyword change renames nothing.
          if (!r.in_cur || flagsToInfo(cur) !== flagsToInfo(next)) renames.push({ from: this.filePath(mb, r), row: nr });
          const meta = this.index.toMeta(nr);
          updated.push(meta);
          changed.push(meta);
        }
        if (changed.length > 0) this.index.st.updateModseq.run(modseq, mb.id);
        return { updated, failed, changed, modseq };
      });
    } finally {
      this.index.db.exec('PRAGMA synchronous=FULL');
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
    const res = this.index.tx(() => {
      mb = this.index.rowById(mb0.id)!;
      const rows = this.index.listRows(mb, uids).filter((r) => !onlyDeleted || hasFlag(flagsFromString(r.flags), '\\Deleted'));
      if (rows.length === 0) return null;
      const modseq = mb.highest_modseq + 1;
      for (const r of rows) {
        this.index.st.deleteMessage.run(mb.id, r.uid);
        this.index.st.insertVanished.run(mb.id, r.uid, modseq, r.base);
        gone.push(r);
      }
      this.index.st.updateModseq.run(modseq, mb.id);
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
      const dest = this.index.row(destName);
      if (!dest) throw new HearthError('MAILBOX_NOT_FOUND', `No such folder: ${destName}`);
      const src = this.index.rowById(src0.id);
      if (!src) throw new HearthError('MAILBOX_NOT_FOUND', 'The folder was deleted');
      const rows = this.index.listRows(src, uids);
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
      const out = this.index.tx(() => {
        destNow = this.index.rowById(dest.id)!;
        srcNow = this.index.rowById(src.id)!;
        let uidnext = destNow.uidnext;
        const modseq = destNow.highest_modseq + 1;
        const mapping: Array<[number, number]> = [];
        for (const l of linked) {
          this.index.st.insertMessage.run(dest.id, uidnext, l.base, 1, l.row.flags, modseq, l.row.size, l.row.internal_date);
          mapping.push([l.row.uid, uidnext++]);
        }
        this.index.st.updateUidnext.run(uidnext, modseq, dest.id);
        let srcModseq = 0;
        const expunged: number[] = [];
        if (move) {
          srcModseq = (dest.id === src.id ? modseq : srcNow.highest_modseq) + 1;
          for (const l of linked) {
            if (!this.index.messageRow(srcNow, l.row.uid)) continue;
            this.index.st.deleteMessage.run(src.id, l.row.uid);
            this.index.st.insertVanished.run(src.id, l.row.uid, srcModseq, l.row.base);
            expunged.push(l.row.uid);
          }
          this.index.st.updateModseq.run(srcModseq, src.id);
        }
        return { mapping, uidnext, modseq, srcModseq, expunged };
      });
      const destCount = (this.index.st.countsOne.get(dest.id) as { n: number }).n;
      this.emit(destNow.name, {
        type: 'exists',
        mailbox: destNow.name,
        uids: out.mapping.map((m) => m[1]),
        uidNext: out.uidnext,
        messages: destCount,
        highestModseq: out.modseq,
        keywords: [...new Set(linked.flatMap((l) => flagsFromString(l.row.flags).filter((f) => !f.startsWith('\\'))))],
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

  /** Dovecot's own index files written next to the messages, for a move to Dovecot (see ./dovecot-export.ts). */
  async exportForDovecot(): Promise<{ mailboxes: number; messages: number }> {
    return exportForDovecot(this);
  }
}
