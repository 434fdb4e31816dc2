// The folders table of main's cache: what the folder list shows (journaled), plus the server
// state each folder was last synced at (UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ; not journaled).
import type { Mailbox, SpecialUse } from '../../../shared/api.ts';
import type { CacheDb } from './cache-db.ts';

export interface MailboxRow extends Mailbox {
  uidValidity: number | null;
  uidNext: number | null;
  highestModseq: string | null;
}

export interface MailboxSyncState {
  uidValidity: number | null;
  uidNext: number | null;
  highestModseq: string | null;
}

export class Mailboxes {
  private readonly c: CacheDb;

  constructor(cache: CacheDb) {
    this.c = cache;
  }

  /** Adds a folder or updates what the list shows of it; a folder that did not change is left alone (no journal change). */
  upsert(m: Omit<Mailbox, 'id'> & { uidValidity?: number | null; uidNext?: number | null }): Mailbox {
    const now = this.c
      .prepared('SELECT id, name, delimiter, parent_path, special_use, subscribed, total, unseen FROM mailboxes WHERE account_id=? AND path=?')
      .get(m.accountId, m.path) as
      | {
          id: number;
          name: string;
          delimiter: string | null;
          parent_path: string | null;
          special_use: string | null;
          subscribed: number;
          total: number;
          unseen: number;
        }
      | undefined;
    if (
      now &&
      now.name === m.name &&
      now.delimiter === m.delimiter &&
      now.parent_path === m.parentPath &&
      now.special_use === m.specialUse &&
      now.subscribed === (m.subscribed ? 1 : 0) &&
      now.total === m.total &&
      now.unseen === m.unseen
    )
      return { ...m, id: now.id };
    return this.c.transaction(() => {
      const seq = this.c.nextSeq();
      const row = this.c
        .prepared(
          `INSERT INTO mailboxes (account_id, path, name, delimiter, parent_path, special_use, subscribed, total, unseen, seq)
           VALUES (?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT (account_id, path) DO UPDATE SET name=excluded.name, delimiter=excluded.delimiter, parent_path=excluded.parent_path,
             special_use=excluded.special_use, subscribed=excluded.subscribed, total=excluded.total, unseen=excluded.unseen, seq=excluded.seq
           RETURNING id`,
        )
        .get(m.accountId, m.path, m.name, m.delimiter, m.parentPath, m.specialUse, m.subscribed ? 1 : 0, m.total, m.unseen, seq) as { id: number };
      return { ...m, id: row.id };
    });
  }

  get(id: number): MailboxRow | null {
    const r = this.c.prepared('SELECT * FROM mailboxes WHERE id=?').get(id) as Record<string, unknown> | undefined;
    return r ? rowToMailbox(r) : null;
  }

  /** Every account's folders. */
  all(): MailboxRow[] {
    return (this.c.prepared('SELECT * FROM mailboxes ORDER BY account_id, path').all() as Record<string, unknown>[]).map(rowToMailbox);
  }

  list(accountId: string): MailboxRow[] {
    return (this.c.prepared('SELECT * FROM mailboxes WHERE account_id=? ORDER BY path').all(accountId) as Record<string, unknown>[]).map(rowToMailbox);
  }

  /** Records the server state a folder was last synced at; not a user-visible change. */
  setSyncState(id: number, s: MailboxSyncState): void {
    this.c.prepared('UPDATE mailboxes SET uid_validity=?, uid_next=?, highest_modseq=? WHERE id=?').run(s.uidValidity, s.uidNext, s.highestModseq, id);
  }

  /** Recounts a folder's total and unread from the cached messages; a journal change only if they moved. */
  updateCounts(id: number): void {
    this.c.transaction(() => {
      const r = this.c.db
        .prepare(`SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN flags LIKE '%"\\\\Seen"%' THEN 0 ELSE 1 END), 0) AS unseen FROM messages WHERE mailbox_id=?`)
        .get(id) as { total: number; unseen: number };
      this.c.db
        .prepare('UPDATE mailboxes SET total=?, unseen=?, seq=? WHERE id=? AND (total<>? OR unseen<>?)')
        .run(r.total, r.unseen, this.c.nextSeq(), id, r.total, r.unseen);
    });
  }

  /**
   * A folder (and its subfolders) renamed on the server: same rows, same messages, new paths.
   * Pending ops that target the folder follow it in the same transaction (PendingOps.followRename).
   */
  renameTree(accountId: string, oldPath: string, newPath: string, delimiter: string): void {
    this.c.transaction(() => {
      for (const mb of this.list(accountId)) {
        if (mb.path !== oldPath && !mb.path.startsWith(oldPath + delimiter)) continue;
        const path = newPath + mb.path.slice(oldPath.length);
        const parentPath =
          mb.parentPath && (mb.parentPath === oldPath || mb.parentPath.startsWith(oldPath + delimiter))
            ? newPath + mb.parentPath.slice(oldPath.length)
            : mb.parentPath;
        const name = path.split(delimiter).pop() ?? path;
        this.c.prepared('UPDATE mailboxes SET path=?, parent_path=?, name=?, seq=? WHERE id=?').run(path, parentPath, name, this.c.nextSeq(), mb.id);
      }
    });
  }

  /** Removes a folder with its messages. */
  remove(id: number): void {
    this.c.transaction(() => {
      // Message tombstones are implied by the mailbox tombstone; the renderer drops children with it.
      this.c.prepared('DELETE FROM messages WHERE mailbox_id=?').run(id);
      this.c.prepared('DELETE FROM mailboxes WHERE id=?').run(id);
      this.c.tombstone('mailbox', id);
    });
  }
}

/** A folder as the UI sees it. */
export function rowToMailboxPublic(r: Record<string, unknown>): Mailbox {
  return {
    id: Number(r.id),
    accountId: r.account_id as string,
    path: r.path as string,
    name: r.name as string,
    delimiter: (r.delimiter as string | null) ?? null,
    parentPath: (r.parent_path as string | null) ?? null,
    specialUse: (r.special_use as SpecialUse | null) ?? null,
    subscribed: Boolean(r.subscribed),
    total: Number(r.total),
    unseen: Number(r.unseen),
  };
}

function rowToMailbox(r: Record<string, unknown>): MailboxRow {
  return {
    ...rowToMailboxPublic(r),
    uidValidity: r.uid_validity == null ? null : Number(r.uid_validity),
    uidNext: r.uid_next == null ? null : Number(r.uid_next),
    highestModseq: (r.highest_modseq as string | null) ?? null,
  };
}
