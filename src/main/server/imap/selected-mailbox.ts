// The per-session view of a selected mailbox: the MSN <-> UID map, and the queue of changes made
// by others that the client has not been told about yet. Expunges are only applied to the map
// when they are announced, so a client's MSNs stay valid until then (RFC 3501 7.4.1).
import type { MailboxEvent, MailboxHandle, MessageMeta, UidSet } from '../../maildir/types.ts';
import { atom } from './protocol/response.ts';
import type { ImapValue } from './protocol/response.ts';
import { formatSequenceSet } from './protocol/sequence-set.ts';

export interface ViewOptions {
  condstore: boolean;
  qresync: boolean;
}

export class SelectedMailbox {
  readonly handle: MailboxHandle;
  readonly name: string;
  readonly readOnly: boolean;
  /** uids[msn - 1] */
  uids: number[];
  highestModseq: number;
  gone = false;
  private events: MailboxEvent[] = [];
  private pendingExpunge = new Set<number>();
  private unwatch: () => void;
  private readonly origin: unknown;
  /** Called when an event arrives (IDLE flushes at once). */
  onEvent: (() => void) | null = null;

  constructor(handle: MailboxHandle, name: string, readOnly: boolean, uids: number[], highestModseq: number, origin: unknown) {
    this.handle = handle;
    this.name = name;
    this.readOnly = readOnly;
    this.uids = uids;
    this.highestModseq = highestModseq;
    this.origin = origin;
    this.unwatch = handle.watch((ev) => {
      this.events.push(ev);
      this.onEvent?.();
    });
  }

  close(): void {
    this.unwatch();
    this.onEvent = null;
  }

  get exists(): number {
    return this.uids.length;
  }

  /** MSN of a UID (1-based) or 0 when not in the view. */
  msnOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.uids[mid]!;
      if (v === uid) return mid + 1;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  get maxUid(): number {
    return this.uids.length ? this.uids[this.uids.length - 1]! : 0;
  }

  /** Remove announced UIDs from the map; returns the MSNs in the order they must be sent. */
  removeUids(uids: readonly number[]): number[] {
    const msns: number[] = [];
    for (const uid of [...uids].sort((a, b) => b - a)) {
      const msn = this.msnOf(uid);
      if (!msn) continue;
      this.uids.splice(msn - 1, 1);
      this.pendingExpunge.delete(uid);
      msns.push(msn);
    }
    return msns;
  }

  /**
   * Apply queued events and return the untagged responses for them. Expunges are held back when
   * !allowExpunge. `flagsFor` decides which flag changes to report (our own STORE already did).
   */
  drain(allowExpunge: boolean, opts: ViewOptions): Array<Buffer | string> {
    const out: Array<Buffer | string> = [];
    const events = this.events;
    this.events = [];
    let existsChanged = false;
    for (const ev of events) {
      switch (ev.type) {
        case 'gone':
          this.gone = true;
          break;
        case 'exists': {
          const max = this.maxUid;
          const fresh = ev.uids.filter((u) => u > max).sort((a, b) => a - b);
          if (fresh.length) {
            this.uids.push(...fresh);
            existsChanged = true;
          }
          if (ev.highestModseq > this.highestModseq) this.highestModseq = ev.highestModseq;
          break;
        }
        case 'flags':
          if (ev.origin !== this.origin) {
            for (const m of ev.messages) {
              const msn = this.msnOf(m.uid);
              if (!msn) continue;
              out.push(fetchFlagsLine(msn, m, true, opts.condstore || opts.qresync));
            }
          }
          if (ev.highestModseq > this.highestModseq) this.highestModseq = ev.highestModseq;
          break;
        case 'expunge':
          for (const u of ev.uids) if (this.msnOf(u)) this.pendingExpunge.add(u);
          if (ev.highestModseq > this.highestModseq) this.highestModseq = ev.highestModseq;
          break;
      }
    }
    if (allowExpunge && this.pendingExpunge.size) out.push(...this.announceExpunge([...this.pendingExpunge], opts));
    if (existsChanged) {
      out.push(Buffer.from(`* ${this.uids.length} EXISTS\r\n`));
      out.push(Buffer.from(`* 0 RECENT\r\n`));
    }
    return out;
  }

  /** EXPUNGE (or VANISHED under QRESYNC) responses for UIDs, removing them from the map. */
  announceExpunge(uids: readonly number[], opts: ViewOptions): Buffer[] {
    const present = uids.filter((u) => this.msnOf(u));
    if (!present.length) return [];
    if (opts.qresync) {
      this.removeUids(present);
      return [Buffer.from(`* VANISHED ${formatSequenceSet(present)}\r\n`)];
    }
    return this.removeUids(present).map((msn) => Buffer.from(`* ${msn} EXPUNGE\r\n`));
  }

  /** The highest MODSEQ known, including events not yet drained (our own changes among them). */
  latestModseq(): number {
    let m = this.highestModseq;
    for (const ev of this.events) if (ev.type !== 'gone' && ev.highestModseq > m) m = ev.highestModseq;
    return m;
  }

  hasPendingExpunge(): boolean {
    return this.pendingExpunge.size > 0;
  }

  isPendingExpunge(uid: number): boolean {
    return this.pendingExpunge.has(uid);
  }

  /** The UIDs in the view as a compact UidSet for the store. */
  static toUidSet(uids: readonly number[]): UidSet {
    const out: Array<number | [number, number]> = [];
    let i = 0;
    while (i < uids.length) {
      let j = i;
      while (j + 1 < uids.length && uids[j + 1] === uids[j]! + 1) j++;
      out.push(i === j ? uids[i]! : [uids[i]!, uids[j]!]);
      i = j + 1;
    }
    return out;
  }
}

export function flagList(flags: readonly string[], extra: readonly string[] = []): ImapValue {
  return [...flags, ...extra].map((f) => atom(f));
}

/**
 * `* N FETCH (UID u FLAGS (…) MODSEQ (m))`, sent for every changed message to every session on it,
 * so built as one string (flags are atoms, written as they are, as serialize() would).
 */
export function fetchFlagsLine(msn: number, m: MessageMeta, withUid: boolean, withModseq: boolean): string {
  return `* ${msn} FETCH (${withUid ? `UID ${m.uid} ` : ''}FLAGS (${m.flags.join(' ')})${withModseq ? ` MODSEQ (${m.modseq})` : ''})\r\n`;
}
