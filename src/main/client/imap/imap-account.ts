// One IMAP account: its sync schedule, its actions and what the outbox and the reader need.
// - Connections (connections.ts): `sync`, `user`, `idle` and `background`, so a long first sync
//   or a background download never blocks reading or an action; the inbox is watched in IDLE
//   between syncs (inbox-watch.ts).
// - After each sync, offline copies and the search index's text come in the background
//   (background-fetch.ts), holding off while anything the user waits on is in flight.
// - Actions apply to main's cache at once (actions.ts) and become durable pending ops
//   (cache/pending-ops.ts), which are replayed whenever the server is reachable (op-replay.ts):
//   offline work reaches the server exactly once.
// - The network going away turns the account 'offline'; reconnects back off from 1 s to 5 min.
import type { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { MessageBody, SpecialUse } from '../../../shared/api.ts';
import { HearthError } from '../../../shared/errors.ts';
import type { ParsedQuery } from '../../../shared/search-query.ts';
import type { EventBus } from '../../api/event-bus.ts';
import type { Logger } from '../../base/log.ts';
import { searchLimits, syncLimits } from '../../base/limits.ts';
import { toNetworkError } from '../../base/net.ts';
import { parseMessageBody } from '../../mail/message-body.ts';
import type { CacheDb } from '../cache/cache-db.ts';
import type { MailboxRow } from '../cache/mailboxes.ts';
import { PendingOps, type NewPendingOp } from '../cache/pending-ops.ts';
import type { AttachmentContent, IncomingSettings, MailAccount } from '../mail-account.ts';
import { copyLocally, deleteLocally, moveLocally, removeForGoodLocally, setFlagsLocally, type ActionContext } from './actions.ts';
import type { BodyStore } from './body-store.ts';
import { ImapConnections } from './connections.ts';
import { inSyncOrder, specialFolder, syncFolderList } from './folder-list.ts';
import { FolderOps } from './folder-ops.ts';
import { syncFolder, type FolderSyncContext, type SyncMode } from './folder-sync.ts';
import { BackgroundFetch, UserWork, type BackgroundBatch } from './background-fetch.ts';
import { InboxWatch } from './inbox-watch.ts';
import { messageSource } from './message-source.ts';
import { replayOps } from './op-replay.ts';
import { ImapTransferFolder } from '../transfer/imap-transfer-folder.ts';
import type { TransferFolder } from '../transfer/transfer-folder.ts';
import { deleteDraft, replaceDraft, uidsWithMessageId } from './sent-and-drafts.ts';
import { toImapSearch } from './server-search.ts';

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
  /** The offline window and largest message kept, read at each download (the user's settings); offlineWindowMs wins. */
  offlineLimits?: () => { windowMs: number; maxMessageBytes: number };
  /** Fetch the text parts of the other messages for the search index (default true)… */
  searchText?: boolean;
  /** …this far back (default searchLimits.textWindowMs: all) and up to this message size (default searchLimits.textMaxMessageBytes). */
  searchTextWindowMs?: number;
  searchTextMaxBytes?: number;
  now?: () => number;
  /** Told after each background batch (tests follow the order of events by it). */
  onBackgroundBatch?: (batch: BackgroundBatch) => void;
}

export class ImapAccount implements MailAccount {
  private chain: Promise<unknown> = Promise.resolve();
  private syncing: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private backoffMs = 0;
  private closed = false;
  /** How each folder was last synced (qresync / condstore / full): diagnostics and tests. */
  readonly lastSyncMode = new Map<string, SyncMode>();
  private readonly d: ImapAccountDeps;
  private readonly conns: ImapConnections;
  private readonly inbox: InboxWatch;
  private readonly ops: PendingOps;
  private readonly folders: FolderOps;
  private readonly ctx: FolderSyncContext;
  private readonly actx: ActionContext;
  private readonly userWork = new UserWork();
  private readonly background: BackgroundFetch;

  constructor(deps: ImapAccountDeps) {
    this.d = deps;
    this.ops = new PendingOps(deps.cache);
    this.conns = new ImapConnections({
      accountId: deps.accountId,
      settings: deps.settings,
      qresync: deps.qresync !== false,
      log: deps.log,
      // The IDLE connection is the one that notices a dead network first: resync (and reconnect) then.
      onLost: (role) => {
        if (role === 'idle') this.scheduleReconnect();
      },
    });
    this.inbox = new InboxWatch(
      this.conns,
      () => this.folder('inbox'),
      () => void this.syncFolders((m) => m.specialUse === 'inbox').catch(() => {}),
    );
    this.ctx = {
      accountId: deps.accountId,
      cache: deps.cache,
      ops: this.ops,
      bodies: deps.bodies,
      events: deps.events,
      log: deps.log,
      alive: () => !this.closed,
    };
    this.actx = { accountId: deps.accountId, cache: deps.cache, bodies: deps.bodies };
    this.background = new BackgroundFetch({
      ctx: this.ctx,
      conns: this.conns,
      userWork: this.userWork,
      offline:
        deps.offlineBodies === false
          ? null
          : () => {
              const limits = deps.offlineLimits?.() ?? { windowMs: syncLimits.offlineWindowMs, maxMessageBytes: syncLimits.offlineMaxMessageBytes };
              return { windowMs: deps.offlineWindowMs ?? limits.windowMs, maxMessageBytes: limits.maxMessageBytes };
            },
      searchText:
        deps.searchText === false
          ? null
          : { windowMs: deps.searchTextWindowMs ?? searchLimits.textWindowMs, maxBytes: deps.searchTextMaxBytes ?? searchLimits.textMaxMessageBytes },
      now: deps.now ?? Date.now,
      ...(deps.onBackgroundBatch ? { onBatch: deps.onBackgroundBatch } : {}),
    });
    this.folders = new FolderOps({
      accountId: deps.accountId,
      settings: deps.settings,
      cache: deps.cache,
      ops: this.ops,
      connection: () => this.conns.get('user'),
      refresh: () => this.refreshFolders(),
    });
  }

  private folder(use: SpecialUse): MailboxRow | undefined {
    return specialFolder(this.d.cache, this.d.accountId, use);
  }

  // ------------------------------------------------------------------------------ state

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

  private setState(state: 'connecting' | 'syncing' | 'online' | 'offline' | 'error', error?: HearthError): void {
    // The detail (a refused certificate's subject and fingerprint) lets the UI offer the fix.
    const err = error ? { code: error.code, message: error.message, ...(error.detail ? { detail: error.detail } : {}) } : undefined;
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
    const reused = this.conns.usable('sync');
    try {
      await this.runSyncOnce();
    } catch (e) {
      const err = e as HearthError;
      if (!reused || this.closed || !['NETWORK', 'TIMEOUT', 'OFFLINE'].includes(err.code)) throw e;
      this.d.log.info('sync retried on a fresh connection', { accountId: this.d.accountId, code: err.code });
      this.conns.discard('sync');
      await this.runSyncOnce();
    }
  }

  private async runSyncOnce(): Promise<void> {
    const { accountId, events } = this.d;
    try {
      this.setState('connecting');
      events.emit('sync.progress', { accountId, phase: 'connecting', mailbox: null, done: 0, total: 0 });
      const client = await this.conns.get('sync');
      this.setState('syncing');
      await this.replay();
      const ordered = inSyncOrder(await syncFolderList(this.ctx, client));
      let done = 0;
      for (const mb of ordered) {
        if (this.closed) return;
        const r = await syncFolder(this.ctx, client, mb);
        this.lastSyncMode.set(mb.path, r.mode);
        events.emit('sync.progress', { accountId, phase: 'folders', mailbox: mb.path, done: ++done, total: ordered.length });
      }
      this.backoffMs = 0;
      this.setState('online');
      if (this.d.idle !== false && !this.closed)
        void this.inbox.ensure().catch((e: unknown) => this.d.log.warn('idle failed', { accountId, message: (e as Error).message }));
      this.background.start(ordered);
    } catch (e) {
      throw this.failed(e);
    } finally {
      this.syncEnded();
    }
  }

  /** Syncs only the folders matching `which` (e.g. the inbox after IDLE reported new mail). */
  syncFolders(which: (m: MailboxRow) => boolean): Promise<void> {
    return this.serial(async () => {
      try {
        const client = await this.conns.get('sync');
        for (const mb of this.d.cache.mailboxes.list(this.d.accountId).filter(which))
          this.lastSyncMode.set(mb.path, (await syncFolder(this.ctx, client, mb)).mode);
        this.background.start(this.d.cache.mailboxes.list(this.d.accountId).filter(which));
      } catch (e) {
        throw this.failed(e);
      } finally {
        this.syncEnded();
      }
    });
  }

  /** Every sync, finished or failed, ends its progress, so no "Syncing…" outlives it. */
  private syncEnded(): void {
    this.d.events.emit('sync.progress', { accountId: this.d.accountId, phase: 'done', mailbox: null, done: 0, total: 0 });
  }

  /** True while the inbox is watched by IDLE. */
  get idling(): boolean {
    return this.inbox.idling;
  }

  /** Resolves when the background downloads (offline copies, search text) have finished. */
  bodiesDone(): Promise<void> {
    return this.background.done();
  }

  private refreshFolders(): Promise<void> {
    return this.serial(async () => {
      try {
        await syncFolderList(this.ctx, await this.conns.get('sync'));
      } catch (e) {
        throw this.failed(e);
      }
    });
  }

  /** Syncs one folder soon (after the server changed it on the user's behalf). */
  private syncSoon(mb: MailboxRow): void {
    void this.syncFolders((m) => m.id === mb.id).catch(() => {});
  }

  // ------------------------------------------------------------------------------ pending actions

  /** Sends pending actions to the server now; resolves when the queue is empty (or the server is unreachable). */
  flush(): Promise<void> {
    return this.serial(async () => {
      if (this.ops.count(this.d.accountId) === 0) return;
      try {
        await this.userWork.run(() => this.replay());
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
    const client = await this.conns.get('user');
    await replayOps({ accountId: this.d.accountId, cache: this.d.cache, ops: this.ops, events: this.d.events, log: this.d.log }, client);
    // Moved and copied messages get their new UIDs from the target folders' next sync.
    if (targets.size) {
      const sync = await this.conns.get('sync');
      for (const mb of this.d.cache.mailboxes.list(this.d.accountId)) if (targets.has(mb.path)) await syncFolder(this.ctx, sync, mb);
    }
  }

  /** Queues the ops and tries to send them; offline, they wait for the next connection. */
  private enqueue(ops: NewPendingOp[]): void {
    // On disk (fsync) before the UI is told: an action the user took must survive a power cut.
    this.d.cache.durable(() => {
      for (const op of ops) this.ops.add(op);
    });
    void this.flush().catch(() => {});
  }

  // ------------------------------------------------------------------------------ actions

  setFlags(messageIds: number[], add: string[], remove: string[]): void {
    this.enqueue(setFlagsLocally(this.actx, messageIds, add, remove));
  }

  move(messageIds: number[], target: MailboxRow): void {
    this.enqueue(moveLocally(this.actx, messageIds, target));
  }

  copy(messageIds: number[], target: MailboxRow): void {
    this.enqueue(copyLocally(this.actx, messageIds, target));
  }

  /** Moves to Trash, like every mail program; in Trash (or with no Trash) it deletes for good. */
  delete(messageIds: number[]): void {
    this.enqueue(deleteLocally(this.actx, messageIds, this.folder('trash')));
  }

  /** Deletes for good (no Trash): the message now lives in another account. Queued like every action. */
  removeForGood(messageIds: number[]): void {
    this.enqueue(removeForGoodLocally(this.actx, messageIds));
  }

  archive(messageIds: number[]): void {
    const archive = this.folder('archive');
    if (!archive) throw new HearthError('MAILBOX_NOT_FOUND', 'This account has no Archive folder');
    this.move(messageIds, archive);
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
    this.syncSoon(target);
  }

  async transferFolder(target: MailboxRow): Promise<TransferFolder> {
    return new ImapTransferFolder(
      () => this.conns.get('user'),
      target.path,
      () => this.syncSoon(target),
    );
  }

  // ------------------------------------------------------------------------------ folders (online only)

  createFolder(parent: MailboxRow | null, name: string): Promise<void> {
    return this.userWork.run(() => this.folders.create(parent, name));
  }

  renameFolder(mb: MailboxRow, newName: string): Promise<void> {
    return this.userWork.run(() => this.folders.rename(mb, newName));
  }

  deleteFolder(mb: MailboxRow): Promise<void> {
    return this.userWork.run(() => this.folders.delete(mb));
  }

  subscribeFolder(mb: MailboxRow, subscribed: boolean): Promise<void> {
    return this.userWork.run(() => this.folders.subscribe(mb, subscribed));
  }

  // ------------------------------------------------------------------------------ sent mail and drafts (for the outbox)

  private onUserConnection<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    return this.userWork.run(async () => {
      const client = await this.conns.get('user');
      try {
        return await fn(client);
      } catch (e) {
        throw e instanceof HearthError ? e : toNetworkError(e, this.d.settings.host, this.d.settings.port);
      }
    });
  }

  /** Files a sent message in Sent (marked read); without a Sent folder there is nothing to do. */
  async appendToSent(raw: Buffer): Promise<void> {
    const sent = this.folder('sent');
    if (!sent) return;
    await this.onUserConnection((c) => c.append(sent.path, raw, ['\\Seen']));
    this.syncSoon(sent);
  }

  /** Whether the Sent folder holds this Message-ID; null when that cannot be known now. */
  async foundInSent(messageId: string): Promise<boolean | null> {
    const sent = this.folder('sent');
    if (!sent) return null;
    try {
      return (await this.onUserConnection((c) => uidsWithMessageId(c, sent.path, messageId))).length > 0;
    } catch {
      return null;
    }
  }

  /** Replaces a draft in Drafts: old copies (same Message-ID) out, the new one in. */
  async saveDraftToServer(raw: Buffer, messageId: string): Promise<void> {
    const drafts = this.folder('drafts');
    if (!drafts) return;
    await this.onUserConnection((c) => replaceDraft(c, drafts.path, raw, messageId));
    this.syncSoon(drafts);
  }

  async deleteDraftFromServer(messageId: string): Promise<void> {
    const drafts = this.folder('drafts');
    if (!drafts) return;
    await this.onUserConnection((c) => deleteDraft(c, drafts.path, messageId));
    this.syncSoon(drafts);
  }

  // ------------------------------------------------------------------------------ search

  /** Asks the server to search a folder (bodies too), returning cached message ids. */
  async searchServer(mb: MailboxRow, query: ParsedQuery): Promise<number[]> {
    const search = toImapSearch(query);
    if (!search) return [];
    const uids = await this.userWork.run(async () => {
      const client = await this.conns.get('user');
      const lock = await client.getMailboxLock(mb.path, { readOnly: true });
      try {
        return (await client.search(search, { uid: true })) || [];
      } catch (e) {
        throw toNetworkError(e, this.d.settings.host, this.d.settings.port);
      } finally {
        lock.release();
      }
    });
    const cached = this.d.cache.messages.uids(mb.id);
    return uids.map((u) => cached.get(u)?.id).filter((id): id is number => id !== undefined);
  }

  // ------------------------------------------------------------------------------ reading

  /** The message for reading: from the offline copy if there is one, else fetched (and kept). */
  body(messageId: number): Promise<MessageBody> {
    return this.userWork.run(async () => parseMessageBody(messageId, await this.source(messageId)));
  }

  /** One attachment's content, fetched on demand (it is part of the message's offline copy once read). */
  attachment(messageId: number, partId: string): Promise<AttachmentContent> {
    return this.userWork.run(async () => {
      const parsed = await simpleParser(await this.source(messageId), { skipImageLinks: true, skipTextLinks: true });
      const found = parsed.attachments.find((a, i) => (a.partId ?? String(i + 1)) === partId);
      if (!found) throw new HearthError('NOT_FOUND', 'No such attachment in this message', { field: 'partId' });
      return { filename: found.filename ?? null, contentType: found.contentType, content: found.content };
    });
  }

  /** The raw message: the offline copy, or fetched from the server and kept. */
  source(messageId: number): Promise<Buffer> {
    return this.userWork.run(() => messageSource({ ...this.d, connection: () => this.conns.get('user') }, messageId));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.inbox.stop();
    this.userWork.stop();
    await this.conns.close();
    await this.background.done();
  }
}
