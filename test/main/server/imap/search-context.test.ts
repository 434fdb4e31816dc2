// Live search contexts (RFC 5267 4.3) on their own: the ESEARCH lines of the RFC's examples, with
// its UIDs, from a context over a view of those messages; positions of SORT contexts; the message
// set fixed when the context is made.
import { describe, it, expect } from 'vitest';
import { SearchContext, fixMessageSet } from '../../../../src/main/server/imap/search-context.ts';
import { metaOnly } from '../../../../src/main/server/imap/search-context.ts';
import type { SelectedMailbox } from '../../../../src/main/server/imap/selected-mailbox.ts';
import type { MessageMeta } from '../../../../src/main/maildir/types.ts';
import type { SearchKey } from '../../../../src/main/server/imap/protocol/search-query.ts';
import type { SortCriterion } from '../../../../src/main/server/imap/protocol/sort-criteria.ts';
import { sortHitsWithValues } from '../../../../src/main/server/imap/message-sort.ts';

/** A view of these UIDs (sequence numbers 1…n) as the evaluator asks it. */
function view(uids: number[]): SelectedMailbox {
  return {
    uids,
    get exists() {
      return uids.length;
    },
    get maxUid() {
      return uids[uids.length - 1] ?? 0;
    },
    msnOf: (uid: number) => uids.indexOf(uid) + 1,
    isRecent: () => false,
  } as unknown as SelectedMailbox;
}

/** A message whose arrival order is its UID (ARRIVAL sorts like UID). */
function meta(uid: number, flags: string[] = []): MessageMeta {
  return { uid, flags, size: 100, internalDate: new Date(Date.UTC(2008, 6, 1) + uid * 1000), modseq: uid } as MessageMeta;
}

function context(tag: string, uid: boolean, key: SearchKey, criteria: SortCriterion[] | null, members: MessageMeta[], v: SelectedMailbox): SearchContext {
  const hits = members.map((m) => ({ msn: v.msnOf(m.uid), uid: m.uid, meta: m, structure: null }));
  return new SearchContext(tag, uid, key, criteria, criteria ? sortHitsWithValues(hits, criteria) : hits.map((hit) => ({ hit, values: [] })));
}

const flagged: SearchKey = { op: 'flag', flag: '\\Flagged', set: true };
const arrival: SortCriterion[] = [{ key: 'ARRIVAL', reverse: false }];

describe('the lines of RFC 5267’s examples', () => {
  it('4.3.3: SORT results 2734:2735, three new messages sorting first -> UID ADDTO (1 2731:2733), the preferred form', () => {
    const uids = [2731, 2732, 2733, 2734, 2735];
    const v = view(uids);
    const c = context('C01', true, flagged, arrival, [meta(2734, ['\\Flagged']), meta(2735, ['\\Flagged'])], v);
    const line = c.update(
      [2731, 2732, 2733].map((u) => metaOnly(meta(u, ['\\Flagged']))),
      v,
      Date.now(),
    );
    expect(line).toBe('* ESEARCH (TAG "C01") UID ADDTO (1 2731:2733)\r\n');
    expect(c.results()).toEqual([2731, 2732, 2733, 2734, 2735]);
  });

  it('4.3.3: a UID SEARCH context gets new matches at position 0 -> UID ADDTO (0 32768:32769)', () => {
    const v = view([32767, 32768, 32769]);
    const c = context('B01', true, flagged, null, [meta(32767, ['\\Flagged'])], v);
    expect(c.update([metaOnly(meta(32768, ['\\Flagged'])), metaOnly(meta(32769, ['\\Flagged']))], v, Date.now())).toBe(
      '* ESEARCH (TAG "B01") UID ADDTO (0 32768:32769)\r\n',
    );
  });

  it('4.3.4: an expunged match leaves first -> UID REMOVEFROM (0 32768), written before its EXPUNGE', () => {
    const v = view([32767, 32768, 32769]);
    const c = context('B01', true, flagged, null, [meta(32768, ['\\Flagged']), meta(32769, ['\\Flagged'])], v);
    expect(c.expunge([32768], v)).toBe('* ESEARCH (TAG "B01") UID REMOVEFROM (0 32768)\r\n');
    expect(c.expunge([32768], v)).toBeNull();
    expect(c.results()).toEqual([32769]);
  });
});

describe('SORT positions (RFC 5267 4.3.2: pairs applied in order keep the requested order)', () => {
  /** Applies an ESEARCH update the way a client must, to a list of numbers. */
  function apply(list: number[], line: string): number[] {
    const out = [...list];
    for (const m of line.matchAll(/(ADDTO|REMOVEFROM) \(([^)]*)\)/g)) {
      const words = m[2]!.split(' ');
      for (let i = 0; i < words.length; i += 2) {
        const pos = Number(words[i]);
        const nums = words[i + 1]!.split(',').flatMap((p) => {
          const [a, b] = p.split(':').map(Number) as [number, number?];
          return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, k) => a + k);
        });
        if (m[1] === 'ADDTO') out.splice(pos - 1, 0, ...nums);
        else for (const n of nums) expect(out.splice(pos - 1, 1)).toEqual([n]);
      }
    }
    return out;
  }

  it('removals and additions in several places come out as pairs a client can apply in order', () => {
    const uids = Array.from({ length: 12 }, (_, i) => i + 1);
    const v = view(uids);
    const reverse: SortCriterion[] = [{ key: 'ARRIVAL', reverse: true }];
    const c = context(
      'S1',
      false,
      flagged,
      reverse,
      [2, 3, 4, 6, 8, 9, 11].map((u) => meta(u, ['\\Flagged'])),
      v,
    );
    let client = c.results().map((u) => v.msnOf(u));
    expect(client).toEqual([11, 9, 8, 6, 4, 3, 2]);
    // 9 and 8 and 3 stop matching; 12, 10, 5 and 1 start to.
    const changed = [9, 8, 3].map((u) => metaOnly(meta(u)));
    const joined = [12, 10, 5, 1].map((u) => metaOnly(meta(u, ['\\Flagged'])));
    const line = c.update([...changed, ...joined], v, Date.now())!;
    expect(line).toBe('* ESEARCH (TAG "S1") REMOVEFROM (2 9,8 4 3) ADDTO (1 12 3 10 5 5 8 1)\r\n');
    client = apply(client, line);
    expect(client).toEqual([12, 11, 10, 6, 5, 4, 2, 1]);
    expect(client).toEqual(c.results());
    // An expunge of two neighbours: one pair at the first one's position.
    const gone = c.expunge([5, 4], v)!;
    expect(gone).toBe('* ESEARCH (TAG "S1") REMOVEFROM (5 5,4)\r\n');
    expect(apply(client, gone)).toEqual(c.results());
  });

  it('a change that keeps a message matching says nothing', () => {
    const v = view([1, 2]);
    const c = context('S2', true, flagged, arrival, [meta(1, ['\\Flagged'])], v);
    expect(c.update([metaOnly(meta(1, ['\\Flagged', '\\Seen'])), metaOnly(meta(2))], v, Date.now())).toBeNull();
  });
});

describe('the message set of a context is fixed when it is made', () => {
  it('sequence numbers become the UIDs they named; "*" the highest UID then', () => {
    const key: SearchKey = {
      op: 'and',
      keys: [
        { op: 'seq', ranges: [[2, 3]] },
        { op: 'uid', ranges: [[20, Infinity]] },
      ],
    };
    expect(fixMessageSet(key, [10, 20, 30, 40])).toEqual({
      op: 'and',
      keys: [
        {
          op: 'uid',
          ranges: [
            [20, 20],
            [30, 30],
          ],
        },
        { op: 'uid', ranges: [[20, 40]] },
      ],
    });
    // Nothing in the view: "*" names nothing, explicit UIDs stay.
    expect(
      fixMessageSet(
        {
          op: 'uid',
          ranges: [
            [5, 5],
            [7, Infinity],
          ],
        },
        [],
      ),
    ).toEqual({ op: 'uid', ranges: [[5, 5]] });
  });
});
