// One IMAP account: its connections, its sync schedule and its actions.
// - Connections: `sync` for folder syncs and background bodies, `user` for what the user waits on
//   (opening a message, replaying actions), `idle` parked in IDLE on the inbox. A long first sync
//   never blocks reading or an action.
// - Actions apply to main's cache at once and become durable pending ops (cache/pending-ops.ts), which
//   are replayed whenever the server is reachable: offline work reaches the server exactly once.
// - The network going away turns the account 'offline'; reconnects back off from 1 s to 5 min.
import type { ImapFlow, ListResponse } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { MessageBody, SpecialUse } from '../../../shared/api.ts';
import { HearthError } from '../../../shared/errors.ts';
import type { EventBus } from '../../api/event-bus.ts';
import type { Logger } from '../../base/log.ts';
import { syncLimits } from '../../base/limits.ts';
import { toNetworkError } from '../../base/net.ts';
import type { CacheDb } from '../cache/cache-db.ts';
import type { MailboxRow } from '../cache/mailboxes.ts';
import { PendingOps, type NewPendingOp, type PendingOp } from '../cache/pending-ops.ts';
import type { BodyStore } from './body-store.ts';
import { connectImap } from './connect.ts';
import type { AttachmentContent, IncomingSettings, MailAccount } from '../mail-account.ts';
import { fetchBodies, syncFolder, type FolderSyncContext, type SyncMode } from './folder-sync.ts';
import { replayOps } from './op-replay.ts';

const SPECIAL_USE: Record<string, SpecialUse> = {
  '\\Inbox': 'inbox',
  '\\Sent': 'sent',
  '\\Drafts': 'drafts',
  '\\Trash': 'trash',
  '\\Junk': 'junk',
  '\\Archive': 'archive',
  '\\All': 'all',
  '\\Flagged': 'flagged',
};

/** Inbox first, then the usual special folders, then the rest by name. */
const SYNC_ORDER: (SpecialUse | null)[] = ['inbox', 'sent', 'drafts', 'archive', null, 'junk', 'trash', 'flagged', 'all'];

type Role = 'sync' | 'user' | 'idle';

export interface ImapAccountDeps {
  accountId: string;
  settings: IncomingSettings;
  cache: CacheDb;
  bodies: BodyStore;
  events: EventBus;
  log: Logger;
  /** Keep an IDLE connection on the inbox (default true). */
  idle?: boolean;
  /** Download recent bodies for offline reading after each sync (default true). */
  offlineBodies?: boolean;
  /** Use QRESYNC where the server offers it (default true). */
  qresync?: boolean;
  /** How far back bodies are kept for offline reading (default syncLimits.offlineWindowMs). */
  offlineWindowMs?: number;
  now?: () => number;
}

export class ImapAccount implements MailAccount {
  private readonly conns = new Map<Role, ImapFlow>();
  private readonly connecting = new Map<Role, Promise<ImapFlow>>();
  private chain: Promise<unknown> = Promise.resolve();
  private syncing: Promise<void> | null = null;
  private bodiesRunning: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private inboxTimer: NodeJS.Timeout | null = null;
  private backoffMs = 0;
  private closed = false;
  /** How each folder was last synced (qresync / condstore / full): diagnostics and tests. */
  readonly lastSyncMode = new Map<string, SyncMode>();
  private readonly d: ImapAccountDeps;
  private readonly ops: PendingOps;
  private readonly ctx: FolderSyncContext;

  constructor(deps: ImapAccountDeps) {
    this.d = deps;
    this.ops = new PendingOps(deps.cache);
    this.ctx = {
      accountId: deps.accountId,
      cache: deps.cache,
      ops: this.ops,
      bodies: deps.bodies,
      events: deps.events,
      log: deps.log,
      alive: () => !this.closed,
    };
  }

  // ------------------------------------------------------------------------------ connections

  private connection(role: Role): Promise<ImapFlow> {
    if (this.closed) return Promise.reject(new HearthError('OFFLINE', 'Account is closed'));
    const existing = this.conns.get(role);
    if (existing?.usable) return Promise.resolve(existing);
    let pending = this.connecting.get(role);
    if (!pending) {
      pending = connectImap(this.d.settings, { qresync: this.d.qresync !== false })
        .then((c) => {
          if (this.closed) {
            c.close();
            throw new HearthError('OFFLINE', 'Account is closed');
          }
          this.conns.set(role, c);
          c.on('close', () => this.onClose(role, c));
          return c;
        })
        .catch((e: unknown) => {
          throw toNetworkError(e, this.d.settings.host, this.d.settings.port);
        })
        .finally(() => this.connecting.delete(role));
      this.connecting.set(role, pending);
    }
    return pending;
  }

  private onClose(role: Role, c: ImapFlow): void {
    if (this.conns.get(role) !== c) return;
    this.conns.delete(role);
    if (this.closed) return;
    this.d.log.info('connection closed', { accountId: this.d.accountId, role });
    // The IDLE connection is the one that notices a dead network first: resync (and reconnect) then.
    if (role === 'idle') this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.backoffMs = this.backoffMs ? Math.min(this.backoffMs * 2, syncLimits.reconnectMaxMs) : syncLimits.reconnectFirstMs;
    const delay = this.backoffMs * (0.75 + Math.random() * 0.5);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.sync().catch(() => {});
    }, delay);
    this.reconnectTimer.unref();
  }

  /** Starts (or keeps) the IDLE connection on the inbox; new mail there syncs at once. */
  private async ensureIdle(): Promise<void> {
    if (this.d.idle === false || this.closed || this.conns.get('idle')?.usable || this.connecting.has('idle')) return;
    const inbox = this.d.cache.mailboxes.list(this.d.accountId).find((m) => m.specialUse === 'inbox');
    if (!inbox) return;
    const c = await this.connection('idle');
    await c.mailboxOpen(inbox.path, { readOnly: true });
    const changed = (e: { path: string }) => {
      if (e.path === inbox.path) this.syncInboxSoon();
    };
    c.on('exists', changed);
    c.on('expunge', changed);
    c.on('flags', changed);
    // idle() keeps re-issuing IDLE every syncLimits.idleRestartMs until the connection ends.
    void c.idle().catch(() => {});
  }

  private syncInboxSoon(): void {
    if (this.inboxTimer) return;
    this.inboxTimer = setTimeout(() => {
      this.inboxTimer = null;
      void this.syncFolders((m) => m.specialUse === 'inbox').catch(() => {});
    }, 30);
  }

  // ------------------------------------------------------------------------------ state

  private setState(state: 'connecting' | 'syncing' | 'online' | 'offline' | 'error', error?: HearthError): void {
    const err = error ? { code: error.code, message: error.message } : undefined;
    this.d.cache.accounts.setState(this.d.accountId, state, err);
    this.d.events.emit('account.state', { accountId: this.d.accountId, state, ...(err ? { error: err } : {}) });
  }

  /** Runs `fn` after everything queued before it; syncs and replays never interleave. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private failed(e: unknown): HearthError {
    const err = e instanceof HearthError ? e : toNetworkError(e, this.d.settings.host, this.d.settings.port);
    if (this.closed) return err;
    this.d.log.warn('sync failed', { accountId: this.d.accountId, code: err.code, message: err.message });
    const permanent = err.code === 'AUTH_FAILED' || err.code === 'CERT_UNTRUSTED' || err.code === 'PLAINTEXT_REFUSED';
    this.setState(permanent ? 'error' : 'offline', err);
    if (!permanent) this.scheduleReconnect();
    return err;
  }

  // ------------------------------------------------------------------------------ sync

  /** One full sync: pending actions first, then folders, then every folder's changes; concurrent callers share it. */
  sync(): Promise<void> {
    this.syncing ??= this.serial(() => this.runSync()).finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async runSync(): Promise<void> {
    // A connection that sat open since the last sync may have been closed by the server meanwhile
    // (e.g. another client deleted the folder it had selected): one retry on a fresh connection.
    const reused = this.conns.get('sync')?.usable === true;
    try {
      await this.runSyncOnce();
    } catch (e) {
      const err = e as HearthError;
      if (!reused || this.closed || !['NETWORK', 'TIMEOUT', 'OFFLINE'].includes(err.code)) throw e;
      this.d.log.info('sync retried on a fresh connection', { accountId: this.d.accountId, code: err.code });
      this.conns.get('sync')?.close();
      this.conns.delete('sync');
      await this.runSyncOnce();
    }
  }

  private async runSyncOnce(): Promise<void> {
    const { accountId, events } = this.d;
    try {
      this.setState('connecting');
      events.emit('sync.progress', { accountId, phase: 'connecting', mailbox: null, done: 0, total: 0 });
      const client = await this.connection('sync');
      this.setState('syncing');
      await this.replay();
      const mailboxes = await this.syncFolderList(client);
      const ordered = [...mailboxes].sort((a, b) => SYNC_ORDER.indexOf(a.specialUse) - SYNC_ORDER.indexOf(b.specialUse) || a.path.localeCompare(b.path));
      let done = 0;
      for (const mb of ordered) {
        if (this.closed) return;
        const r = await syncFolder(this.ctx, client, mb);
        this.lastSyncMode.set(mb.path, r.mode);
        events.emit('sync.progress', { accountId, phase: 'folders', mailbox: mb.path, done: ++done, total: ordered.length });
      }
      events.emit('sync.progress', { accountId, phase: 'done', mailbox: null, done: ordered.length, total: ordered.length });
      this.backoffMs = 0;
      this.setState('online');
      void this.ensureIdle().catch((e: unknown) => this.d.log.warn('idle failed', { accountId, message: (e as Error).message }));
      if (this.d.offlineBodies !== false) this.downloadBodiesInBackground(ordered);
    } catch (e) {
      throw this.failed(e);
    }
  }

  /** Syncs only the folders matching `which` (e.g. the inbox after IDLE reported new mail). */
  syncFolders(which: (m: MailboxRow) => boolean): Promise<void> {
    return this.serial(async () => {
      try {
        const client = await this.connection('sync');
        for (const mb of this.d.cache.mailboxes.list(this.d.accountId).filter(which))
          this.lastSyncMode.set(mb.path, (await syncFolder(this.ctx, client, mb)).mode);
        if (this.d.offlineBodies !== false) this.downloadBodiesInBackground(this.d.cache.mailboxes.list(this.d.accountId).filter(which));
      } catch (e) {
        throw this.failed(e);
      }
    });
  }

  private downloadBodiesInBackground(mailboxes: MailboxRow[]): void {
    if (this.bodiesRunning) return;
    const now = this.d.now?.() ?? Date.now();
    this.bodiesRunning = (async () => {
      const client = await this.connection('sync');
      let fetched = 0;
      for (const mb of mailboxes) {
        if (this.closed) return;
        fetched += await fetchBodies(this.ctx, client, mb, now - (this.d.offlineWindowMs ?? syncLimits.offlineWindowMs));
      }
      if (fetched > 0) this.d.events.emit('sync.progress', { accountId: this.d.accountId, phase: 'done', mailbox: null, done: 0, total: 0 });
    })()
      .catch((e: unknown) => this.d.log.info('background bodies stopped', { accountId: this.d.accountId, message: (e as Error).message }))
      .finally(() => {
        this.bodiesRunning = null;
      });
  }

  /** True while the inbox is watched by IDLE. */
  get idling(): boolean {
    return this.conns.get('idle')?.idling === true;
  }

  /** Resolves when the background body download (if any) has finished. */
  async bodiesDone(): Promise<void> {
    await this.bodiesRunning;
  }

  private async syncFolderList(client: ImapFlow): Promise<MailboxRow[]> {
    const { accountId, cache, events } = this.d;
    events.emit('sync.progress', { accountId, phase: 'folders', mailbox: null, done: 0, total: 0 });
    const list: ListResponse[] = await client.list({ statusQuery: { messages: true, unseen: true } });
    const seen = new Set<string>();
    for (const f of list) {
      if (f.flags.has('\\Noselect') || f.flags.has('\\NonExistent')) continue;
      seen.add(f.path);
      const isInbox = f.path.toUpperCase() === 'INBOX';
      cache.mailboxes.upsert({
        accountId,
        path: f.path,
        name: isInbox ? 'Inbox' : f.name,
        delimiter: f.delimiter ?? null,
        parentPath: f.parentPath || null,
        // SPECIAL-USE flags first; imapflow falls back to the common names (Sent Items, Deleted Messages, Spam…).
        specialUse: isInbox ? 'inbox' : (SPECIAL_USE[f.specialUse ?? ''] ?? null),
        subscribed: f.subscribed === true,
        total: f.status?.messages ?? 0,
        unseen: f.status?.unseen ?? 0,
      });
    }
    for (const mb of cache.mailboxes.list(accountId)) if (!seen.has(mb.path)) cache.mailboxes.remove(mb.id);
    return cache.mailboxes.list(accountId);
  }

  // ------------------------------------------------------------------------------ pending actions

  /** Sends pending actions to the server now; resolves when the queue is empty (or the server is unreachable). */
  flush(): Promise<void> {
    return this.serial(async () => {
      if (this.ops.count(this.d.accountId) === 0) return;
      try {
        await this.replay();
      } catch (e) {
        throw this.failed(e);
      }
    });
  }

  private async replay(): Promise<void> {
    if (this.ops.count(this.d.accountId) === 0) return;
    const targets = new Set(
      this.ops
        .list(this.d.accountId)
        .map((op) => op.payload.targetPath)
        .filter((p): p is string => !!p),
    );
    const client = await this.connection('user');
    await replayOps({ accountId: this.d.accountId, cache: this.d.cache, ops: this.ops, events: this.d.events, log: this.d.log }, client);
    // Moved and copied messages get their new UIDs from the target folders' next sync.
    if (targets.size) {
      const sync = await this.connection('sync');
      for (const mb of this.d.cache.mailboxes.list(this.d.accountId)) if (targets.has(mb.path)) await syncFolder(this.ctx, sync, mb);
    }
  }

  /** Queues the op and tries to send it; offline, it waits for the next connection. */
  private enqueue(ops: NewPendingOp[]): void {
    // On disk (fsync) before the UI is told: an action the user took must survive a power cut.
    this.d.cache.durable(() => {
      for (const op of ops) this.ops.add(op);
    });
    void this.flush().catch(() => {});
  }

  /** Groups cached messages by folder, so each folder gets one op. */
  private byMailbox(messageIds: number[]): { mailbox: MailboxRow; messages: { id: number; uid: number; flags: string[]; messageId: string | null }[] }[] {
    const out = new Map<number, { mailbox: MailboxRow; messages: { id: number; uid: number; flags: string[]; messageId: string | null }[] }>();
    for (const id of messageIds) {
      const m = this.d.cache.messages.get(id);
      if (!m) continue;
      const mailbox = this.d.cache.mailboxes.get(m.mailboxId);
      if (!mailbox) continue;
      const g = out.get(mailbox.id) ?? { mailbox, messages: [] };
      g.messages.push({ id, uid: m.uid, flags: m.flags, messageId: m.messageId });
      out.set(mailbox.id, g);
    }
    return [...out.values()];
  }

  private op(kind: PendingOp['kind'], mailbox: MailboxRow, uids: number[], payload: PendingOp['payload']): NewPendingOp {
    return { accountId: this.d.accountId, kind, mailboxId: mailbox.id, uidValidity: mailbox.uidValidity, uids, payload };
  }

  setFlags(messageIds: number[], add: string[], remove: string[]): void {
    const ops = [];
    for (const { mailbox, messages } of this.byMailbox(messageIds)) {
      this.d.cache.transaction(() => {
        for (const m of messages) this.d.cache.messages.setFlags(m.id, [...new Set([...m.flags.filter((f) => !remove.includes(f)), ...add])].sort());
        this.d.cache.mailboxes.updateCounts(mailbox.id);
      });
      ops.push(
        this.op(
          'flags',
          mailbox,
          messages.map((m) => m.uid),
          { add, remove },
        ),
      );
    }
    this.enqueue(ops);
  }

  move(messageIds: number[], target: MailboxRow): void {
    const ops = [];
    for (const { mailbox, messages } of this.byMailbox(messageIds)) {
      if (mailbox.id === target.id) continue;
      this.removeFromCache(
        mailbox,
        messages.map((m) => m.id),
      );
      ops.push(
        this.op(
          'move',
          mailbox,
          messages.map((m) => m.uid),
          { targetPath: target.path },
        ),
      );
    }
    this.enqueue(ops);
  }

  copy(messageIds: number[], target: MailboxRow): void {
    this.enqueue(
      this.byMailbox(messageIds)
        .filter((g) => g.mailbox.id !== target.id)
        .map(({ mailbox, messages }) =>
          this.op(
            'copy',
            mailbox,
            messages.map((m) => m.uid),
            { targetPath: target.path, messageIds: messages.map((m) => m.messageId) },
          ),
        ),
    );
  }

  /** Moves to Trash, like every mail program; in Trash (or with no Trash) it deletes for good. */
  delete(messageIds: number[]): void {
    const trash = this.role('trash');
    const ops = [];
    for (const { mailbox, messages } of this.byMailbox(messageIds)) {
      const ids = messages.map((m) => m.id);
      const uids = messages.map((m) => m.uid);
      this.removeFromCache(mailbox, ids);
      ops.push(trash && mailbox.id !== trash.id ? this.op('move', mailbox, uids, { targetPath: trash.path }) : this.op('expunge', mailbox, uids, {}));
    }
    this.enqueue(ops);
  }

  /** Puts a message (from another account) into one of this account's folders. */
  async appendRaw(target: MailboxRow, raw: Buffer, flags: string[]): Promise<void> {
    await this.onUserConnection((c) =>
      c.append(
        target.path,
        raw,
        flags.filter((f) => f !== '\\Recent'),
      ),
    );
    void this.syncFolders((m) => m.id === target.id).catch(() => {});
  }

  /** Deletes for good (no Trash): the message now lives in another account. Queued like every action. */
  removeForGood(messageIds: number[]): void {
    const ops = [];
    for (const { mailbox, messages } of this.byMailbox(messageIds)) {
      this.removeFromCache(
        mailbox,
        messages.map((m) => m.id),
      );
      ops.push(
        this.op(
          'expunge',
          mailbox,
          messages.map((m) => m.uid),
          {},
        ),
      );
    }
    this.enqueue(ops);
  }

  archive(messageIds: number[]): void {
    const archive = this.role('archive');
    if (!archive) throw new HearthError('MAILBOX_NOT_FOUND', 'This account has no Archive folder');
    this.move(messageIds, archive);
  }

  private role(use: SpecialUse): MailboxRow | undefined {
    return this.d.cache.mailboxes.list(this.d.accountId).find((m) => m.specialUse === use);
  }

  private removeFromCache(mailbox: MailboxRow, ids: number[]): void {
    this.d.cache.transaction(() => {
      this.d.cache.messages.remove(ids);
      this.d.cache.mailboxes.updateCounts(mailbox.id);
    });
    for (const id of ids) this.d.bodies.remove(id);
  }

  // ------------------------------------------------------------------------------ folders (online only)

  private async folderOp<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = await this.connection('user');
    try {
      return await fn(client);
    } catch (e) {
      if (e instanceof HearthError) throw e;
      const resp = (e as { responseText?: string; serverResponseCode?: string }).serverResponseCode;
      if (resp === 'ALREADYEXISTS') throw new HearthError('MAILBOX_EXISTS');
      if (resp === 'NONEXISTENT') throw new HearthError('MAILBOX_NOT_FOUND');
      if ((e as { responseStatus?: string }).responseStatus)
        throw new HearthError('SERVER_ERROR', (e as { responseText?: string }).responseText || (e as Error).message);
      throw toNetworkError(e, this.d.settings.host, this.d.settings.port);
    }
  }

  async createFolder(parent: MailboxRow | null, name: string): Promise<void> {
    await this.folderOp(async (c) => {
      const path = parent ? `${parent.path}${parent.delimiter ?? '/'}${name}` : name;
      const r = await c.mailboxCreate(path);
      if (r && r.created === false) throw new HearthError('MAILBOX_EXISTS', `A folder named “${name}” already exists`, { field: 'name' });
      await c.mailboxSubscribe(path).catch(() => {});
    });
    await this.refreshFolders();
  }

  async renameFolder(mb: MailboxRow, newName: string): Promise<void> {
    if (mb.specialUse === 'inbox') throw new HearthError('INVALID_ARGUMENT', 'The inbox cannot be renamed', { field: 'name' });
    const newPath = mb.parentPath ? `${mb.parentPath}${mb.delimiter ?? '/'}${newName}` : newName;
    await this.folderOp((c) => c.mailboxRename(mb.path, newPath));
    // Keep the cached messages (same UIDVALIDITY on a rename): move the rows' paths, not the mail;
    // actions still queued for the folder follow it.
    this.d.cache.transaction(() => {
      this.d.cache.mailboxes.renameTree(this.d.accountId, mb.path, newPath, mb.delimiter ?? '/');
      this.ops.followRename(this.d.accountId, mb.path, newPath, mb.delimiter ?? '/');
    });
    await this.refreshFolders();
  }

  async deleteFolder(mb: MailboxRow): Promise<void> {
    if (mb.specialUse === 'inbox') throw new HearthError('INVALID_ARGUMENT', 'The inbox cannot be deleted', { field: 'mailboxId' });
    await this.folderOp((c) => c.mailboxDelete(mb.path));
    this.d.cache.mailboxes.remove(mb.id);
    await this.refreshFolders();
  }

  async subscribeFolder(mb: MailboxRow, subscribed: boolean): Promise<void> {
    await this.folderOp((c) => (subscribed ? c.mailboxSubscribe(mb.path) : c.mailboxUnsubscribe(mb.path)));
    await this.refreshFolders();
  }

  private refreshFolders(): Promise<void> {
    return this.serial(async () => {
      try {
        await this.syncFolderList(await this.connection('sync'));
      } catch (e) {
        throw this.failed(e);
      }
    });
  }

  // ------------------------------------------------------------------------------ sent mail and drafts (for the outbox)

  private async onUserConnection<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = await this.connection('user');
    try {
      return await fn(client);
    } catch (e) {
      throw e instanceof HearthError ? e : toNetworkError(e, this.d.settings.host, this.d.settings.port);
    }
  }

  private async uidsWithMessageId(client: ImapFlow, path: string, messageId: string): Promise<number[]> {
    const lock = await client.getMailboxLock(path);
    try {
      return (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
    } finally {
      lock.release();
    }
  }

  /** Files a sent message in Sent (marked read); without a Sent folder there is nothing to do. */
  async appendToSent(raw: Buffer): Promise<void> {
    const sent = this.role('sent');
    if (!sent) return;
    await this.onUserConnection((c) => c.append(sent.path, raw, ['\\Seen']));
    void this.syncFolders((m) => m.id === sent.id).catch(() => {});
  }

  /** Whether the Sent folder holds this Message-ID; null when that cannot be known now. */
  async foundInSent(messageId: string): Promise<boolean | null> {
    const sent = this.role('sent');
    if (!sent) return null;
    try {
      return (await this.onUserConnection((c) => this.uidsWithMessageId(c, sent.path, messageId))).length > 0;
    } catch {
      return null;
    }
  }

  /** Replaces a draft in Drafts: old copies (same Message-ID) out, the new one in. */
  async saveDraftToServer(raw: Buffer, messageId: string): Promise<void> {
    const drafts = this.role('drafts');
    if (!drafts) return;
    await this.onUserConnection(async (c) => {
      const old = await this.uidsWithMessageId(c, drafts.path, messageId);
      await c.append(drafts.path, raw, ['\\Draft', '\\Seen']);
      if (old.length) {
        const lock = await c.getMailboxLock(drafts.path);
        try {
          await c.messageDelete(old, { uid: true });
        } finally {
          lock.release();
        }
      }
    });
    void this.syncFolders((m) => m.id === drafts.id).catch(() => {});
  }

  async deleteDraftFromServer(messageId: string): Promise<void> {
    const drafts = this.role('drafts');
    if (!drafts) return;
    await this.onUserConnection(async (c) => {
      const old = await this.uidsWithMessageId(c, drafts.path, messageId);
      if (!old.length) return;
      const lock = await c.getMailboxLock(drafts.path);
      try {
        await c.messageDelete(old, { uid: true });
      } finally {
        lock.release();
      }
    });
    void this.syncFolders((m) => m.id === drafts.id).catch(() => {});
  }

  // ------------------------------------------------------------------------------ search

  /** Asks the server to search a folder's full text (bodies too), returning cached message ids. */
  async searchServer(mb: MailboxRow, query: string): Promise<number[]> {
    const client = await this.connection('user');
    const lock = await client.getMailboxLock(mb.path, { readOnly: true });
    let uids: number[];
    try {
      uids = (await client.search({ text: query }, { uid: true })) || [];
    } catch (e) {
      throw toNetworkError(e, this.d.settings.host, this.d.settings.port);
    } finally {
      lock.release();
    }
    const cached = this.d.cache.messages.uids(mb.id);
    return uids.map((u) => cached.get(u)?.id).filter((id): id is number => id !== undefined);
  }

  // ------------------------------------------------------------------------------ reading

  /** The message for reading: from the offline copy if there is one, else fetched (and kept). */
  async body(messageId: number): Promise<MessageBody> {
    return parseMessageBody(messageId, await this.source(messageId));
  }

  /** One attachment's content, fetched on demand (it is part of the message's offline copy once read). */
  async attachment(messageId: number, partId: string): Promise<AttachmentContent> {
    const parsed = await simpleParser(await this.source(messageId), { skipImageLinks: true, skipTextLinks: true });
    const found = parsed.attachments.find((a, i) => (a.partId ?? String(i + 1)) === partId);
    if (!found) throw new HearthError('NOT_FOUND', 'No such attachment in this message', { field: 'partId' });
    return { filename: found.filename ?? null, contentType: found.contentType, content: found.content };
  }

  /** The raw message: the offline copy, or fetched from the server and kept. */
  async source(messageId: number): Promise<Buffer> {
    const msg = this.d.cache.messages.get(messageId);
    if (!msg) throw new HearthError('NOT_FOUND', 'No such message');
    const cached = this.d.cache.messages.isBodyCached(messageId) ? this.d.bodies.read(messageId) : null;
    if (cached) return cached;
    const mb = this.d.cache.mailboxes.get(msg.mailboxId);
    if (!mb) throw new HearthError('NOT_FOUND', 'The message’s folder is gone');
    let client: ImapFlow;
    try {
      client = await this.connection('user');
    } catch (e) {
      const err = e as HearthError;
      throw new HearthError(err.code ?? 'OFFLINE', `This message was not downloaded for offline reading, and the server cannot be reached (${err.message}).`);
    }
    const lock = await client.getMailboxLock(mb.path, { readOnly: true });
    let source: Buffer | undefined;
    try {
      const m = await client.fetchOne(String(msg.uid), { uid: true, source: true }, { uid: true });
      source = m ? m.source : undefined;
    } catch (e) {
      throw toNetworkError(e, this.d.settings.host, this.d.settings.port);
    } finally {
      lock.release();
    }
    if (!source) throw new HearthError('MESSAGE_GONE');
    this.d.bodies.write(messageId, source);
    this.d.cache.messages.setBodyCached(messageId, true);
    return source;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.inboxTimer) clearTimeout(this.inboxTimer);
    const conns = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(conns.map((c) => c.logout().catch(() => c.close())));
    await this.bodiesRunning;
  }
}

/** Parses a raw message; broken MIME yields what could be read, flagged as damaged. */
export async function parseMessageBody(id: number, source: Buffer): Promise<MessageBody> {
  try {
    const parsed = await simpleParser(source, { skipImageLinks: true, skipTextLinks: true });
    return {
      id,
      html: typeof parsed.html === 'string' ? parsed.html : null,
      text: parsed.text ?? null,
      attachments: parsed.attachments.map((a, i) => ({
        partId: a.partId ?? String(i + 1),
        filename: a.filename ?? null,
        contentType: a.contentType,
        size: a.size,
        contentId: a.contentId ?? null,
        inline: a.contentDisposition === 'inline',
      })),
      damaged: false,
      references: typeof parsed.references === 'string' ? [parsed.references] : (parsed.references ?? []),
      replyTo: (parsed.replyTo?.value ?? []).filter((a) => a.address).map((a) => ({ name: a.name ?? '', address: a.address ?? '' })),
    };
  } catch {
    return { id, html: null, text: source.toString('utf8'), attachments: [], damaged: true, references: [], replyTo: [] };
  }
}
