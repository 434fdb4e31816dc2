// The full-text index of main's cache: one FTS5 row per cached message with its sender,
// recipients, subject, body text and attachment names. Accents fold (unicode61 remove_diacritics 2);
// CJK runs are stored as bigrams (shared/search-tokens.ts), so Chinese and Japanese are searchable.
//
// The FTS rowid ("docid") is the message's date in seconds times 2^20 plus a tie-breaker, so
// walking matches by rowid from the top walks them newest first: a query takes the newest matches
// from FTS5's doclist order and stops at its LIMIT, instead of ranking every match (search.ts).
// The table is contentless (content='', contentless_delete=1): the text lives in the messages and
// body files, the index only holds tokens.
//
// Summaries are indexed in the transaction that stores them (Messages.upsert), deletions by a
// trigger (so folder and account removals, which cascade, leave the index too), and bodies later,
// in small batches, by body-indexer.ts.
import type { Address } from '../../../shared/api.ts';
import { indexableText } from '../../../shared/search-tokens.ts';
import type { CacheDb } from './cache-db.ts';

/** Where a message's body stands in the index. */
export const BodyState = {
  /** Not indexed yet: the body indexer will look for it. */
  pending: 0,
  indexed: 1,
  /** Not available locally (not downloaded, or unreadable); pending again when it is downloaded. */
  absent: 2,
} as const;

export const SEARCH_SCHEMA = `
  CREATE VIRTUAL TABLE search_fts USING fts5(sender, to_addrs, cc_addrs, subject, body, filenames,
    content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
  CREATE TABLE search_docs (docid INTEGER PRIMARY KEY, message_id INTEGER NOT NULL UNIQUE, body_state INTEGER NOT NULL DEFAULT 0);
  CREATE INDEX search_docs_pending ON search_docs (message_id) WHERE body_state = 0;
  CREATE TRIGGER messages_leave_search AFTER DELETE ON messages BEGIN
    DELETE FROM search_fts WHERE rowid IN (SELECT docid FROM search_docs WHERE message_id = old.id);
    DELETE FROM search_docs WHERE message_id = old.id;
  END;
  CREATE TRIGGER messages_body_arrived AFTER UPDATE OF body_cached ON messages WHEN new.body_cached = 1 AND old.body_cached = 0 BEGIN
    UPDATE search_docs SET body_state = 0 WHERE message_id = new.id AND body_state = ${BodyState.absent};
  END;`;

/** A message's flags as search_docs keeps them, so a search walks no message row for is:unread or is:flagged. */
export const DocFlag = { seen: 1, flagged: 2 } as const;

/** The DocFlag bits of a messages.flags value (a JSON array, so `"\\Seen"` in it) in SQL. */
export function docFlagsSql(flags: string): string {
  const has = (flag: string) => `(instr(${flags}, '${JSON.stringify(flag)}') > 0)`;
  return `(${has('\\Seen')} * ${DocFlag.seen} + ${has('\\Flagged')} * ${DocFlag.flagged})`;
}

/**
 * v5: search_docs.flags follows messages.flags. Added to an existing index (filled from the rows),
 * and kept by a trigger; documents get it when they are allocated.
 */
export const SEARCH_FLAGS_SCHEMA = `
  ALTER TABLE search_docs ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;
  UPDATE search_docs SET flags = (SELECT ${docFlagsSql('m.flags')} FROM messages m WHERE m.id = search_docs.message_id);
  CREATE TRIGGER messages_flags_to_search AFTER UPDATE OF flags ON messages WHEN old.flags IS NOT new.flags BEGIN
    UPDATE search_docs SET flags = ${docFlagsSql('new.flags')} WHERE message_id = new.id;
  END;`;

/** The header fields a document is made of. */
export interface IndexedSummary {
  subject: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  date: number;
  attachmentNames?: string[];
}

const TIE_BITS = 2 ** 20;
const MAX_SECONDS = 2 ** 42;

/** The docid range a date falls in (ms), for bounds on the rowid. */
export function docidOf(dateMs: number, tie = 0): number {
  const seconds = Math.min(MAX_SECONDS - 1, Math.max(0, Math.floor(dateMs / 1000)));
  return seconds * TIE_BITS + tie;
}

/** The date (ms, to the second) a docid stands for. */
export function dateOfDocid(docid: number): number {
  return Math.floor(docid / TIE_BITS) * 1000;
}

function addressText(list: Address[]): string {
  return indexableText(list.map((a) => `${a.name} ${a.address}`).join(', '));
}

export class SearchIndex {
  private readonly c: CacheDb;
  private readonly workListeners = new Set<() => void>();
  private unindexedFolders: Set<number> | null = null;

  constructor(cache: CacheDb) {
    this.c = cache;
  }

  /** Calls `listener` when there may be bodies or summaries to index (the body indexer's wake-up). */
  onWork(listener: () => void): () => void {
    this.workListeners.add(listener);
    return () => this.workListeners.delete(listener);
  }

  noteWork(): void {
    for (const l of this.workListeners) l();
  }

  /**
   * (Re)indexes a message's summary; its body, if it had one indexed, is indexed again later.
   * Inside a transaction. `isNew`: the row was just inserted, so it has no document to replace.
   */
  indexSummary(messageId: number, m: IndexedSummary, isNew = false): void {
    this.indexSummaries([{ messageId, summary: m, isNew }]);
  }

  /**
   * indexSummary for many messages (each at most once), inside a transaction. The documents'
   * bookkeeping rows are written first, then the FTS5 rows back to back: FTS5 holds the terms of
   * its inserts in memory until the transaction ends, but a write to another table between two
   * of them makes it flush what it holds into a segment of its own. Interleaved, storing a first
   * sync's 1,000-message batch cost about twice the CPU (10,000 summaries: 700-850 ms against 400-500).
   */
  indexSummaries(list: { messageId: number; summary: IndexedSummary; isNew?: boolean }[]): void {
    if (list.length === 0) return;
    this.unindexedFolders = null;
    const docids = list.map(({ messageId, summary, isNew }) => {
      if (!isNew) this.forget(messageId);
      return this.allocate(messageId, summary.date);
    });
    this.insertDocuments(list.map(({ summary: m }, i) => ({ docid: docids[i]!, ...m, body: '', filenames: m.attachmentNames ?? [] })));
  }

  /** Puts a message's body text and attachment names into its document (the summary's text is re-read from the row). */
  indexBody(messageId: number, body: string | null, filenames: string[]): void {
    this.indexBodies([{ messageId, body, filenames }]);
  }

  /**
   * indexBody for many messages (each at most once), inside a transaction: the bookkeeping rows
   * first, then the FTS5 rows back to back (see indexSummaries).
   */
  indexBodies(list: { messageId: number; body: string | null; filenames: string[] }[]): void {
    const read = this.c.prepared('SELECT subject, addrs, date FROM messages WHERE id=?');
    const docs: { docid: number; row: { subject: string; addrs: string }; body: string | null; filenames: string[] }[] = [];
    for (const { messageId, body, filenames } of list) {
      const row = read.get(messageId) as { subject: string; addrs: string; date: number } | undefined;
      if (!row) continue;
      this.unindexedFolders = null;
      this.forget(messageId);
      docs.push({ docid: this.allocate(messageId, row.date, body === null ? BodyState.absent : BodyState.indexed), row, body, filenames });
    }
    this.insertDocuments(
      docs.map(({ docid, row, body, filenames }) => ({
        docid,
        ...(JSON.parse(row.addrs) as { from: Address[]; to: Address[]; cc: Address[] }),
        subject: row.subject,
        body: body ?? '',
        filenames,
      })),
    );
  }

  /** The FTS5 rows of documents whose bookkeeping is written, back to back (see indexSummaries). */
  private insertDocuments(docs: { docid: number; from: Address[]; to: Address[]; cc: Address[]; subject: string; body: string; filenames: string[] }[]): void {
    const insert = this.c.prepared('INSERT INTO search_fts (rowid, sender, to_addrs, cc_addrs, subject, body, filenames) VALUES (?,?,?,?,?,?,?)');
    for (const d of docs)
      insert.run(
        d.docid,
        addressText(d.from),
        addressText(d.to),
        addressText(d.cc),
        indexableText(d.subject),
        indexableText(d.body),
        indexableText(d.filenames.join(' ')),
      );
  }

  /** Records that a message's body is not available locally (without touching its document). */
  markBodyAbsent(messageId: number): void {
    this.c.prepared('UPDATE search_docs SET body_state=? WHERE message_id=? AND body_state=?').run(BodyState.absent, messageId, BodyState.pending);
  }

  /**
   * Marks waiting bodies absent, in one statement, where no local copy can exist: messages of
   * accounts other than POP3 (whose bodies are all local) without an offline copy. At most `limit`
   * of them; returns how many. What the body indexer would conclude message by message, without
   * reading each one (a first sync adds thousands of such messages a second).
   */
  markAbsentWithoutCopy(limit: number): number {
    return Number(
      this.c
        .prepared(
          `UPDATE search_docs SET body_state = ${BodyState.absent} WHERE docid IN (
             SELECT d.docid FROM search_docs d JOIN messages m ON m.id = d.message_id JOIN accounts a ON a.id = m.account_id
             WHERE d.body_state = ${BodyState.pending} AND m.body_cached = 0 AND json_extract(a.config, '$.protocol') <> 'pop3' LIMIT ?)`,
        )
        .run(limit).changes,
    );
  }

  /** Messages whose body is waiting to be indexed, newest first. */
  pendingBodies(limit: number): { id: number; size: number }[] {
    return this.c
      .prepared(
        `SELECT d.message_id AS id, m.size AS size FROM search_docs d JOIN messages m ON m.id = d.message_id
         WHERE d.body_state = 0 ORDER BY d.docid DESC LIMIT ?`,
      )
      .all(limit) as { id: number; size: number }[];
  }

  /** Messages of a folder whose text the index lacks and that no offline copy will bring: newest first, within the limits. */
  textWanted(
    mailboxId: number,
    since: number,
    maxSize: number,
    limit: number,
    after: { date: number; id: number } | null = null,
  ): { id: number; uid: number; size: number; date: number }[] {
    const page = after ? 'AND (m.date < ? OR (m.date = ? AND m.id > ?))' : '';
    return this.c
      .prepared(
        `SELECT m.id, m.uid, m.size, m.date FROM messages m JOIN search_docs d ON d.message_id = m.id
         WHERE m.mailbox_id = ? AND m.body_cached = 0 AND d.body_state <> 1 AND m.date >= ? AND m.size <= ? ${page}
         ORDER BY m.date DESC, m.id LIMIT ?`,
      )
      .all(mailboxId, since, maxSize, ...(after ? [after.date, after.date, after.id] : []), limit) as { id: number; uid: number; size: number; date: number }[];
  }

  /** Messages after `afterId` that have no document (after a migration or a rebuild), by id. */
  unindexedSummaries(afterId: number, limit: number): { id: number; subject: string; addrs: string; date: number }[] {
    return this.c
      .prepared(
        `SELECT m.id, m.subject, m.addrs, m.date FROM messages m WHERE m.id > ?
         AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.message_id = m.id) ORDER BY m.id LIMIT ?`,
      )
      .all(afterId, limit) as { id: number; subject: string; addrs: string; date: number }[];
  }

  /** Whether some message of the folder has a body the index does not hold (then the server is asked too). */
  folderHasUnindexedBodies(mailboxId: number): boolean {
    return this.foldersWithUnindexedBodies().has(mailboxId);
  }

  /**
   * The folders with a message whose body the index does not hold, remembered until the index
   * changes (one pass over the cache, not one per search; a message deleted meanwhile may leave a
   * folder in it, which costs one needless server search).
   */
  foldersWithUnindexedBodies(): ReadonlySet<number> {
    // Every message has a document once the summaries are complete (they are indexed as they are
    // stored), so the narrow search_docs table is what is scanned; until then, every folder counts.
    const sql = this.summariesComplete()
      ? `SELECT DISTINCT mailbox_id AS id FROM messages WHERE id IN (SELECT message_id FROM search_docs WHERE body_state <> ${BodyState.indexed})`
      : 'SELECT DISTINCT mailbox_id AS id FROM messages';
    this.unindexedFolders ??= new Set((this.c.prepared(sql).all() as { id: number }[]).map((r) => r.id));
    return this.unindexedFolders;
  }

  /** Whether every summary has a document (false after a migration or a rebuild until the indexer has caught up). */
  summariesComplete(): boolean {
    const r = this.c.prepared("SELECT value FROM meta WHERE key='search_summaries'").get() as { value: string } | undefined;
    return r?.value === 'complete';
  }

  setSummariesComplete(complete: boolean): void {
    this.unindexedFolders = null;
    this.c.prepared("INSERT OR REPLACE INTO meta (key, value) VALUES ('search_summaries', ?)").run(complete ? 'complete' : 'building');
  }

  /** Empties the index; the body indexer then builds it again from the cache. */
  clear(): void {
    this.unindexedFolders = null;
    this.c.transaction(() => {
      this.c.prepared("INSERT INTO search_fts (search_fts) VALUES ('delete-all')").run();
      this.c.prepared('DELETE FROM search_docs').run();
      this.setSummariesComplete(false);
    });
    this.noteWork();
  }

  /** How far the index is: documents, bodies indexed, bodies waiting. */
  status(): { documents: number; bodiesIndexed: number; bodiesPending: number; messages: number } {
    const r = this.c
      .prepared(`SELECT COUNT(*) AS documents, COALESCE(SUM(body_state = 1), 0) AS indexed, COALESCE(SUM(body_state = 0), 0) AS pending FROM search_docs`)
      .get() as { documents: number; indexed: number; pending: number };
    const messages = (this.c.prepared('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
    return { documents: r.documents, bodiesIndexed: r.indexed, bodiesPending: r.pending, messages };
  }

  private forget(messageId: number): void {
    const old = this.c.prepared('SELECT docid FROM search_docs WHERE message_id=?').get(messageId) as { docid: number } | undefined;
    if (!old) return;
    this.c.prepared('DELETE FROM search_fts WHERE rowid=?').run(old.docid);
    this.c.prepared('DELETE FROM search_docs WHERE docid=?').run(old.docid);
  }

  /** A free docid for the date: ties (same second) are broken by the message id, probing past collisions. */
  private allocate(messageId: number, date: number, bodyState: number = BodyState.pending): number {
    const insert = this.c.prepared(
      `INSERT INTO search_docs (docid, message_id, body_state, flags) VALUES (?1, ?2, ?3, (SELECT ${docFlagsSql('flags')} FROM messages WHERE id = ?2))
       ON CONFLICT (docid) DO NOTHING`,
    );
    let tie = messageId % TIE_BITS;
    for (let i = 0; i < TIE_BITS; i++, tie = (tie + 1) % TIE_BITS) {
      const docid = docidOf(date, tie);
      if (Number(insert.run(docid, messageId, bodyState).changes) === 1) return docid;
    }
    throw new Error('search index: no free docid for this second');
  }
}
