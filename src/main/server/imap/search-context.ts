// Live search results (RFC 5267 4, CONTEXT=SEARCH and CONTEXT=SORT): a SEARCH or SORT with
// RETURN (UPDATE) keeps its result, and later changes of the mailbox are told to the client as
// `* ESEARCH (TAG "t") [UID] REMOVEFROM (…) ADDTO (…)` until CANCELUPDATE or the mailbox is closed.
//
// A context remembers its matches by UID (with their sort values for SORT), so only the
// messages that changed are evaluated again: new ones, ones whose flags changed (when the key
// looks at flags), expunged ones. Numbers go out as UIDs, or as sequence numbers of the session's
// view at the moment the line is written: the view (selected-mailbox.ts) writes removals of
// expunged messages before their EXPUNGE and additions of new ones after their EXISTS (RFC 5267
// 4.3.3, 4.3.4). SEARCH contexts use position 0 and mailbox order; SORT contexts name positions
// in the sort order, and every pair is valid when the client applies the pairs in order (4.3.2).
//
// The message set a context watches is fixed when it is made (as Dovecot does): sequence
// numbers in the key become the UIDs they named, and "*" the highest UID at that moment.
import type { MessageMeta } from '../../maildir/types.ts';
import type { SearchKey } from './protocol/search-query.ts';
import { searchNeeds } from './protocol/search-query.ts';
import type { SortCriterion } from './protocol/sort-criteria.ts';
import { formatSequenceSet, formatUidList, resolveSequenceSet } from './protocol/sequence-set.ts';
import type { SeqRange } from './protocol/sequence-set.ts';
import { quote } from './protocol/response.ts';
import { matches } from './search-eval.ts';
import type { Candidate, SearchHit } from './search-eval.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';
import { compareSorted, sortValuesOf } from './message-sort.ts';
import type { SortValues } from './message-sort.ts';

/** What a context needs read of a message to evaluate it (its key, and its sort values). */
export interface ContextNeeds {
  headers: boolean;
  body: boolean;
}

/** The sequence-number view a context writes numbers in. */
export interface ContextView {
  msnOf(uid: number): number;
}

export class SearchContext {
  readonly tag: string;
  /** UID SEARCH / UID SORT: numbers are UIDs (RFC 5267 4.3.2). */
  readonly uid: boolean;
  readonly key: SearchKey;
  /** Null for SEARCH (mailbox order, position 0). */
  readonly criteria: readonly SortCriterion[] | null;
  /** Whether a flag change (or the MODSEQ it brings) can change whether a message matches. */
  readonly watchesFlags: boolean;
  readonly needs: ContextNeeds;
  /** Matching UIDs with their sort values ([] for SEARCH). */
  private readonly members = new Map<number, SortValues>();
  /** SORT only: the matching UIDs in sort order. */
  private order: number[] = [];

  constructor(
    tag: string,
    uid: boolean,
    key: SearchKey,
    criteria: readonly SortCriterion[] | null,
    hits: ReadonlyArray<{ hit: SearchHit; values: SortValues }>,
  ) {
    this.tag = tag;
    this.uid = uid;
    this.key = key;
    this.criteria = criteria;
    this.watchesFlags = watchesFlags(key);
    const n = searchNeeds(key);
    const sortHeaders = criteria?.some((c) => c.key !== 'ARRIVAL' && c.key !== 'SIZE') ?? false;
    this.needs = { headers: n.headers || sortHeaders, body: n.body };
    for (const { hit, values } of hits) this.members.set(hit.uid, values);
    if (criteria) this.order = hits.map((h) => h.hit.uid);
  }

  /** The matching UIDs in result order (mailbox order for SEARCH). */
  results(): number[] {
    return this.criteria ? [...this.order] : [...this.members.keys()].sort((a, b) => a - b);
  }

  /**
   * Takes messages out that are about to be expunged; returns the ESEARCH line telling it (sent
   * before the EXPUNGE, while their sequence numbers are still valid), or null.
   */
  expunge(uids: readonly number[], view: ContextView): string | null {
    const gone = uids.filter((u) => this.members.has(u));
    if (!gone.length) return null;
    return this.line(this.remove(gone, view), null);
  }

  /**
   * Evaluates changed and new messages again and returns the line with what left and what
   * joined the result, or null when nothing did. `now` is the clock the evaluator uses.
   */
  update(messages: readonly Candidate[], view: SelectedMailbox, now: number): string | null {
    const left: number[] = [];
    const joined: Array<{ uid: number; values: SortValues }> = [];
    for (const c of messages) {
      // Not read as far as this key needs (it was expunged meanwhile): its expunge comes next.
      if ((this.needs.headers && !c.structure) || (this.needs.body && !c.raw)) continue;
      const match = matches(this.key, c, view, now);
      const member = this.members.has(c.uid);
      if (member && !match) left.push(c.uid);
      else if (!member && match) joined.push({ uid: c.uid, values: this.criteria ? sortValuesOf(c, this.criteria) : [] });
    }
    if (!left.length && !joined.length) return null;
    const removed = left.length ? this.remove(left, view) : null;
    return this.line(removed, joined.length ? this.add(joined, view) : null);
  }

  /** REMOVEFROM pairs for `uids` (members), removing them. */
  private remove(uids: readonly number[], view: ContextView): string {
    const out = new Set(uids);
    if (!this.criteria) {
      for (const u of uids) this.members.delete(u);
      return `0 ${formatSequenceSet(uids.map((u) => this.number(u, view)))}`;
    }
    // Walking the sort order: a removed message's position is one past the messages kept before
    // it; consecutive removed ones share it (each removal moves the next one into its place).
    const pairs: string[] = [];
    const kept: number[] = [];
    let run: number[] = [];
    let runAt = 0;
    const flush = () => {
      if (run.length) pairs.push(`${runAt} ${formatUidList(run)}`);
      run = [];
    };
    for (const u of this.order) {
      if (!out.has(u)) {
        flush();
        kept.push(u);
        continue;
      }
      if (!run.length) runAt = kept.length + 1;
      run.push(this.number(u, view));
      this.members.delete(u);
    }
    flush();
    this.order = kept;
    return pairs.join(' ');
  }

  /** ADDTO pairs for new members, adding them. */
  private add(joined: ReadonlyArray<{ uid: number; values: SortValues }>, view: ContextView): string {
    for (const j of joined) this.members.set(j.uid, j.values);
    if (!this.criteria) return `0 ${formatSequenceSet(joined.map((j) => this.number(j.uid, view)))}`;
    const criteria = this.criteria;
    const cmp = (a: number, b: number) => compareSorted(this.members.get(a)!, a, this.members.get(b)!, b, criteria);
    const fresh = joined.map((j) => j.uid).sort(cmp);
    // Merge into the sort order; each run of new messages is one pair at the position its first
    // one takes in the final order (pairs ascending, so earlier ones are in place already).
    const merged: number[] = [];
    const pairs: string[] = [];
    let i = 0;
    let run: number[] = [];
    let runAt = 0;
    const flush = () => {
      if (run.length) pairs.push(`${runAt} ${formatUidList(run)}`);
      run = [];
    };
    for (const u of fresh) {
      while (i < this.order.length && cmp(this.order[i]!, u) < 0) {
        flush();
        merged.push(this.order[i++]!);
      }
      if (!run.length) runAt = merged.length + 1;
      run.push(this.number(u, view));
      merged.push(u);
    }
    flush();
    while (i < this.order.length) merged.push(this.order[i++]!);
    this.order = merged;
    return pairs.join(' ');
  }

  private number(uid: number, view: ContextView): number {
    return this.uid ? uid : view.msnOf(uid);
  }

  private line(removed: string | null, added: string | null): string {
    let line = `* ESEARCH (TAG ${quote(this.tag)})${this.uid ? ' UID' : ''}`;
    if (removed) line += ` REMOVEFROM (${removed})`;
    if (added) line += ` ADDTO (${added})`;
    return line + '\r\n';
  }
}

/** Whether any key of the tree passes `test`. */
function anyKey(key: SearchKey, test: (k: SearchKey) => boolean): boolean {
  switch (key.op) {
    case 'and':
      return key.keys.some((k) => anyKey(k, test));
    case 'or':
      return anyKey(key.a, test) || anyKey(key.b, test);
    case 'not':
      return anyKey(key.key, test);
    default:
      return test(key);
  }
}

/** Does the key look at flags or MODSEQ, which a STORE changes? */
const watchesFlags = (key: SearchKey) => anyKey(key, (k) => k.op === 'flag' || k.op === 'new' || k.op === 'modseq');

/** Does the key depend on the time (OLDER/YOUNGER): a message would change by the clock alone. */
export const dependsOnClock = (key: SearchKey) => anyKey(key, (k) => k.op === 'age');

/**
 * The key with its message set fixed: sequence-number ranges become the UIDs they name in the
 * view now (a later expunge must not make them name other messages), and "*" in UID ranges the
 * highest UID now.
 */
export function fixMessageSet(key: SearchKey, uids: readonly number[]): SearchKey {
  const maxUid = uids.length ? uids[uids.length - 1]! : 0;
  const fix = (k: SearchKey): SearchKey => {
    switch (k.op) {
      case 'and':
        return { op: 'and', keys: k.keys.map(fix) };
      case 'or':
        return { op: 'or', a: fix(k.a), b: fix(k.b) };
      case 'not':
        return { op: 'not', key: fix(k.key) };
      case 'seq': {
        const named: number[] = [];
        for (const [a, b] of resolveSequenceSet(k.ranges, uids.length)) for (let n = a; n <= Math.min(b, uids.length); n++) named.push(uids[n - 1]!);
        return { op: 'uid', ranges: toRanges(named) };
      }
      case 'uid':
        // In an empty view "*" names no message yet, and never will: the set is fixed now.
        return { op: 'uid', ranges: maxUid ? resolveSequenceSet(k.ranges, maxUid) : k.ranges.filter((r) => r[1] !== Infinity) };
      default:
        return k;
    }
  };
  return fix(key);
}

/** Numbers as ascending ranges (none: a set that names no message). */
function toRanges(nums: readonly number[]): SeqRange[] {
  const sorted = [...new Set(nums)].sort((a, b) => a - b);
  const out: SeqRange[] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] + 1 === n) out[out.length - 1] = [last[0], n];
    else out.push([n, n]);
  }
  return out;
}

/** The update contexts of one selected mailbox, by tag. */
export class SearchContexts {
  private readonly byTag = new Map<string, SearchContext>();

  get size(): number {
    return this.byTag.size;
  }

  has(tag: string): boolean {
    return this.byTag.has(tag);
  }

  add(ctx: SearchContext): void {
    this.byTag.set(ctx.tag, ctx);
  }

  /** Ends the contexts of these tags; false (and nothing ended) if one of them is not a context. */
  cancel(tags: readonly string[]): boolean {
    if (!tags.every((t) => this.byTag.has(t))) return false;
    for (const t of tags) this.byTag.delete(t);
    return true;
  }

  /** What must be read of a message for every context to evaluate it; flag changes only for those that watch flags. */
  needsFor(flagChange: boolean): ContextNeeds {
    const n = { headers: false, body: false };
    for (const c of this.byTag.values()) {
      if (flagChange && !c.watchesFlags) continue;
      n.headers ||= c.needs.headers;
      n.body ||= c.needs.body;
    }
    return n;
  }

  /** REMOVEFROM lines for messages about to be expunged (before the EXPUNGE responses). */
  expunge(uids: readonly number[], view: ContextView): string[] {
    const out: string[] = [];
    for (const c of this.byTag.values()) {
      const line = c.expunge(uids, view);
      if (line) out.push(line);
    }
    return out;
  }

  /**
   * ADDTO/REMOVEFROM lines for messages whose flags changed (`changed`, only to contexts that
   * watch flags) and new messages just announced (`fresh`).
   */
  update(changed: readonly Candidate[], fresh: readonly Candidate[], view: SelectedMailbox, now: number): string[] {
    const out: string[] = [];
    for (const c of this.byTag.values()) {
      const messages = c.watchesFlags ? [...changed, ...fresh] : fresh;
      if (!messages.length) continue;
      const line = c.update(messages, view, now);
      if (line) out.push(line);
    }
    return out;
  }
}

/** A message known only by its metadata (keys on flags, dates, size need no more). */
export function metaOnly(meta: MessageMeta): Candidate {
  return { msn: 0, uid: meta.uid, meta, structure: null, raw: null, bodyText: null };
}
