// The POP3 download ledger of one account: which server messages (by UIDL, RFC 1939 section 7)
// were downloaded, when, under which local UID, and whether the user asked for their deletion
// from the server. Not journaled: the renderer sees the messages, not this.
import type { CacheDb } from './cache-db.ts';

export interface Pop3LedgerEntry {
  seenAt: number;
  localUid: number | null;
  deleteRequested: boolean;
}

export class Pop3Ledger {
  private readonly c: CacheDb;
  private readonly accountId: string;

  constructor(cache: CacheDb, accountId: string) {
    this.c = cache;
    this.accountId = accountId;
  }

  /** UIDLs already downloaded, with when and whether deletion from the server was asked for. */
  seen(): Map<string, Pop3LedgerEntry> {
    const out = new Map<string, Pop3LedgerEntry>();
    for (const r of this.c.prepared('SELECT uidl, seen_at, local_uid, delete_requested FROM pop3_uidl WHERE account_id=?').all(this.accountId) as {
      uidl: string;
      seen_at: number;
      local_uid: number | null;
      delete_requested: number;
    }[])
      out.set(r.uidl, { seenAt: r.seen_at, localUid: r.local_uid, deleteRequested: r.delete_requested === 1 });
    return out;
  }

  /**
   * Records a download. Not fsynced on its own: the stored message carries its UIDL, and a record
   * lost in a power cut is rebuilt from it at the next start (Pop3Account.healCrashWindow).
   */
  record(uidl: string, seenAt: number, localUid: number | null): void {
    this.c.transaction(() => {
      this.c.prepared('INSERT OR IGNORE INTO pop3_uidl (account_id, uidl, seen_at, local_uid) VALUES (?,?,?,?)').run(this.accountId, uidl, seenAt, localUid);
    });
  }

  /** The user deleted the local copy: the next check may delete it on the server (durable: only the user knows). */
  requestDelete(localUid: number): void {
    this.c.durable(() => {
      this.c.prepared('UPDATE pop3_uidl SET delete_requested=1 WHERE account_id=? AND local_uid=?').run(this.accountId, localUid);
    });
  }

  /**
   * The message is back in the INBOX (a delete undone) under a new local UID: a deletion from the
   * server asked for is withdrawn, and the record follows the message.
   */
  withdrawDelete(uidl: string, localUid: number): void {
    this.c.durable(() => {
      this.c.prepared('UPDATE pop3_uidl SET delete_requested=0, local_uid=? WHERE account_id=? AND uidl=?').run(localUid, this.accountId, uidl);
    });
  }

  /** Drops records of messages the server no longer has. */
  forget(uidls: string[]): void {
    this.c.durable(() => {
      for (const u of uidls) this.c.prepared('DELETE FROM pop3_uidl WHERE account_id=? AND uidl=?').run(this.accountId, u);
    });
  }

  /** The highest local UID recorded (0 if none): stored messages above it may lack their record. */
  maxLocalUid(): number {
    return (this.c.prepared('SELECT COALESCE(MAX(local_uid), 0) AS m FROM pop3_uidl WHERE account_id=?').get(this.accountId) as { m: number }).m;
  }
}
