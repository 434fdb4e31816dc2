// The message summaries of main's cache (journaled): what the message list, search and the
// conversation view show, keyed by (folder, UID), plus whether each body is kept offline.
import type { MessageSummary } from '../../../shared/api.ts';
import { orderIds, type ListOrder, type ListView } from '../../../shared/list-order.ts';
import type { CacheDb } from './cache-db.ts';
import { Contacts } from './contacts.ts';
import { assignThread } from './threads.ts';

export type MessageInput = Omit<MessageSummary, 'id' | 'threadId'> & {
  /** Message-IDs from In-Reply-To and References, oldest first, for threading. */
  parentIds?: string[];
  /** Attachment file names from the structure, for `filename:` search before the body is downloaded. */
  attachmentNames?: string[];
};

/** A cached message as a folder diff needs it. */
export interface CachedUid {
  id: number;
  flags: string[];
}

export class Messages {
  private readonly c: CacheDb;
  private readonly contacts: Contacts;

  constructor(cache: CacheDb) {
    this.c = cache;
    this.contacts = new Contacts(cache);
  }

  /** Stores new or changed summaries, and their search documents, in one transaction; returns their row ids, in order. */
  upsert(list: MessageInput[]): number[] {
    if (list.length === 0) return [];
    const ids = this.c.transaction(() => {
      const stmt = this.c.prepared(
        `INSERT INTO messages (account_id, mailbox_id, uid, message_id, subject, addrs, date, flags, size, snippet, has_attachments, parent_ids, seq)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
         ON CONFLICT (mailbox_id, uid) DO UPDATE SET message_id=excluded.message_id, subject=excluded.subject, addrs=excluded.addrs,
           date=excluded.date, flags=excluded.flags, size=excluded.size,
           snippet=CASE WHEN excluded.snippet <> '' THEN excluded.snippet ELSE messages.snippet END,
           has_attachments=excluded.has_attachments, parent_ids=excluded.parent_ids, seq=excluded.seq
         RETURNING id, thread_id`,
      );
      // The search documents are written after all the rows, in one go (SearchIndex.indexSummaries);
      // a message listed twice gets the document of its last version.
      const docs = new Map<number, { summary: MessageInput; isNew: boolean }>();
      const rowIds = list.map((m) => {
        const addrs = JSON.stringify({ from: m.from, to: m.to, cc: m.cc });
        const r = stmt.get(
          m.accountId,
          m.mailboxId,
          m.uid,
          m.messageId,
          m.subject,
          addrs,
          m.date,
          JSON.stringify(m.flags),
          m.size,
          m.snippet,
          m.hasAttachments ? 1 : 0,
          JSON.stringify(m.parentIds ?? []),
          this.c.nextSeq(),
        ) as { id: number; thread_id: number };
        const isNew = r.thread_id === 0;
        if (isNew) {
          assignThread(this.c, r.id, m);
          // Senders of mail one receives are people one may write to.
          this.contacts.observe(m.from, 1, m.date);
        }
        docs.set(r.id, { summary: m, isNew: docs.get(r.id)?.isNew ?? isNew });
        return r.id;
      });
      this.c.search.indexSummaries([...docs].map(([messageId, d]) => ({ messageId, ...d })));
      return rowIds;
    });
    this.c.search.noteWork();
    return ids;
  }

  /** Sets the list snippets of a folder's messages by UID (fetched after their summaries), in one transaction. */
  setSnippets(mailboxId: number, snippets: Map<number, string>): void {
    if (snippets.size === 0) return;
    this.c.transaction(() => {
      const stmt = this.c.prepared('UPDATE messages SET snippet=?, seq=? WHERE mailbox_id=? AND uid=?');
      for (const [uid, snippet] of snippets) stmt.run(snippet, this.c.nextSeq(), mailboxId, uid);
    });
  }

  get(id: number): MessageSummary | null {
    const r = this.c.prepared('SELECT * FROM messages WHERE id=?').get(id) as Record<string, unknown> | undefined;
    return r ? rowToMessage(r) : null;
  }

  /** A page of a folder, newest first, with the folder's total. */
  page(mailboxId: number, offset: number, limit: number): { total: number; messages: MessageSummary[] } {
    const total = (this.c.prepared('SELECT COUNT(*) AS n FROM messages WHERE mailbox_id=?').get(mailboxId) as { n: number }).n;
    const rows = this.c.db
      .prepare('SELECT * FROM messages WHERE mailbox_id=? ORDER BY date DESC, uid DESC LIMIT ? OFFSET ?')
      .all(mailboxId, limit, offset) as Record<string, unknown>[];
    return { total, messages: rows.map(rowToMessage) };
  }

  /** One cached message of a folder by UID (id and flags), or null. */
  byUid(mailboxId: number, uid: number): CachedUid | null {
    const r = this.c.prepared('SELECT id, flags FROM messages WHERE mailbox_id=? AND uid=?').get(mailboxId, uid) as { id: number; flags: string } | undefined;
    return r ? { id: r.id, flags: JSON.parse(r.flags) as string[] } : null;
  }

  count(mailboxId: number): number {
    return (this.c.prepared('SELECT COUNT(*) AS n FROM messages WHERE mailbox_id=?').get(mailboxId) as { n: number }).n;
  }

  /** The highest message row id so far (0 when empty): where "new mail" starts counting. */
  newestId(): number {
    return (this.c.prepared('SELECT COALESCE(MAX(id), 0) AS n FROM messages').get() as { n: number }).n;
  }

  /** Unread messages in these folders with a row id above `afterId`, oldest first (the folders whose new mail is announced). */
  unreadInFoldersAfter(afterId: number, mailboxIds: readonly number[], limit: number): MessageSummary[] {
    if (mailboxIds.length === 0) return [];
    const rows = this.c
      .prepared(
        `SELECT m.* FROM messages m WHERE m.id > ? AND m.mailbox_id IN (SELECT value FROM json_each(?))
         AND m.flags NOT LIKE '%"\\\\Seen"%' ORDER BY m.id LIMIT ?`,
      )
      .all(afterId, JSON.stringify(mailboxIds), limit) as Record<string, unknown>[];
    return rows.map(rowToMessage);
  }

  /** Unread messages in all inboxes: the tray's count. */
  unreadInInboxes(): number {
    return (this.c.prepared(`SELECT COALESCE(SUM(unseen), 0) AS n FROM mailboxes WHERE special_use = 'inbox'`).get() as { n: number }).n;
  }

  /** The messages as they would be cached again (threading parents too): what undo restores when their move never left. */
  snapshot(ids: number[]): MessageInput[] {
    const out: MessageInput[] = [];
    for (const id of ids) {
      const r = this.c.prepared('SELECT * FROM messages WHERE id=?').get(id) as Record<string, unknown> | undefined;
      if (!r) continue;
      const { id: _id, threadId: _t, ...m } = rowToMessage(r);
      out.push({ ...m, parentIds: JSON.parse((r.parent_ids as string | null) ?? '[]') as string[] });
    }
    return out;
  }

  /** A folder's messages with a UID of at least `minUid`, newest UID first (what arrived since then). */
  inMailboxFromUid(mailboxId: number, minUid: number): MessageSummary[] {
    const rows = this.c.prepared('SELECT * FROM messages WHERE mailbox_id=? AND uid>=? ORDER BY uid DESC').all(mailboxId, minUid) as Record<string, unknown>[];
    return rows.map(rowToMessage);
  }

  /** UIDs cached for a folder, for diffing against the server. */
  uids(mailboxId: number): Map<number, CachedUid> {
    const out = new Map<number, CachedUid>();
    for (const r of this.c.prepared('SELECT id, uid, flags FROM messages WHERE mailbox_id=?').all(mailboxId) as { id: number; uid: number; flags: string }[]) {
      out.set(r.uid, { id: r.id, flags: JSON.parse(r.flags) });
    }
    return out;
  }

  setFlags(id: number, flags: string[]): void {
    this.c.transaction(() => {
      this.c.prepared('UPDATE messages SET flags=?, seq=? WHERE id=?').run(JSON.stringify(flags), this.c.nextSeq(), id);
    });
  }

  remove(ids: number[]): void {
    if (ids.length === 0) return;
    this.c.transaction(() => {
      const del = this.c.prepared('DELETE FROM messages WHERE id=?');
      for (const id of ids) {
        del.run(id);
        this.c.tombstone('message', id);
      }
    });
  }

  /** Subject, addresses and snippet containing `query`, newest first. */
  search(q: { accountId?: string; mailboxId?: number; query: string; limit: number }): MessageSummary[] {
    const like = `%${q.query.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    const where = ["(subject LIKE ?1 ESCAPE '\\' OR addrs LIKE ?1 ESCAPE '\\' OR snippet LIKE ?1 ESCAPE '\\')"];
    const params: (string | number)[] = [like];
    if (q.accountId) {
      params.push(q.accountId);
      where.push(`account_id = ?${params.length}`);
    }
    if (q.mailboxId !== undefined) {
      params.push(q.mailboxId);
      where.push(`mailbox_id = ?${params.length}`);
    }
    params.push(q.limit);
    const sql = `SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY date DESC LIMIT ?${params.length}`;
    return (this.c.prepared(sql).all(...params) as Record<string, unknown>[]).map(rowToMessage);
  }

  /** Messages of one conversation, oldest first. */
  /**
   * The ids a list shows, in order (shared/list-order.ts): a folder, or a smart folder across every
   * account (inboxes; unread or flagged mail outside Trash and Junk, and unread outside Sent and Drafts).
   * SQLite sorts and picks each conversation's newest message, returning ids as arrays (100,000 rows
   * as objects cost several times the query); only the subject order, which ignores "Re:" and list
   * tags, is sorted here.
   */
  listIds(view: ListView, order: ListOrder): number[] {
    const where =
      'mailboxId' in view
        ? { sql: 'm.mailbox_id=?', args: [view.mailboxId] }
        : view.smart === 'inbox'
          ? { sql: "b.special_use='inbox'", args: [] }
          : view.smart === 'unread'
            ? {
                sql: "COALESCE(b.special_use,'') NOT IN ('trash','junk','sent','drafts') AND NOT EXISTS (SELECT 1 FROM json_each(m.flags) WHERE value='\\Seen')",
                args: [],
              }
            : { sql: "COALESCE(b.special_use,'') NOT IN ('trash','junk') AND EXISTS (SELECT 1 FROM json_each(m.flags) WHERE value='\\Flagged')", args: [] };
    const from = `FROM messages m JOIN mailboxes b ON b.id=m.mailbox_id WHERE ${where.sql}`;
    if (order.sortBy === 'subject') {
      const rows = this.arrays(`SELECT m.id, COALESCE(NULLIF(m.thread_id,0), m.id), m.date, m.size, m.subject ${from}`, where.args) as [
        number,
        number,
        number,
        number,
        string,
      ][];
      return orderIds(
        rows.map(([id, threadId, date, size, subject]) => ({ id, threadId, date, size, subject, sender: '' })),
        order,
      );
    }
    const dir = order.dir === 'asc' ? 'ASC' : 'DESC';
    const sender = "lower(trim(COALESCE(NULLIF(json_extract(m.addrs,'$.from[0].name'),''), json_extract(m.addrs,'$.from[0].address'), '')))";
    if (!order.group) {
      const key = order.sortBy === 'sender' ? sender : `m.${order.sortBy}`;
      return this.arrays(`SELECT m.id ${from} ORDER BY ${key} ${dir}, m.date ${dir}, m.id ${dir}`, where.args).map((r) => r[0] as number);
    }
    // One row per conversation: its newest message here, placed by its newest date, largest size or newest sender.
    const key = order.sortBy === 'size' ? 'tsize' : order.sortBy;
    return this.arrays(
      `SELECT id FROM (SELECT m.id AS id, m.date AS date, ${order.sortBy === 'sender' ? sender : "''"} AS sender,
         ROW_NUMBER() OVER (PARTITION BY COALESCE(NULLIF(m.thread_id,0), m.id) ORDER BY m.date DESC, m.id DESC) AS rn,
         MAX(m.size) OVER (PARTITION BY COALESCE(NULLIF(m.thread_id,0), m.id)) AS tsize ${from})
       WHERE rn=1 ORDER BY ${key} ${dir}, date ${dir}, id ${dir}`,
      where.args,
    ).map((r) => r[0] as number);
  }

  private arrays(sql: string, args: (string | number)[]): unknown[][] {
    const stmt = this.c.db.prepare(sql);
    stmt.setReturnArrays(true);
    return stmt.all(...args) as unknown as unknown[][];
  }

  inThread(threadId: number): MessageSummary[] {
    return (this.c.prepared('SELECT * FROM messages WHERE thread_id=? ORDER BY date, id').all(threadId) as Record<string, unknown>[]).map(rowToMessage);
  }

  // -------------------------------------------------------------------------------- bodies kept offline

  setBodyCached(id: number, cached: boolean): void {
    this.c.prepared('UPDATE messages SET body_cached=? WHERE id=?').run(cached ? 1 : 0, id);
    if (cached) this.c.search.noteWork();
  }

  /** Marks many messages' bodies as kept offline, in one transaction. */
  setBodiesCached(ids: number[]): void {
    if (ids.length === 0) return;
    this.c.transaction(() => {
      const stmt = this.c.prepared('UPDATE messages SET body_cached=1 WHERE id=?');
      for (const id of ids) stmt.run(id);
    });
    this.c.search.noteWork();
  }

  isBodyCached(id: number): boolean {
    const r = this.c.prepared('SELECT body_cached FROM messages WHERE id=?').get(id) as { body_cached: number } | undefined;
    return r?.body_cached === 1;
  }

  /**
   * Messages of a folder whose bodies should be kept offline: newer than `since`, at most `maxSize`,
   * newest first (then by id, the order of the folder's date index); a page of `limit` after `after`.
   */
  bodiesWanted(
    mailboxId: number,
    since: number,
    maxSize: number,
    limit: number,
    after: { date: number; id: number } | null = null,
  ): { id: number; uid: number; size: number; date: number }[] {
    const page = after ? 'AND (date < ? OR (date = ? AND id > ?))' : '';
    return this.c
      .prepared(`SELECT id, uid, size, date FROM messages WHERE mailbox_id=? AND body_cached=0 AND date>=? AND size<=? ${page} ORDER BY date DESC, id LIMIT ?`)
      .all(mailboxId, since, maxSize, ...(after ? [after.date, after.date, after.id] : []), limit) as { id: number; uid: number; size: number; date: number }[];
  }

  /** How many messages bodiesWanted lists in all (the progress total). */
  bodiesWantedCount(mailboxId: number, since: number, maxSize: number): number {
    return (
      this.c.prepared('SELECT COUNT(*) AS n FROM messages WHERE mailbox_id=? AND body_cached=0 AND date>=? AND size<=?').get(mailboxId, since, maxSize) as {
        n: number;
      }
    ).n;
  }
}

export function rowToMessage(r: Record<string, unknown>): MessageSummary {
  const addrs = JSON.parse(r.addrs as string) as Pick<MessageSummary, 'from' | 'to' | 'cc'>;
  return {
    id: Number(r.id),
    accountId: r.account_id as string,
    mailboxId: Number(r.mailbox_id),
    uid: Number(r.uid),
    messageId: (r.message_id as string | null) ?? null,
    subject: r.subject as string,
    from: addrs.from,
    to: addrs.to,
    cc: addrs.cc,
    date: Number(r.date),
    flags: JSON.parse(r.flags as string),
    size: Number(r.size),
    snippet: r.snippet as string,
    hasAttachments: Boolean(r.has_attachments),
    threadId: Number(r.thread_id ?? r.id),
  };
}
