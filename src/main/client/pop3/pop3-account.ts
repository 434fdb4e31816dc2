// A POP3 account: mail is downloaded into a durable local store (the household server's Maildir
// store, fsync before a message counts as downloaded) and mirrored into main's cache like IMAP mail.
//
// Once, ever: a message is appended to the local INBOX with an X-Hearth-POP3-UIDL trace header,
// then its UIDL is recorded (fsync). A crash between the two is healed at the next start: stored
// messages newer than the last recorded one are read for that header and recorded. A connection
// cut mid-RETR stores nothing, so the retry downloads it once.
//
// "Leave messages on the server" is the default; optionally delete them after N days, and when
// they are deleted here. A server without UIDL cannot be told apart from one that re-sends old
// mail: there Hearth downloads each message and deletes it from the server (and says so).
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { MessageBody } from '../../../shared/api.ts';
import { HearthError } from '../../../shared/errors.ts';
import type { EventBus } from '../../api/event-bus.ts';
import type { Logger } from '../../base/log.ts';
import type { CacheDb } from '../cache/cache-db.ts';
import type { MailboxRow } from '../cache/mailboxes.ts';
import { Pop3Ledger } from '../cache/pop3-ledger.ts';
import { MaildirStore } from '../../maildir/maildir-store.ts';
import { LocalTransferFolder } from '../transfer/local-transfer-folder.ts';
import type { TransferFolder } from '../transfer/transfer-folder.ts';
import type { UserStore } from '../../maildir/user-store.ts';
import { parseMessageBody } from '../../mail/message-body.ts';
import type { AttachmentContent, IncomingSettings, MailAccount } from '../mail-account.ts';
import { Pop3Client, type Pop3ListEntry, type Pop3UidlEntry } from './client.ts';
import { pop3ClientOptions } from './connect.ts';
import { LOCAL_FOLDERS, mirrorLocalStore, summariseLocal } from './local-mirror.ts';
import { downloadMessages, UIDL_HEADER, type StoredDownload, type WantedMessage } from './download.ts';
import { defaultPop3Options, goneFromServer, serverDeletions, type Pop3Options } from './server-deletions.ts';

export interface Pop3AccountDeps {
  accountId: string;
  email: string;
  settings: IncomingSettings;
  dataDir: string;
  cache: CacheDb;
  events: EventBus;
  log: Logger;
  options?: Partial<Pop3Options>;
  now?: () => number;
  /** Crash tests stop the process at these points. */
  testHooks?: { afterStore?(): void; afterRecord?(): void };
}

export class Pop3Account implements MailAccount {
  private readonly store: MaildirStore;
  private userStore: Promise<UserStore> | null = null;
  private syncing: Promise<void> | null = null;
  private closed = false;
  private readonly d: Pop3AccountDeps;
  private readonly opts: Pop3Options;
  /** Which server messages were downloaded (by UIDL). */
  private readonly ledger: Pop3Ledger;
  readonly lastSyncMode = new Map<string, string>();
  /** Local store work started by actions (they return at once; the cache already shows them). */
  private readonly localWork = new Set<Promise<unknown>>();
  readonly idling = false;

  constructor(deps: Pop3AccountDeps) {
    this.d = deps;
    this.opts = { ...defaultPop3Options, ...deps.options };
    this.ledger = new Pop3Ledger(deps.cache, deps.accountId);
    this.store = new MaildirStore({ root: path.join(deps.dataDir, 'local', deps.accountId), hostname: 'hearth.local', log: deps.log });
  }

  private now(): number {
    return this.d.now?.() ?? Date.now();
  }

  private user(): Promise<UserStore> {
    this.userStore ??= (async () => {
      const u = await this.store.user(this.d.email);
      // The store creates the usual folders itself; make sure they are there (an older store).
      for (const [name, use] of LOCAL_FOLDERS) {
        if (use === 'inbox' || (await u.exists(name))) continue;
        await u.createMailbox(name, { specialUse: `\\${use[0]!.toUpperCase()}${use.slice(1)}` as never });
      }
      return u;
    })();
    return this.userStore;
  }

  private setState(state: 'connecting' | 'syncing' | 'online' | 'offline' | 'error', error?: HearthError): void {
    // The detail (a refused certificate's subject and fingerprint) lets the UI offer the fix.
    const err = error ? { code: error.code, message: error.message, ...(error.detail ? { detail: error.detail } : {}) } : undefined;
    this.d.cache.accounts.setState(this.d.accountId, state, err);
    this.d.events.emit('account.state', { accountId: this.d.accountId, state, ...(err ? { error: err } : {}) });
  }

  // ------------------------------------------------------------------------------ mirror into the cache

  /** Brings main's cache in line with the local store (folders, messages, flags). */
  private async mirror(): Promise<Map<string, MailboxRow>> {
    return mirrorLocalStore(this.d, await this.user());
  }

  // ------------------------------------------------------------------------------ download

  /** "Check now": download what is new, apply the deletion rules, mirror into the cache. */
  sync(): Promise<void> {
    this.syncing ??= this.runSync().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  async flush(): Promise<void> {
    await this.settled();
    await this.syncing;
  }

  /** POP3 downloads whole messages in the check itself: the one running, if any. */
  async bodiesDone(): Promise<void> {
    await this.syncing?.catch(() => {});
  }

  /**
   * One check, in phases: heal a crash's cut-off records, mirror the store, connect; list the
   * server's messages, diff them against the ledger, download (store, then record per turn);
   * delete on the server what the rules say, QUIT, forget what the server no longer has; mirror.
   */
  private async runSync(): Promise<void> {
    const { accountId, events, settings } = this.d;
    await this.healCrashWindow();
    const folders = await this.mirror();
    this.setState('connecting');
    events.emit('sync.progress', { accountId, phase: 'connecting', mailbox: null, done: 0, total: 0 });
    let client: Pop3Client | null = null;
    try {
      client = await Pop3Client.connect(pop3ClientOptions(settings, this.d.log));
      await client.login(settings.user, settings.password);
      this.setState('syncing');
      const { uidls, list } = await this.listServer(client);
      const wanted = this.notDownloadedYet(uidls, list);
      const downloaded = await this.download(client, wanted, list, folders.get('INBOX'));
      if (this.closed) return;
      const deleted = serverDeletions({ uidls, downloaded, ledger: this.ledger.seen(), options: this.opts, now: this.now() });
      for (const msg of deleted) await client.dele(msg);
      await client.quit();
      client = null;
      if (uidls) this.ledger.forget(goneFromServer(uidls, deleted, this.ledger.seen().keys()));
      await this.mirror();
      this.setState('online');
    } catch (e) {
      client?.close();
      const err = e instanceof HearthError ? e : new HearthError('NETWORK', (e as Error).message);
      if (!this.closed) this.setState(err.code === 'AUTH_FAILED' || err.code === 'CERT_UNTRUSTED' ? 'error' : 'offline', err);
      throw err;
    } finally {
      // Finished or failed, the sync's progress ends, so no "Syncing…" outlives it.
      events.emit('sync.progress', { accountId, phase: 'done', mailbox: null, done: 0, total: 0 });
    }
  }

  /** List: the server's UIDLs (null when it has no UIDL command) and message sizes. */
  private async listServer(client: Pop3Client): Promise<{ uidls: Pop3UidlEntry[] | null; list: Pop3ListEntry[] }> {
    let uidls: Pop3UidlEntry[] | null;
    try {
      uidls = await client.uidl();
    } catch (e) {
      if ((e as HearthError).code === 'AUTH_FAILED') throw e;
      uidls = null;
    }
    return { uidls, list: await client.list() };
  }

  /** Diff against the ledger: the messages not downloaded yet; without UIDL all of them (and the user is told why). */
  private notDownloadedYet(uidls: Pop3UidlEntry[] | null, list: Pop3ListEntry[]): WantedMessage[] {
    if (uidls) {
      const seen = this.ledger.seen();
      return uidls.filter((u) => !seen.has(u.uid));
    }
    this.d.events.emit('notice', {
      level: 'warning',
      accountId: this.d.accountId,
      message: 'This POP3 server cannot identify messages (no UIDL), so Hearth downloads each message and then deletes it from the server.',
    });
    return list.map((l) => ({ msg: l.msg, uid: '' }));
  }

  /** Download and record: stores each wanted message, records each turn's worth; returns the message numbers recorded. */
  private async download(client: Pop3Client, wanted: WantedMessage[], list: Pop3ListEntry[], inboxRow: MailboxRow | undefined): Promise<number[]> {
    const { accountId, events } = this.d;
    const progress = { done: 0, total: wanted.length, downloaded: [] as number[] };
    events.emit('sync.progress', { accountId, phase: 'headers', mailbox: 'INBOX', done: 0, total: wanted.length });
    await downloadMessages(wanted, {
      client,
      inbox: await (await this.user()).openMailbox('INBOX'),
      sizes: new Map(list.map((l) => [l.msg, l.size])),
      record: (items) => this.record(items, inboxRow, progress),
      stopped: () => this.closed,
      now: () => this.now(),
      afterStore: () => this.d.testHooks?.afterStore?.(),
    });
    return progress.downloaded;
  }

  /** Record: one turn's stored messages go into the ledger and the cache in one transaction. */
  private record(items: StoredDownload[], inboxRow: MailboxRow | undefined, progress: { done: number; total: number; downloaded: number[] }): void {
    const { accountId, cache, events } = this.d;
    const at = this.now();
    // Parsed before the transaction, which then holds the database only for the writes.
    const entries = inboxRow
      ? items.map((it) => summariseLocal({ accountId, mailboxId: inboxRow.id, uid: it.localUid, flags: [], size: it.size }, new Date(at), it.raw))
      : [];
    cache.transaction(() => {
      for (const it of items) if (it.w.uid) this.ledger.record(it.w.uid, at, it.localUid);
      cache.messages.upsert(entries);
    });
    for (const it of items) progress.downloaded.push(it.w.msg);
    this.d.testHooks?.afterRecord?.();
    const before = progress.done;
    progress.done += items.length;
    if (Math.floor(before / 50) !== Math.floor(progress.done / 50) || progress.done === progress.total)
      events.emit('sync.progress', { accountId, phase: 'headers', mailbox: 'INBOX', done: progress.done, total: progress.total });
  }

  /** Records downloads whose UIDL record a crash cut off (the message is stored, carrying its UIDL). */
  private async healCrashWindow(): Promise<void> {
    const inbox = await (await this.user()).openMailbox('INBOX');
    const after = this.ledger.maxLocalUid();
    const seen = this.ledger.seen();
    for (const m of await inbox.listMessages()) {
      if (m.uid <= after) continue;
      const head = (await inbox.readMessageBuffer(m.uid)).subarray(0, 2048).toString('latin1');
      const match = new RegExp(`^${UIDL_HEADER}: (\\S+)\\r?\\n`).exec(head);
      if (match && !match[1]!.startsWith('no-uidl-') && !seen.has(match[1]!)) {
        this.d.log.info('pop3: recorded a download a crash interrupted', { accountId: this.d.accountId });
        this.ledger.record(match[1]!, this.now(), m.uid);
      }
    }
  }

  // ------------------------------------------------------------------------------ reading and actions (local)

  /** Groups cached messages by local folder (read before the cache rows are removed). */
  private locate(messageIds: number[]): Map<string, { row: MailboxRow; items: { id: number; uid: number }[] }> {
    const out = new Map<string, { row: MailboxRow; items: { id: number; uid: number }[] }>();
    for (const id of messageIds) {
      const m = this.d.cache.messages.get(id);
      if (!m) continue;
      const row = this.d.cache.mailboxes.get(m.mailboxId);
      if (!row) continue;
      const g = out.get(row.path) ?? { row, items: [] };
      g.items.push({ id, uid: m.uid });
      out.set(row.path, g);
    }
    return out;
  }

  async source(messageId: number): Promise<Buffer> {
    const m = this.d.cache.messages.get(messageId);
    if (!m) throw new HearthError('NOT_FOUND', 'No such message');
    const row = this.d.cache.mailboxes.get(m.mailboxId);
    if (!row) throw new HearthError('NOT_FOUND', 'The message’s folder is gone');
    const raw = await (await (await this.user()).openMailbox(row.path)).readMessageBuffer(m.uid);
    // The trace header is ours, not the sender's: readers see the message as it arrived.
    return raw.subarray(0, 200).toString('latin1').startsWith(`${UIDL_HEADER}:`) ? raw.subarray(raw.indexOf('\n') + 1) : raw;
  }

  async body(messageId: number): Promise<MessageBody> {
    return parseMessageBody(messageId, await this.source(messageId));
  }

  async attachment(messageId: number, partId: string): Promise<AttachmentContent> {
    const parsed = await simpleParser(await this.source(messageId));
    const found = parsed.attachments.find((a, i) => (a.partId ?? String(i + 1)) === partId);
    if (!found) throw new HearthError('NOT_FOUND', 'No such attachment in this message', { field: 'partId' });
    return { filename: found.filename ?? null, contentType: found.contentType, content: found.content };
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.localWork.add(p);
    void p.finally(() => this.localWork.delete(p)).catch(() => {});
    return p;
  }

  /** Resolves when the local store has caught up with every action so far. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.localWork]);
  }

  private afterLocalChange(): void {
    void this.mirror().catch((e: unknown) => this.d.log.warn('pop3: mirror failed', { message: (e as Error).message }));
  }

  /** Runs local store work after an action returned (the cache already shows it); a failure re-mirrors. */
  private background(what: string, fn: () => Promise<void>): void {
    void this.track(
      fn().catch((e: unknown) => {
        this.d.log.warn(`pop3: ${what} failed`, { message: (e as Error).message });
        this.afterLocalChange();
      }),
    );
  }

  setFlags(messageIds: number[], add: string[], remove: string[]): void {
    const groups = this.locate(messageIds);
    this.background('flags', async () => {
      const u = await this.user();
      for (const [p, g] of groups) {
        const h = await u.openMailbox(p);
        const uids = g.items.map((i) => i.uid);
        if (add.length) await h.setFlags(uids, { mode: 'add', flags: add });
        if (remove.length) await h.setFlags(uids, { mode: 'remove', flags: remove });
      }
      await this.mirror();
    });
    // Show it at once; the store follows within milliseconds.
    for (const id of messageIds) {
      const m = this.d.cache.messages.get(id);
      if (m) this.d.cache.messages.setFlags(id, [...new Set([...m.flags.filter((f) => !remove.includes(f)), ...add])].sort());
    }
  }

  move(messageIds: number[], target: MailboxRow): void {
    const groups = this.locate(messageIds);
    this.d.cache.messages.remove(messageIds);
    this.background('move', async () => {
      const u = await this.user();
      for (const [p, g] of groups) {
        if (p === target.path) continue;
        const h = await u.openMailbox(p);
        const uids = g.items.map((i) => i.uid);
        // Back into the INBOX (a delete undone, or taken out of Trash): whatever deletion from the
        // server was asked for is withdrawn; each message is known by its UIDL trace header.
        const uidls = target.path === 'INBOX' ? await this.uidlsOf(h, uids) : new Map<number, string>();
        const moved = await h.move(uids, target.path);
        for (const [from, to] of moved.mapping) {
          const uidl = uidls.get(from);
          if (uidl) this.ledger.withdrawDelete(uidl, to);
        }
      }
      await this.mirror();
    });
  }

  /** The server UIDL each stored message was downloaded under (from its trace header), by local UID. */
  private async uidlsOf(h: { readMessageBuffer(uid: number): Promise<Buffer> }, uids: number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const uid of uids) {
      const head = (await h.readMessageBuffer(uid)).subarray(0, 2048).toString('latin1');
      const match = new RegExp(`^${UIDL_HEADER}: (\\S+)\\r?\\n`).exec(head);
      if (match && !match[1]!.startsWith('no-uidl-')) out.set(uid, match[1]!);
    }
    return out;
  }

  copy(messageIds: number[], target: MailboxRow): void {
    const groups = this.locate(messageIds);
    this.background('copy', async () => {
      const u = await this.user();
      for (const [p, g] of groups)
        await (
          await u.openMailbox(p)
        ).copy(
          g.items.map((i) => i.uid),
          target.path,
        );
      await this.mirror();
    });
  }

  /** To Trash; in Trash for good (and, by the account's rule, from the server at the next check). */
  delete(messageIds: number[]): void {
    const groups = this.locate(messageIds);
    // Remember which server messages these were, so the next check can delete them there.
    const inbox = groups.get('INBOX');
    if (inbox && this.opts.deleteWhenDeletedHere) for (const i of inbox.items) this.ledger.requestDelete(i.uid);
    this.d.cache.messages.remove(messageIds);
    this.background('delete', async () => {
      const u = await this.user();
      for (const [p, g] of groups) {
        const h = await u.openMailbox(p);
        const uids = g.items.map((i) => i.uid);
        if (p === 'Trash') await h.remove(uids);
        else await h.move(uids, 'Trash');
      }
      await this.mirror();
    });
  }

  /** Puts a message (from another account) into a local folder. */
  async appendRaw(target: MailboxRow, raw: Buffer, flags: string[]): Promise<void> {
    await (await this.user()).append(target.path, raw, { flags: flags.filter((f) => f !== '\\Recent') });
    await this.mirror();
  }

  async transferFolder(target: MailboxRow): Promise<TransferFolder> {
    return new LocalTransferFolder(await this.user(), target.path, () => this.mirror());
  }

  /** Deletes for good (no Trash): the message now lives in another account. */
  removeForGood(messageIds: number[]): void {
    const groups = this.locate(messageIds);
    this.d.cache.messages.remove(messageIds);
    this.background('remove', async () => {
      const u = await this.user();
      for (const [p, g] of groups) await (await u.openMailbox(p)).remove(g.items.map((i) => i.uid));
      await this.mirror();
    });
  }

  archive(_messageIds: number[]): void {
    throw new HearthError('MAILBOX_NOT_FOUND', 'This account has no Archive folder');
  }

  // ------------------------------------------------------------------------------ local folders

  async createFolder(parent: MailboxRow | null, name: string): Promise<void> {
    const u = await this.user();
    const full = parent ? `${parent.path}/${name}` : name;
    if (await u.exists(full)) throw new HearthError('MAILBOX_EXISTS', `A folder named “${name}” already exists`, { field: 'name' });
    await u.createMailbox(full);
    await this.mirror();
  }

  async renameFolder(mb: MailboxRow, newName: string): Promise<void> {
    if (mb.specialUse) throw new HearthError('INVALID_ARGUMENT', 'Special folders keep their names', { field: 'name' });
    const to = mb.parentPath ? `${mb.parentPath}/${newName}` : newName;
    await (await this.user()).renameMailbox(mb.path, to);
    this.d.cache.mailboxes.renameTree(this.d.accountId, mb.path, to, '/');
    await this.mirror();
  }

  async deleteFolder(mb: MailboxRow): Promise<void> {
    if (mb.specialUse) throw new HearthError('INVALID_ARGUMENT', 'Special folders cannot be deleted', { field: 'mailboxId' });
    await (await this.user()).deleteMailbox(mb.path);
    await this.mirror();
  }

  async subscribeFolder(): Promise<void> {}

  // ------------------------------------------------------------------------------ for the outbox and search

  async appendToSent(raw: Buffer): Promise<void> {
    await (await this.user()).append('Sent', raw, { flags: ['\\Seen'] });
    await this.mirror();
  }

  async foundInSent(messageId: string): Promise<boolean | null> {
    const sent = this.d.cache.mailboxes.list(this.d.accountId).find((m) => m.specialUse === 'sent');
    if (!sent) return null;
    return (
      this.d.cache.messages.search({ mailboxId: sent.id, query: messageId, limit: 1 }).length > 0 ||
      this.d.cache.messages.page(sent.id, 0, 5000).messages.some((m) => m.messageId === messageId)
    );
  }

  async saveDraftToServer(raw: Buffer, messageId: string): Promise<void> {
    await this.deleteDraftFromServer(messageId);
    await (await this.user()).append('Drafts', raw, { flags: ['\\Draft', '\\Seen'] });
    await this.mirror();
  }

  async deleteDraftFromServer(messageId: string): Promise<void> {
    const drafts = this.d.cache.mailboxes.list(this.d.accountId).find((m) => m.specialUse === 'drafts');
    if (!drafts) return;
    const uids = this.d.cache.messages
      .page(drafts.id, 0, 5000)
      .messages.filter((m) => m.messageId === messageId)
      .map((m) => m.uid);
    if (uids.length) await (await (await this.user()).openMailbox('Drafts')).remove(uids);
    await this.mirror();
  }

  async searchServer(): Promise<number[]> {
    return []; // all POP3 mail is local: the cache search covers it
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.syncing?.catch(() => {});
    await this.store.close();
  }
}
