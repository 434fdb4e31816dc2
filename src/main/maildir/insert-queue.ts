// The insert queue of one user: messages whose files are already durable in their folders
// (delivered or appended) wait here for their UIDs, and every message queued in one event-loop
// turn is recorded in one index transaction, then announced to the mailbox's watchers.

import { HearthError } from '../../shared/errors.ts';
import type { MailboxEvent } from './types.ts';
import { flagsToString } from './flags.ts';
import { RESERVE_BLOCK, type MailboxRow, type UserIndex } from './user-index.ts';
import { storageError } from './storage-error.ts';

interface PendingInsert {
  mailbox: string;
  base: string;
  inCur: boolean;
  flags: string[];
  size: number;
  internalDate: number;
  origin?: unknown;
  resolve: (r: { uidValidity: number; uid: number }) => void;
  reject: (e: unknown) => void;
}

export class InsertQueue {
  private pending: PendingInsert[] = [];
  private flushScheduled = false;
  private readonly index: UserIndex;
  private readonly emit: (mailbox: string, ev: MailboxEvent) => void;

  constructor(index: UserIndex, emit: (mailbox: string, ev: MailboxEvent) => void) {
    this.index = index;
    this.emit = emit;
  }

  /** Nothing queued and no flush to come. */
  get idle(): boolean {
    return this.pending.length === 0 && !this.flushScheduled;
  }

  /** Record a message whose file is already durable in the mailbox's folder; batched per tick. */
  enqueue(job: Omit<PendingInsert, 'resolve' | 'reject'>): Promise<{ uidValidity: number; uid: number }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ...job, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Record queued deliveries/appends in one transaction. Their files are already fsynced into
   * new/ or cur/, so the message itself is durable: if this commit were lost in a power failure,
   * reconcile() would find the files and give them new UIDs. What must not be lost is the UIDs and
   * MODSEQs announced from it: those come from blocks reserved by an fsynced (synchronous=FULL)
   * commit, and reopening after an unclean stop moves UIDNEXT/HIGHESTMODSEQ past the reservation.
   * So this commit runs with synchronous=NORMAL (no fsync on the event loop), unless a message
   * carries keywords, which only the index holds.
   */
  private flush(): void {
    this.flushScheduled = false;
    const jobs = this.pending;
    this.pending = [];
    if (jobs.length === 0) return;
    const results: Array<{ uidValidity: number; uid: number } | Error> = [];
    const perMailbox = new Map<number, { row: MailboxRow; uids: number[]; keywords: Set<string>; modseq: number; origin?: unknown }>();
    try {
      // 1. make sure each mailbox has enough reserved UIDs/MODSEQs (durable, rarely needed)
      const need = new Map<string, number>();
      for (const j of jobs) need.set(j.mailbox, (need.get(j.mailbox) ?? 0) + 1);
      const short = [...need]
        .map(([name, n]) => ({ mb: this.index.row(name), n }))
        .filter(({ mb, n }) => mb && (mb.uidnext + n > mb.uid_reserved || mb.highest_modseq + 1 > mb.modseq_reserved));
      if (short.length > 0) {
        this.index.tx(() => {
          for (const { mb, n } of short) {
            this.index.db
              .prepare('UPDATE mailboxes SET uid_reserved = ?, modseq_reserved = ? WHERE id = ?')
              .run(mb!.uidnext + n + RESERVE_BLOCK, mb!.highest_modseq + 1 + RESERVE_BLOCK, mb!.id);
          }
        }, true);
      }
      // 2. the inserts
      const durable = jobs.some((j) => j.flags.some((f) => !f.startsWith('\\')));
      if (!durable) this.index.db.exec('PRAGMA synchronous=NORMAL');
      try {
        this.index.tx(() => {
          for (const j of jobs) {
            const mb = this.index.row(j.mailbox);
            if (!mb) {
              results.push(new HearthError('MAILBOX_NOT_FOUND', `No such folder: ${j.mailbox}`));
              continue;
            }
            let acc = perMailbox.get(mb.id);
            if (!acc) {
              acc = { row: { ...mb }, uids: [], keywords: new Set(), modseq: mb.highest_modseq + 1, origin: j.origin };
              perMailbox.set(mb.id, acc);
            }
            const uid = acc.row.uidnext++;
            this.index.st.insertMessage.run(mb.id, uid, j.base, j.inCur ? 1 : 0, flagsToString(j.flags), acc.modseq, j.size, j.internalDate);
            acc.uids.push(uid);
            for (const f of j.flags) if (!f.startsWith('\\')) acc.keywords.add(f);
            results.push({ uidValidity: mb.uidvalidity, uid });
          }
          for (const acc of perMailbox.values()) {
            if (acc.row.uidnext > acc.row.uid_reserved || acc.modseq > acc.row.modseq_reserved) throw new Error('UID reservation exceeded');
            this.index.st.updateUidnext.run(acc.row.uidnext, acc.modseq, acc.row.id);
          }
        }, true);
        for (const acc of perMailbox.values()) this.index.countInserted(acc.row.id, acc.uids.length);
      } finally {
        if (!durable) this.index.db.exec('PRAGMA synchronous=FULL');
      }
    } catch (e) {
      const err = storageError(e);
      for (const j of jobs) j.reject(err);
      return;
    }
    jobs.forEach((j, i) => {
      const r = results[i]!;
      if (r instanceof Error) j.reject(r);
      else j.resolve(r);
    });
    for (const acc of perMailbox.values()) {
      this.emit(acc.row.name, {
        type: 'exists',
        mailbox: acc.row.name,
        uids: acc.uids,
        uidNext: acc.row.uidnext,
        messages: this.index.countMessages(acc.row.id),
        highestModseq: acc.modseq,
        keywords: [...acc.keywords],
        origin: acc.origin,
      });
    }
  }
}
