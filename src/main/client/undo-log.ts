// Undo for move, archive and delete (to Trash). An action is recorded before it runs: for each
// folder it takes messages from, where they went and how to know them there. Main's cache drops
// moved messages at once and the target folder learns their new UIDs only from the server, so
// undoing first lets the account send what is pending (which syncs the target), then finds the
// messages in the target among the UIDs it gave out since the action (from the target's UIDNEXT
// then, RFC 3501 2.3.1.1) by Message-ID (or date and subject when there is none), and moves
// them back: an ordinary move, queued and replayed like any other.
import { randomUUID } from 'node:crypto';
import type { MessageSummary } from '../../shared/api.ts';
import { HearthError } from '../../shared/errors.ts';
import { undoLimits } from '../base/limits.ts';
import type { CacheDb } from './cache/cache-db.ts';
import type { MailboxRow } from './cache/mailboxes.ts';

/** One folder's part of an action: its messages went from `sourceMailboxId` to `targetMailboxId`. */
interface UndoEntry {
  accountId: string;
  sourceMailboxId: number;
  targetMailboxId: number;
  /** The target's UIDNEXT as cached before the action: the moved messages got UIDs from here on. */
  targetUidNext: number | null;
  keys: string[];
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
    for (const id of messageIds) {
      const m = this.cache.messages.get(id);
      if (!m || m.mailboxId === target.id) continue;
      let e = bySource.get(m.mailboxId);
      if (!e) {
        e = { accountId: m.accountId, sourceMailboxId: m.mailboxId, targetMailboxId: target.id, targetUidNext: target.uidNext, keys: [] };
        bySource.set(m.mailboxId, e);
      }
      e.keys.push(undoKey(m));
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
      await a.flush();
      const ids = this.find(e);
      if (ids.length === 0) continue;
      a.move(ids, source);
      restored += ids.length;
    }
    for (const accountId of new Set(entries.map((e) => e.accountId))) await account(accountId).flush();
    return restored;
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
