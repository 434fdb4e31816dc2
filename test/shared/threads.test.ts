import { describe, expect, it } from 'vitest';
import { baseSubject, buildThreadTree, isReplySubject, parseMessageIds, type ThreadInput, type ThreadNode } from '../../src/shared/threads.ts';

const m = (id: number, messageId: string | null, parentIds: string[], subject = 's', date = id): ThreadInput => ({ id, messageId, parentIds, subject, date });
const shape = (nodes: ThreadNode[]): unknown => nodes.map((n) => (n.children.length ? { [n.message!.id]: shape(n.children) } : n.message!.id));

describe('threads', () => {
  it('strips reply and forward prefixes and list tags', () => {
    expect(baseSubject('Re: RE: Fwd: [list] Aw: SV: Re[2]: Hello  world')).toBe('hello world');
    expect(baseSubject('Hello')).toBe('hello');
    expect(isReplySubject('Re: x')).toBe(true);
    expect(isReplySubject('Fwd: x')).toBe(true);
    expect(isReplySubject('Regarding x')).toBe(false);
  });

  it('parses Message-IDs from References and In-Reply-To', () => {
    expect(parseMessageIds('<a@x> <b@x>\r\n <c@x> <a@x>')).toEqual(['<a@x>', '<b@x>', '<c@x>']);
    expect(parseMessageIds('garbage')).toEqual([]);
    expect(parseMessageIds(null)).toEqual([]);
  });

  it('builds parent/child trees from References, out of order, with missing parents pruned', () => {
    const tree = buildThreadTree([m(3, '<c>', ['<a>', '<b>']), m(1, '<a>', []), m(4, '<d>', ['<missing>']), m(5, '<e>', ['<missing>']), m(2, '<b>', ['<a>'])]);
    // <missing> is not a message: its children become roots of their own.
    expect(shape(tree)).toEqual([{ 1: [{ 2: [3] }] }, 4, 5]);
  });

  it('refuses reference loops and duplicate Message-IDs', () => {
    const tree = buildThreadTree([m(1, '<a>', ['<b>']), m(2, '<b>', ['<a>']), m(3, '<a>', [])]);
    const ids = JSON.stringify(shape(tree));
    for (const id of [1, 2, 3]) expect(ids).toContain(String(id));
  });

  it('groups by subject only messages without reference headers', () => {
    const tree = buildThreadTree([m(1, '<a>', [], 'Lunch'), m(2, '<b>', [], 'Re: Lunch'), m(3, '<c>', ['<zz>'], 'Re: Lunch')]);
    expect(shape(tree)).toEqual([{ 1: [2] }, 3]);
  });
});
