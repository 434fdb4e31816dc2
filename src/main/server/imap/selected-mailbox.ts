// The per-session view of a selected mailbox: the MSN <-> UID map, the keywords the client was
// told of, and the queue of changes made by others that the client has not been told about yet.
//
// The view only changes where the client can follow (RFC 3501 5.2, 7.3.1, 7.4.1; RFC 9051 7.5.1):
// - outside drain() the map is exactly what the client was told, so every MSN a command uses or
//   answers with is one the client knows;
// - drain() applies queued changes in order and answers them in an order the client can follow:
//   keywords first (FLAGS), flag updates of known messages, EXPUNGEs of known messages (each
//   number valid when sent, highest first), then EXISTS for the new ones. A message that arrived
//   and went between two drains is never mentioned, and new messages get no FETCH before EXISTS;
// - expunges are only applied when they may be announced, so MSNs stay valid until then.
//
// \Recent (RFC 3501 2.3.2) is this session's own: the messages it claimed from the store (all the
// unclaimed ones at a read-write SELECT, then the new ones it is the first session to be told of;
// see MailboxHandle.claimRecent), or, when read-only, the unclaimed ones it saw without claiming
// them (EXAMINE, as Dovecot does). A message keeps its \Recent in this view until it is expunged.
//
// Live search contexts (RFC 5267 4, search-context.ts) follow the same order: REMOVEFROM for
// expunged messages before their EXPUNGE, ADDTO for new ones after their EXISTS, and the other
// changes after both, so every sequence number they name is valid when it is written.
import type { MailboxEvent, MailboxHandle, MessageMeta, UidSet } from '../../maildir/types.ts';
import { atom } from './protocol/response.ts';
import type { ImapValue } from './protocol/response.ts';
import { formatSequenceSet } from './protocol/sequence-set.ts';
import { SearchContexts, metaOnly } from './search-context.ts';
import { loadCandidate } from './search-eval.ts';
import type { Candidate } from './search-eval.ts';
import type { ImapSession } from './session.ts';

export interface ViewOptions {
  condstore: boolean;
  qresync: boolean;
}

const FLAGS_ORDER = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

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
  /** Keywords announced in FLAGS (RFC 3501 7.2.6), in the order they were. */
  private readonly keywords = new Set<string>();
  /** Keywords that changes (ours too) brought in and FLAGS has not announced yet. */
  private readonly newKeywords = new Set<string>();
  private unwatch: () => void;
  private readonly origin: unknown;
  /** UIDs that are \Recent in this session. */
  private readonly recent = new Set<number>();
  /** The RECENT count the client was last told (RFC 3501 7.3.2). */
  private toldRecent = 0;
  /** Called when an event arrives (IDLE flushes at once). */
  onEvent: (() => void) | null = null;
  /** SEARCH/SORT RETURN (UPDATE) results kept live for this session (RFC 5267 4.3). */
  readonly contexts = new SearchContexts();
  /** What prepareContexts() read of the messages the next drain evaluates for the contexts. */
  private prepared: Map<number, Candidate> | null = null;

  constructor(handle: MailboxHandle, name: string, readOnly: boolean, uids: number[], highestModseq: number, origin: unknown) {
    this.handle = handle;
    this.name = name;
    this.readOnly = readOnly;
    this.uids = uids;
    this.highestModseq = highestModseq;
    this.origin = origin;
    this.unwatch = handle.watch((ev) => {
      this.events.push(ev);
      // Noted at once, not at drain: a FETCH or STORE answered before the next drain may already
      // show these keywords, and must announce them first.
      if (ev.type === 'flags') for (const m of ev.messages) this.noteKeywords(m.flags);
      else if (ev.type === 'exists' && ev.keywords) this.noteKeywords(ev.keywords);
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

  // ---- \Recent ----

  isRecent(uid: number): boolean {
    return this.recent.size > 0 && this.recent.has(uid);
  }

  get recentCount(): number {
    return this.recent.size;
  }

  /**
   * Takes the \Recent of messages new to this view (ascending UIDs): a read-write session claims
   * the unclaimed ones, a read-only one only looks at which are unclaimed. The first session to be
   * told of a message therefore gets it, and no other read-write session does.
   */
  takeRecent(uids: readonly number[]): void {
    if (!uids.length) return;
    let first: number;
    try {
      first = this.readOnly ? this.handle.firstRecentUid() : this.handle.claimRecent(uids[uids.length - 1]! + 1);
    } catch {
      return; // the mailbox went away meanwhile: a 'gone' event ends the session's view
    }
    for (const u of uids) if (u >= first) this.recent.add(u);
  }

  /**
   * `* N RECENT` with an EXISTS (`always`), or whenever the count changed since the client was
   * last told (an expunge of a recent message); nothing otherwise.
   */
  recentLines(always: boolean): string[] {
    if (!always && this.recent.size === this.toldRecent) return [];
    this.toldRecent = this.recent.size;
    return [`* ${this.recent.size} RECENT\r\n`];
  }

  /** A message's flags as this session shows them: with \Recent after the system flags (as Dovecot does). */
  flagsOf(meta: MessageMeta): readonly string[] {
    return this.isRecent(meta.uid) ? withRecent(meta.flags) : meta.flags;
  }

  /** Remove announced UIDs from the map; returns the MSNs in the order they must be sent. */
  removeUids(uids: readonly number[]): number[] {
    const msns: number[] = [];
    for (const uid of [...uids].sort((a, b) => b - a)) {
      const msn = this.msnOf(uid);
      if (!msn) continue;
      this.uids.splice(msn - 1, 1);
      this.pendingExpunge.delete(uid);
      this.recent.delete(uid);
      msns.push(msn);
    }
    return msns;
  }

  /**
   * Apply queued events and return the untagged responses for them, in an order the client can
   * follow (see the top of this file). Expunges of known messages are held back when
   * !allowExpunge; our own flag changes are not repeated (our STORE or FETCH reported them).
   */
  drain(allowExpunge: boolean, opts: ViewOptions, count = this.events.length): Array<Buffer | string> {
    const out: Array<Buffer | string> = this.announceKeywords();
    const events = this.events.splice(0, count);
    // Messages 1..told are the ones the client knows; those past it arrived during this drain.
    let told = this.uids.length;
    // Per message, its latest flags and whether someone else changed them: one line with the
    // state as it is now, never an older one after our own STORE or FETCH showed a newer one.
    const changed = new Map<number, { meta: MessageMeta; byOthers: boolean }>();
    for (const ev of events) {
      switch (ev.type) {
        case 'gone':
          this.gone = true;
          break;
        case 'exists': {
          const max = this.maxUid;
          const fresh = ev.uids.filter((u) => u > max).sort((a, b) => a - b);
          if (fresh.length) this.uids.push(...fresh);
          if (ev.highestModseq > this.highestModseq) this.highestModseq = ev.highestModseq;
          break;
        }
        case 'flags':
          for (const m of ev.messages) {
            const seen = changed.get(m.uid);
            changed.set(m.uid, { meta: m, byOthers: (seen?.byOthers ?? false) || ev.origin !== this.origin });
          }
          if (ev.highestModseq > this.highestModseq) this.highestModseq = ev.highestModseq;
          break;
        case 'expunge':
          for (const u of ev.uids) {
            const msn = this.msnOf(u);
            if (!msn) continue;
            // Never announced: it simply leaves the part of the view the client does not know.
            if (msn > told) this.uids.splice(msn - 1, 1);
            else this.pendingExpunge.add(u);
          }
          if (ev.highestModseq > this.highestModseq) this.highestModseq = ev.highestModseq;
          break;
      }
    }
    for (const [uid, { meta, byOthers }] of changed) {
      const msn = this.msnOf(uid);
      // Our own changes were reported by our STORE or FETCH. A message not announced yet gets no
      // FETCH: its EXISTS comes below, and the client asks for its flags when it wants them.
      if (!byOthers || !msn || msn > told) continue;
      out.push(fetchFlagsLine(msn, meta, true, opts.condstore, this.isRecent(uid)));
    }
    if (allowExpunge && this.pendingExpunge.size) {
      const before = this.uids.length;
      out.push(...this.announceExpunge([...this.pendingExpunge], opts));
      told -= before - this.uids.length;
    }
    const fresh = this.uids.length > told;
    if (fresh) {
      // Told now, so claimed now (the first session told of a message gets its \Recent).
      this.takeRecent(this.uids.slice(told));
      out.push(Buffer.from(`* ${this.uids.length} EXISTS\r\n`));
    }
    out.push(...this.recentLines(fresh));
    if (this.contexts.size) out.push(...this.contextUpdates(changed, this.uids.slice(told)));
    this.prepared = null;
    return out;
  }

  // ---- live search contexts (RFC 5267 4.3) ----

  /**
   * Reads what the contexts need to evaluate the messages the next `count` queued events concern
   * (new messages; changed ones for contexts on flags); drain(…, count) then evaluates them
   * without waiting. Returns `count`: events arriving meanwhile wait for the next drain.
   */
  async prepareContexts(session: ImapSession): Promise<number> {
    const count = this.events.length;
    if (!this.contexts.size || !count) return count;
    const max = this.maxUid;
    const fresh: number[] = [];
    const changed = new Map<number, MessageMeta>();
    for (const ev of this.events.slice(0, count)) {
      if (ev.type === 'exists') fresh.push(...ev.uids.filter((u) => u > max));
      else if (ev.type === 'flags') for (const m of ev.messages) changed.set(m.uid, m);
    }
    const prepared = new Map<number, Candidate>();
    try {
      if (fresh.length) {
        const needs = this.contexts.needsFor(false);
        for (const meta of await this.handle.listMessages(SelectedMailbox.toUidSet([...new Set(fresh)].sort((a, b) => a - b)))) {
          const c = await loadCandidate(session, this, meta, needs);
          if (c) prepared.set(meta.uid, c);
        }
      }
      const needs = this.contexts.needsFor(true);
      if (needs.headers || needs.body)
        for (const [uid, meta] of changed) {
          if (prepared.has(uid) || !this.msnOf(uid)) continue;
          const c = await loadCandidate(session, this, meta, needs);
          if (c) prepared.set(uid, c);
        }
    } catch (err) {
      // The mailbox went away meanwhile: its 'gone' event ends the view.
      if ((err as { code?: string }).code !== 'MAILBOX_NOT_FOUND') throw err;
    }
    this.prepared = prepared;
    return count;
  }

  /** ADDTO/REMOVEFROM for changed messages still in the view and for the new ones just announced. */
  private contextUpdates(changed: ReadonlyMap<number, { meta: MessageMeta }>, freshUids: readonly number[]): string[] {
    const prepared = this.prepared ?? new Map<number, Candidate>();
    // The latest flags, read (header, bytes) or not: the evaluator needs only what the key asks.
    const at = (uid: number, meta: MessageMeta | undefined): Candidate | null => {
      const read = prepared.get(uid);
      if (read) return meta ? { ...read, meta } : read;
      return meta ? metaOnly(meta) : null;
    };
    const freshSet = new Set(freshUids);
    const changedNow: Candidate[] = [];
    for (const [uid, { meta }] of changed) {
      if (freshSet.has(uid) || !this.msnOf(uid)) continue;
      changedNow.push(at(uid, meta)!);
    }
    const freshNow: Candidate[] = [];
    for (const uid of freshUids) {
      const c = at(uid, changed.get(uid)?.meta);
      if (c) freshNow.push(c);
    }
    return this.contexts.update(changedNow, freshNow, this, Date.now());
  }

  // ---- keywords (RFC 3501 7.2.6: FLAGS before any FETCH shows a new one) ----

  /** The keywords a SELECT found on the messages; FLAGS announces them with the SELECT. */
  setKeywords(keywords: Iterable<string>): void {
    for (const k of keywords) this.keywords.add(k);
    for (const k of this.keywords) this.newKeywords.delete(k);
  }

  private noteKeywords(flags: readonly string[]): void {
    for (const f of flags) if (!f.startsWith('\\') && !this.keywords.has(f)) this.newKeywords.add(f);
  }

  /** `* FLAGS` and `* OK [PERMANENTFLAGS]` for the mailbox's flags as now known. */
  flagsLines(): string[] {
    const flags = [...FLAGS_ORDER, ...this.keywords].join(' ');
    return [`* FLAGS (${flags})\r\n`, `* OK [PERMANENTFLAGS (${this.readOnly ? '' : flags + ' \\*'})] Flags permitted\r\n`];
  }

  /**
   * The FLAGS and PERMANENTFLAGS lines when keywords came in that the client was not told of,
   * else nothing. FETCH and STORE call it before their own responses; drain() first of all.
   */
  announceKeywords(): string[] {
    if (!this.newKeywords.size) return [];
    for (const k of this.newKeywords) this.keywords.add(k);
    this.newKeywords.clear();
    return this.flagsLines();
  }

  /**
   * EXPUNGE (or VANISHED under QRESYNC) responses for UIDs, removing them from the map; the live
   * search contexts' REMOVEFROM for them comes first (RFC 5267 4.3.4).
   */
  announceExpunge(uids: readonly number[], opts: ViewOptions): Array<Buffer | string> {
    const present = uids.filter((u) => this.msnOf(u));
    if (!present.length) return [];
    const out: Array<Buffer | string> = this.contexts.size ? this.contexts.expunge(present, this) : [];
    if (opts.qresync) {
      this.removeUids(present);
      out.push(Buffer.from(`* VANISHED ${formatSequenceSet(present)}\r\n`));
      return out;
    }
    for (const msn of this.removeUids(present)) out.push(Buffer.from(`* ${msn} EXPUNGE\r\n`));
    return out;
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
export function fetchFlagsLine(msn: number, m: MessageMeta, withUid: boolean, withModseq: boolean, recent: boolean): string {
  const flags = (recent ? withRecent(m.flags) : m.flags).join(' ');
  return `* ${msn} FETCH (${withUid ? `UID ${m.uid} ` : ''}FLAGS (${flags})${withModseq ? ` MODSEQ (${m.modseq})` : ''})\r\n`;
}

/** `* N FETCH (UID u MODSEQ (m))`: what a STORE .SILENT still tells a CONDSTORE client (RFC 7162 3.1.3). */
export function fetchModseqLine(msn: number, m: MessageMeta): string {
  return `* ${msn} FETCH (UID ${m.uid} MODSEQ (${m.modseq}))\r\n`;
}

/** Flags in the store's order (system flags, then keywords) with \Recent after the system flags. */
export function withRecent(flags: readonly string[]): string[] {
  let i = 0;
  while (i < flags.length && flags[i]!.startsWith('\\')) i++;
  return [...flags.slice(0, i), '\\Recent', ...flags.slice(i)];
}
