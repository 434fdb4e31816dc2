// What a POP3 account leaves on the server, and which messages a check deletes there (the
// deletions take effect at QUIT, RFC 1939 section 6).
import type { Pop3LedgerEntry } from '../cache/pop3-ledger.ts';
import type { Pop3UidlEntry } from './client.ts';

export interface Pop3Options {
  /** Keep messages on the server after downloading them (default true). */
  leaveOnServer: boolean;
  /** With leaveOnServer: delete them from the server this many days after download (null: never). */
  deleteAfterDays: number | null;
  /** Delete from the server when the message is deleted here for good (default true). */
  deleteWhenDeletedHere: boolean;
}

export const defaultPop3Options: Pop3Options = { leaveOnServer: true, deleteAfterDays: null, deleteWhenDeletedHere: true };

export interface DeletionInput {
  /** The server's UIDL listing; null for a server without UIDL. */
  uidls: Pop3UidlEntry[] | null;
  /** Message numbers downloaded in this session. */
  downloaded: number[];
  /** The account's download ledger after this session's downloads were recorded. */
  ledger: Map<string, Pop3LedgerEntry>;
  options: Pop3Options;
  now: number;
}

/**
 * Message numbers to delete on the server: without UIDL (nothing tells old mail from new) or
 * without "leave on server", what was downloaded; with UIDL, also recorded messages older than
 * deleteAfterDays, and those deleted here when deleteWhenDeletedHere.
 */
export function serverDeletions({ uidls, downloaded, ledger, options, now }: DeletionInput): Set<number> {
  const toDelete = new Set<number>();
  if (!uidls || !options.leaveOnServer) for (const m of downloaded) toDelete.add(m);
  if (uidls) {
    const cutoff = options.deleteAfterDays === null ? null : now - options.deleteAfterDays * 86_400_000;
    for (const u of uidls) {
      const rec = ledger.get(u.uid);
      if (!rec) continue;
      if (!options.leaveOnServer || (cutoff !== null && rec.seenAt <= cutoff) || (options.deleteWhenDeletedHere && rec.deleteRequested)) toDelete.add(u.msg);
    }
  }
  return toDelete;
}

/** Ledger records to drop after the session: UIDLs the server no longer has (deleted here or by another client). */
export function goneFromServer(uidls: Pop3UidlEntry[], deleted: Set<number>, recorded: Iterable<string>): string[] {
  const remaining = new Set(uidls.filter((u) => !deleted.has(u.msg)).map((u) => u.uid));
  return [...recorded].filter((k) => !remaining.has(k));
}
