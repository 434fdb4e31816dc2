// Puts message bodies into the search index in the background: whenever the cache says there is
// work (a new message, a body downloaded, a rebuild), it indexes summaries that lack a document,
// then bodies that wait, newest first, in small batches (searchLimits) with a turn of the event
// loop between batches, so main never stalls on a mailbox of 100,000 messages.
import type { Address } from '../../../shared/api.ts';
import type { Logger } from '../../base/log.ts';
import { searchLimits } from '../../base/limits.ts';
import { nextTurn } from '../../base/event-loop.ts';
import { messageText } from '../../mail/message-text.ts';
import type { CacheDb } from './cache-db.ts';

export interface BodyIndexerDeps {
  cache: CacheDb;
  /** The raw message if it is kept on this computer, else null; never goes to the network. */
  localSource: (messageId: number) => Promise<Buffer | null>;
  log: Logger;
  /**
   * Marks at most `limit` waiting bodies absent that `localSource` would not find, without reading
   * them (SearchIndex.markAbsentWithoutCopy); returns how many. Without it, each is looked for.
   */
  markAbsent?: (limit: number) => number;
  /**
   * Resolves when no account is downloading bodies. Bodies are indexed after a download rather
   * than beside it: the same work, but a first sync of 10,000 messages took 17.5 s instead of
   * 5.7 s with both on main's one thread (bench/imap-sync.ts), and the index was not done sooner.
   */
  downloading?: () => Promise<void>;
  /** Told after each batch how many messages it held (tests check the batching). */
  onBatch?: (kind: 'summaries' | 'bodies', count: number) => void;
}

interface BodyText {
  id: number;
  text: string | null;
  filenames: string[];
}

export class BodyIndexer {
  private readonly d: BodyIndexerDeps;
  private running: Promise<void> | null = null;
  /** Work arrived while a pass was running: run another when it ends. */
  private again = false;
  private closed = false;
  private summaryCursor = 0;
  private readonly unsubscribe: () => void;

  constructor(deps: BodyIndexerDeps) {
    this.d = deps;
    this.unsubscribe = deps.cache.search.onWork(() => this.kick());
  }

  /** Starts a pass unless one runs (then another follows it). */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await nextTurn();
          await this.pass();
        } while (this.again && !this.closed);
      } catch (e) {
        // The cache closing under a pass ends it; anything else is worth a line in the log.
        if (!this.closed) this.d.log.warn('search indexing stopped', { error: String(e) });
      } finally {
        this.running = null;
      }
    })();
  }

  /** Resolves when no indexing runs (tests, and the rebuild API, wait on it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
  }

  private async pass(): Promise<void> {
    const search = this.d.cache.search;
    if (!search.summariesComplete()) {
      this.summaryCursor = 0;
      for (;;) {
        if (this.closed) return;
        const rows = search.unindexedSummaries(this.summaryCursor, searchLimits.headerBatch);
        if (rows.length === 0) break;
        this.d.cache.transaction(() => {
          search.indexSummaries(
            rows.map((r) => {
              const addrs = JSON.parse(r.addrs) as { from: Address[]; to: Address[]; cc: Address[] };
              return { messageId: r.id, summary: { subject: r.subject, date: r.date, ...addrs } };
            }),
          );
        });
        this.summaryCursor = rows[rows.length - 1]!.id;
        this.d.onBatch?.('summaries', rows.length);
        await nextTurn();
      }
      search.setSummariesComplete(true);
    }
    // Bodies that cannot be local, in large cheap steps (a turn of the event loop between them).
    while (this.d.markAbsent && !this.closed && this.d.markAbsent(searchLimits.absentBatch) > 0) await nextTurn();
    for (;;) {
      await this.d.downloading?.();
      if (this.closed) return;
      const batch = search.pendingBodies(searchLimits.bodyBatch);
      if (batch.length === 0) return;
      const done: BodyText[] = [];
      let bytes = 0;
      for (const m of batch) {
        if (done.length > 0 && bytes + m.size > searchLimits.bodyBatchBytes) break;
        bytes += m.size;
        done.push(await this.read(m.id));
      }
      if (this.closed) return;
      this.d.cache.transaction(() => {
        for (const b of done) if (b.text === null) search.markBodyAbsent(b.id);
        search.indexBodies(done.flatMap((b) => (b.text === null ? [] : [{ messageId: b.id, body: b.text, filenames: b.filenames }])));
      });
      this.d.onBatch?.('bodies', done.length);
      await nextTurn();
    }
  }

  private async read(id: number): Promise<BodyText> {
    let source: Buffer | null;
    try {
      source = await this.d.localSource(id);
    } catch {
      source = null;
    }
    if (!source) return { id, text: null, filenames: [] };
    try {
      return { id, ...messageText(source, searchLimits.bodyTextChars) };
    } catch (e) {
      this.d.log.warn('search: a message body could not be read', { messageId: id, error: String(e) });
      return { id, text: null, filenames: [] };
    }
  }
}
