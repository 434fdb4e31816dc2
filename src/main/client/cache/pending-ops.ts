// Actions made in the UI that have not reached the IMAP server yet (cache table `ops`): the
// cache already shows them; client/imap/op-replay.ts sends them, oldest first, exactly once.
// They survive restarts; the caller adds them in a durable() transaction (fsync).
import type { CacheDb } from './cache-db.ts';

/** An action made in the UI, waiting to reach the server (survives restarts). */
export interface PendingOp {
  id: number;
  accountId: string;
  kind: 'flags' | 'move' | 'copy' | 'expunge';
  mailboxId: number;
  /** The folder's UIDVALIDITY when the op was made: a different one means the UIDs are void. */
  uidValidity: number | null;
  uids: number[];
  payload: { add?: string[]; remove?: string[]; targetPath?: string; messageIds?: (string | null)[] };
  attempts: number;
}

/** An op as queued: the queue numbers it and counts its attempts. */
export type NewPendingOp = Omit<PendingOp, 'id' | 'attempts'>;

export class PendingOps {
  private readonly c: CacheDb;

  constructor(cache: CacheDb) {
    this.c = cache;
  }

  add(op: NewPendingOp): number {
    const r = this.c.db
      .prepare('INSERT INTO ops (account_id, kind, mailbox_id, uid_validity, uids, payload, created) VALUES (?,?,?,?,?,?,?) RETURNING id')
      .get(op.accountId, op.kind, op.mailboxId, op.uidValidity, JSON.stringify(op.uids), JSON.stringify(op.payload), Date.now()) as { id: number };
    return r.id;
  }

  /** The account's ops, oldest first. */
  list(accountId: string): PendingOp[] {
    return (this.c.prepared('SELECT * FROM ops WHERE account_id=? ORDER BY id').all(accountId) as Record<string, unknown>[]).map((r) => ({
      id: Number(r.id),
      accountId: r.account_id as string,
      kind: r.kind as PendingOp['kind'],
      mailboxId: Number(r.mailbox_id),
      uidValidity: r.uid_validity == null ? null : Number(r.uid_validity),
      uids: JSON.parse(r.uids as string) as number[],
      payload: JSON.parse(r.payload as string) as PendingOp['payload'],
      attempts: Number(r.attempts),
    }));
  }

  markAttempt(id: number): void {
    this.c.prepared('UPDATE ops SET attempts=attempts+1 WHERE id=?').run(id);
  }

  /** Narrows an op to some of its UIDs (an undo took the others back before they were sent); none left removes it. */
  keepUids(id: number, uids: number[]): void {
    if (uids.length === 0) this.remove(id);
    else this.c.prepared('UPDATE ops SET uids=? WHERE id=?').run(JSON.stringify(uids), id);
  }

  remove(id: number): void {
    this.c.prepared('DELETE FROM ops WHERE id=?').run(id);
  }

  /** UIDs of a folder that have an operation waiting: a sync must not undo what the user just did. */
  pendingUids(mailboxId: number): Set<number> {
    const out = new Set<number>();
    for (const r of this.c.prepared('SELECT uids FROM ops WHERE mailbox_id=?').all(mailboxId) as { uids: string }[])
      for (const uid of JSON.parse(r.uids) as number[]) out.add(uid);
    return out;
  }

  count(accountId: string): number {
    return (this.c.prepared('SELECT COUNT(*) AS n FROM ops WHERE account_id=?').get(accountId) as { n: number }).n;
  }

  /** A folder (and its subfolders) was renamed: ops that target the old path follow the folder. */
  followRename(accountId: string, oldPath: string, newPath: string, delimiter: string): void {
    this.c.transaction(() => {
      for (const op of this.c.prepared("SELECT id, payload FROM ops WHERE account_id=? AND payload LIKE '%targetPath%'").all(accountId) as {
        id: number;
        payload: string;
      }[]) {
        const p = JSON.parse(op.payload) as { targetPath?: string };
        if (p.targetPath && (p.targetPath === oldPath || p.targetPath.startsWith(oldPath + delimiter))) {
          p.targetPath = newPath + p.targetPath.slice(oldPath.length);
          this.c.prepared('UPDATE ops SET payload=? WHERE id=?').run(JSON.stringify(p), op.id);
        }
      }
    });
  }
}
