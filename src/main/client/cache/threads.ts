// Conversations in main's cache: every Message-ID a message names joins one thread (a
// `thread_refs` row per account and Message-ID), merged incrementally as mail arrives.
import { baseSubject, isReplySubject } from '../../../shared/threads.ts';
import type { CacheDb } from './cache-db.ts';
import type { MessageInput } from './messages.ts';

/**
 * Puts a new message into a conversation (JWZ-style, incrementally): every Message-ID it names
 * (its own, In-Reply-To, References) joins one thread; if those IDs were in different threads,
 * the threads merge. Only a message with no reference headers at all may join by subject.
 * Runs inside the transaction that stored the message (merging moves other rows' seq).
 */
export function assignThread(cache: CacheDb, rowId: number, m: MessageInput): void {
  const ids = [...new Set([m.messageId, ...(m.parentIds ?? [])].filter((x): x is string => !!x))];
  const found = new Set<number>();
  const lookup = cache.prepared('SELECT thread_id FROM thread_refs WHERE account_id=? AND msgid=?');
  for (const id of ids) {
    const r = lookup.get(m.accountId, id) as { thread_id: number } | undefined;
    if (r) found.add(r.thread_id);
  }
  if (found.size === 0 && (m.parentIds ?? []).length === 0 && isReplySubject(m.subject)) {
    const base = baseSubject(m.subject);
    const r = cache.db
      .prepare(`SELECT thread_id, subject FROM messages WHERE account_id=? AND id<>? AND date BETWEEN ? AND ? ORDER BY date DESC LIMIT 200`)
      .all(m.accountId, rowId, m.date - 60 * 86_400_000, m.date + 86_400_000) as { thread_id: number; subject: string }[];
    const hit = r.find((x) => x.thread_id !== 0 && baseSubject(x.subject) === base);
    if (hit) found.add(hit.thread_id);
  }
  const thread = found.size ? Math.min(...found) : rowId;
  for (const other of found) {
    if (other === thread) continue;
    cache.prepared('UPDATE messages SET thread_id=?, seq=? WHERE thread_id=?').run(thread, cache.nextSeq(), other);
    cache.prepared('UPDATE thread_refs SET thread_id=? WHERE thread_id=?').run(thread, other);
  }
  const ins = cache.prepared('INSERT INTO thread_refs (account_id, msgid, thread_id) VALUES (?,?,?) ON CONFLICT DO UPDATE SET thread_id=excluded.thread_id');
  for (const id of ids) ins.run(m.accountId, id, thread);
  cache.prepared('UPDATE messages SET thread_id=? WHERE id=?').run(thread, rowId);
}
