// What an IMAP account downloads in the background after a sync: offline copies of recent bodies
// first, then the text of every other message for the search index (search-text.ts).
// - It has a connection of its own (`background`, connections.ts), opened only while there is
//   something to fetch: a sync, or anything the user waits on, never queues behind its FETCHes.
// - Small batches (syncLimits.backgroundBatch), and before each one it waits until nothing the
//   user started is in flight (UserWork): opening a message or an action has the server to itself.
// - Closing the account stops it between batches; the batch in flight fails with its connection,
//   quietly (the error is caught here, nothing is left unhandled).
import type { ImapFlow } from 'imapflow';
import { syncLimits } from '../../base/limits.ts';
import type { MailboxRow } from '../cache/mailboxes.ts';
import type { ImapConnections } from './connections.ts';
import type { FolderSyncContext } from './folder-sync.ts';
import { fetchSearchText } from './search-text.ts';

/** Counts what the user waits on (opening a message, an action on the server); background work holds off while any runs. */
export class UserWork {
  private running = 0;
  private stopped = false;
  private waiters: (() => void)[] = [];

  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await fn();
    } finally {
      if (--this.running === 0) this.wake();
    }
  }

  /** Resolves once nothing the user waits on is in flight (at once after stop()). */
  quiet(): Promise<void> {
    if (this.running === 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The account is closing: nobody waits any more. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** One finished background batch (tests follow the order of events by it). */
export interface BackgroundBatch {
  accountId: string;
  kind: 'bodies' | 'text';
  mailbox: string;
  count: number;
}

/** What the background fetchers work with. */
export interface BackgroundContext extends FolderSyncContext {
  /** The background connection (opened on first use). */
  connection(): Promise<ImapFlow>;
  /** Cuts the wanted messages into batches (syncLimits.backgroundBatch, backgroundBatchBytes by `size`). */
  batches<T extends { size: number }>(wanted: readonly T[]): Iterable<T[]>;
  /** Resolves when the next batch may start. */
  turn(): Promise<void>;
  batchDone(kind: BackgroundBatch['kind'], mb: MailboxRow, count: number): void;
  /** The batch loop both fetchers share (eachBatch below; on the context so search-text.ts needs no import back into this file). */
  eachBatch<W extends Wanted, R>(kind: BackgroundBatch['kind'], mb: MailboxRow, wanted: WantedPages<W>, work: BatchWork<W, R>): Promise<number>;
}

/** A message a background fetch wants, newest first (by date, then id). */
export interface Wanted {
  id: number;
  uid: number;
  size: number;
  date: number;
}

/** Where a page of wanted messages ended: the next page starts after it. */
export interface WantedCursor {
  date: number;
  id: number;
}

/**
 * The wanted messages of a folder, read a page at a time (at most `limit`, after `after`), so a
 * first sync of 100,000 messages never lists them all in memory at once.
 */
export type WantedPages<W extends Wanted> = (after: WantedCursor | null, limit: number) => W[];

/** What a background fetch does with each batch. */
export interface BatchWork<W, R> {
  /** Fetches the batch, on the background connection, under a read-only lock of the folder. */
  fetch(client: ImapFlow, batch: W[]): Promise<R>;
  /** Keeps what came (the lock released); returns how many messages the batch counts for. */
  store(fetched: R, batch: W[]): number;
  /** After each batch: how many messages are done so far. */
  progress?(done: number): void;
}

/**
 * Batch by batch: waits for the turn (nothing the user started in flight), fetches under a
 * read-only lock, stores, reports the batch; stops between batches when the account closes.
 * Returns how many messages were done.
 */
async function eachBatch<W extends Wanted, R>(
  ctx: BackgroundContext,
  kind: BackgroundBatch['kind'],
  mb: MailboxRow,
  pages: WantedPages<W>,
  work: BatchWork<W, R>,
): Promise<number> {
  let done = 0;
  for (const batch of pagedBatches(ctx, pages)) {
    await ctx.turn();
    if (!ctx.alive()) break;
    const client = await ctx.connection();
    let fetched: R;
    const lock = await client.getMailboxLock(mb.path, { readOnly: true });
    try {
      fetched = await work.fetch(client, batch);
    } finally {
      lock.release();
    }
    const count = work.store(fetched, batch);
    done += count;
    work.progress?.(done);
    ctx.batchDone(kind, mb, count);
  }
  return done;
}

/** The batches of every page in turn: the next page is read when the last one is done. */
function* pagedBatches<W extends Wanted>(ctx: BackgroundContext, pages: WantedPages<W>): Iterable<W[]> {
  let after: WantedCursor | null = null;
  for (;;) {
    const page = pages(after, syncLimits.backgroundPage);
    if (page.length === 0) return;
    yield* ctx.batches(page);
    if (page.length < syncLimits.backgroundPage) return;
    const last = page[page.length - 1]!;
    after = { date: last.date, id: last.id };
  }
}

/** Cuts messages into batches of at most `maxCount` messages and `maxBytes` bytes (a larger message goes alone). */
export function* batches<T extends { size: number }>(
  wanted: readonly T[],
  maxCount: number = syncLimits.backgroundBatch,
  maxBytes: number = syncLimits.backgroundBatchBytes,
): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const w of wanted) {
    if (batch.length > 0 && (batch.length >= maxCount || bytes + w.size > maxBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(w);
    bytes += w.size;
  }
  if (batch.length > 0) yield batch;
}

export interface BackgroundFetchOptions {
  ctx: FolderSyncContext;
  conns: ImapConnections;
  userWork: UserWork;
  /** Offline copies of bodies this recent (ms back from now) and up to this size, read at each pass (Settings may change them), or null for none. */
  offline: (() => { windowMs: number; maxMessageBytes: number }) | null;
  /** The text of the other messages for the search index, this far back and up to this size, or null for none. */
  searchText: { windowMs: number; maxBytes: number } | null;
  now: () => number;
  onBatch?: (batch: BackgroundBatch) => void;
}

export class BackgroundFetch {
  private readonly o: BackgroundFetchOptions;
  private readonly bctx: BackgroundContext;
  /** Folders to visit (by id): the ones synced since the last pass started. */
  private readonly queued = new Set<number>();
  private running: Promise<void> | null = null;

  constructor(options: BackgroundFetchOptions) {
    this.o = options;
    const { ctx, conns, userWork } = options;
    const bctx: BackgroundContext = {
      ...ctx,
      connection: () => conns.get('background'),
      batches: (wanted) => batches(wanted),
      turn: () => userWork.quiet(),
      batchDone: (kind, mb, count) => options.onBatch?.({ accountId: ctx.accountId, kind, mailbox: mb.path, count }),
      eachBatch: (kind, mb, wanted, work) => eachBatch(bctx, kind, mb, wanted, work),
    };
    this.bctx = bctx;
  }

  /** Visits these folders soon: at once, or after the pass that runs (which then goes on to them). */
  start(mailboxes: MailboxRow[]): void {
    if (this.o.offline === null && this.o.searchText === null) return;
    for (const mb of mailboxes) this.queued.add(mb.id);
    this.kick();
  }

  private kick(): void {
    if (this.running || this.queued.size === 0 || !this.o.ctx.alive()) return;
    this.running = this.run().finally(() => {
      this.running = null;
      // Folders queued while the pass was ending (releasing its connection) get their own.
      this.kick();
    });
  }

  /** Resolves when no pass runs (also after close: the pass in flight has ended). */
  async done(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Never rejects: a failure ends the pass (the next sync starts another). */
  private async run(): Promise<void> {
    const { ctx, conns } = this.o;
    try {
      while (this.queued.size > 0 && ctx.alive()) {
        const mailboxes = [...this.queued].map((id) => ctx.cache.mailboxes.get(id)).filter((mb): mb is MailboxRow => !!mb);
        this.queued.clear();
        await this.pass(mailboxes);
      }
    } catch (e) {
      if (ctx.alive()) ctx.log.info('background fetch stopped', { accountId: ctx.accountId, message: (e as Error).message });
    } finally {
      // Not kept open between passes: an idle account holds only its sync, user and IDLE connections.
      await conns.release('background');
    }
  }

  private async pass(mailboxes: MailboxRow[]): Promise<void> {
    const { ctx } = this.o;
    const now = this.o.now();
    let fetched = 0;
    const offline = this.o.offline?.() ?? null;
    for (const mb of offline ? mailboxes : []) {
      if (!ctx.alive()) return;
      fetched += await this.folder(mb, () => fetchBodies(this.bctx, mb, now - offline!.windowMs, offline!.maxMessageBytes));
    }
    const text = this.o.searchText;
    for (const mb of text ? mailboxes : []) {
      if (!ctx.alive()) return;
      fetched += await this.folder(mb, () => fetchSearchText(this.bctx, mb, { since: now - text!.windowMs, maxSize: text!.maxBytes }));
    }
    // The status bar's "Downloading…" ends with this.
    if (fetched > 0 && ctx.alive()) ctx.events.emit('sync.progress', { accountId: ctx.accountId, phase: 'done', mailbox: null, done: 0, total: 0 });
  }

  /** One folder's fetch: a folder gone since the sync is skipped; a lost connection (or closing) ends the pass. */
  private async folder(mb: MailboxRow, fetch: () => Promise<number>): Promise<number> {
    const { ctx, conns } = this.o;
    try {
      return await fetch();
    } catch (e) {
      if (!ctx.alive() || !conns.usable('background')) throw e;
      ctx.log.info('background fetch skipped a folder', { accountId: ctx.accountId, mailbox: mb.path, message: (e as Error).message });
      return 0;
    }
  }
}

/** Downloads bodies of recent, not too large messages for offline reading, newest first; returns how many. */
export async function fetchBodies(
  ctx: BackgroundContext,
  mb: MailboxRow,
  since: number,
  maxMessageBytes: number = syncLimits.offlineMaxMessageBytes,
): Promise<number> {
  const { cache, bodies, accountId, events } = ctx;
  const total = cache.messages.bodiesWantedCount(mb.id, since, maxMessageBytes);
  const pages: WantedPages<Wanted> = (after, limit) => cache.messages.bodiesWanted(mb.id, since, maxMessageBytes, limit, after);
  // Batches are written (in the store's writer thread) while the next ones download, at most
  // syncLimits.bodyWritesInFlight of them: the download does not stall on one slow commit, and
  // memory stays bounded. A message counts as kept once its batch is committed.
  const writing: Promise<void>[] = [];
  let done: number;
  try {
    done = await ctx.eachBatch('bodies', mb, pages, {
      fetch: async (client, batch) => {
        const byUid = new Map(batch.map((w) => [w.uid, w.id]));
        // Kept in memory until the batch is in (at most syncLimits.backgroundBatchBytes), then written in one transaction.
        const fetched: Array<[number, Buffer]> = [];
        for await (const m of client.fetch(
          batch.map((w) => w.uid),
          { uid: true, source: true },
          { uid: true },
        )) {
          const id = byUid.get(m.uid);
          if (id !== undefined && m.source) fetched.push([id, m.source]);
        }
        while (writing.length >= syncLimits.bodyWritesInFlight) await writing.shift();
        return fetched;
      },
      store: (fetched, batch) => {
        const ids = fetched.map(([id]) => id);
        const write = bodies.writeMany(fetched, true).then(() => cache.messages.setBodiesCached(ids));
        // Looked at when its turn comes or at the end; until then a failure is not "unhandled".
        write.catch(() => {});
        writing.push(write);
        return batch.length;
      },
      progress: (n) => events.emit('sync.progress', { accountId, phase: 'bodies', mailbox: mb.path, done: n, total }),
    });
  } catch (e) {
    // The batches being written still count if they commit; the pass ends with the first error.
    await Promise.allSettled(writing);
    throw e;
  }
  await Promise.all(writing);
  return done;
}
