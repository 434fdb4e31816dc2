// Undo for move, archive and delete (to Trash). An action is recorded before it runs: for each
// folder it takes messages from, where they went and how to know them there. Main's cache drops
// moved messages at once and the target folder learns their new UIDs only from the server, so
// undoing first lets the account send what is pending (which syncs the target), then finds the
// messages in the target among the UIDs it gave out since the action (from the target's UIDNEXT
// then, RFC 3501 2.3.1.1) by Message-ID (or date and subject when there is none), and moves
// them back: an ordinary move, queued and replayed like any other. When the server cannot be
// reached, a move still waiting in the queue is taken out of it and the messages are cached
// where they were again: nothing of it ever reaches the server.
import { randomUUID } from 'node:crypto';
import type { MessageSummary } from '../../shared/api.ts';
import { HearthError } from '../../shared/errors.ts';
import { undoLimits } from '../base/limits.ts';
import type { CacheDb } from './cache/cache-db.ts';
import type { MailboxRow } from './cache/mailboxes.ts';
import type { MessageInput } from './cache/messages.ts';
import { PendingOps } from './cache/pending-ops.ts';

/** One folder's part of an action: its messages went from `sourceMailboxId` to `targetMailboxId`. */
interface UndoEntry {
  accountId: string;
  sourceMailboxId: number;
  targetMailboxId: number;
  /** The target's UIDNEXT as cached before the action: the moved messages got UIDs from here on. */
  targetUidNext: number | null;
  targetPath: string;
  keys: string[];
  /** The messages as cached before (with their UIDs in the source): restored when the move never left. */
  rows: MessageInput[];
}

/** What undoing needs from the account that holds the messages. */
export interface UndoAccount {
  flush(): Promise<void>;
  move(messageIds: number[], target: MailboxRow): void;
}

/** How a message is known again in another folder: its Message-ID, else its date and subject. */
export function undoKey(m: Pick<MessageSummary, 'messageId' | 'date' | 'subject'>): string {
  return m.messageId ? `id:${m.messageId}` : `ds:${m.date}:${m.subject}`;
}

export class UndoLog {
  private readonly entries = new Map<string, UndoEntry[]>();
  private readonly cache: CacheDb;

  constructor(cache: CacheDb) {
    this.cache = cache;
  }

  /**
   * Records moving `messageIds` to `target` (one account's messages); returns the undo token, or
   * null when nothing would move (all already there).
   */
  record(messageIds: number[], target: MailboxRow): string | null {
    const bySource = new Map<number, UndoEntry>();
    for (const m of this.cache.messages.snapshot(messageIds)) {
      if (m.mailboxId === target.id) continue;
      let e = bySource.get(m.mailboxId);
      if (!e) {
        e = {
          accountId: m.accountId,
          sourceMailboxId: m.mailboxId,
          targetMailboxId: target.id,
          targetUidNext: target.uidNext,
          targetPath: target.path,
          keys: [],
          rows: [],
        };
        bySource.set(m.mailboxId, e);
      }
      e.keys.push(undoKey(m));
      e.rows.push(m);
    }
    if (bySource.size === 0) return null;
    const token = randomUUID();
    this.entries.set(token, [...bySource.values()]);
    // Only the latest actions can be undone; the oldest go first.
    for (const old of this.entries.keys()) {
      if (this.entries.size <= undoLimits.maxActions) break;
      this.entries.delete(old);
    }
    return token;
  }

  /** Puts the messages of the action back where they were; resolves with how many went back. */
  async undo(token: string, account: (accountId: string) => UndoAccount): Promise<number> {
    const entries = this.entries.get(token);
    if (!entries) throw new HearthError('NOT_FOUND', 'That action can no longer be undone', { field: 'token' });
    this.entries.delete(token);
    let restored = 0;
    for (const e of entries) {
      const source = this.cache.mailboxes.get(e.sourceMailboxId);
      if (!source) continue;
      const a = account(e.accountId);
      // Pending ops reach the server (and the target is synced) before the messages are looked for there.
      try {
        await a.flush();
      } catch (err) {
        // Unreachable: what is still queued is taken back here; what already went needs the server.
        const back = this.takeBackQueued(e, source);
        if (back < e.rows.length && restored + back === 0) throw err;
        restored += back;
        continue;
      }
      const ids = this.find(e);
      if (ids.length === 0) continue;
      a.move(ids, source);
      restored += ids.length;
    }
    for (const accountId of new Set(entries.map((e) => e.accountId))) await account(accountId).flush();
    return restored;
  }

  /** Takes the entry's messages out of the queued move that has not reached the server yet, and caches them in the source again. */
  private takeBackQueued(e: UndoEntry, source: MailboxRow): number {
    const ops = new PendingOps(this.cache);
    const uids = new Set(e.rows.map((r) => r.uid));
    const taken = new Set<number>();
    this.cache.durable(() => {
      for (const op of ops.list(e.accountId)) {
        if (op.kind !== 'move' || op.mailboxId !== e.sourceMailboxId || op.payload.targetPath !== e.targetPath) continue;
        const mine = op.uids.filter((u) => uids.has(u) && !taken.has(u));
        if (mine.length === 0) continue;
        for (const u of mine) taken.add(u);
        ops.keepUids(
          op.id,
          op.uids.filter((u) => !mine.includes(u)),
        );
      }
      this.cache.messages.upsert(e.rows.filter((r) => taken.has(r.uid)));
      this.cache.mailboxes.updateCounts(source.id);
    });
    return taken.size;
  }

  /** The moved messages in the target: the newest UIDs matching each key, as many as went there. */
  private find(e: UndoEntry): number[] {
    const wanted = new Map<string, number>();
    for (const k of e.keys) wanted.set(k, (wanted.get(k) ?? 0) + 1);
    const out: number[] = [];
    for (const m of this.cache.messages.inMailboxFromUid(e.targetMailboxId, e.targetUidNext ?? 0)) {
      const k = undoKey(m);
      const n = wanted.get(k) ?? 0;
      if (n === 0) continue;
      wanted.set(k, n - 1);
      out.push(m.id);
    }
    return out;
  }
}
