// The list's rows with conversations expanded in place, and a conversation's participants.
import { describe, expect, it } from 'vitest';
import { listItems, listRows, participants } from '../../src/renderer/src/use-conversations.ts';
import type { MessageSummary } from '../../src/shared/api.ts';
import { summaryOf } from '../support/summaries.ts';

const msg = (id: number, name: string, address: string): MessageSummary => summaryOf(id, { subject: 's', from: [{ name, address }], threadId: 1 });

describe('conversations in the list', () => {
  it('puts an expanded conversation’s messages right after its row', () => {
    expect(listItems([9, 5, 2], new Map())).toEqual([{ id: 9 }, { id: 5 }, { id: 2 }]);
    // Thread 7 (head 5 in the list; members 5, 4, 1 newest first).
    expect(listItems([9, 5, 2], new Map([[7, [5, 4, 1]]]))).toEqual([
      { id: 9 },
      { id: 5 },
      { id: 5, inThread: 7 },
      { id: 4, inThread: 7 },
      { id: 1, inThread: 7 },
      { id: 2 },
    ]);
    // A conversation whose head is not in the list adds nothing.
    expect(listItems([9], new Map([[7, [5, 4]]]))).toEqual([{ id: 9 }]);
  });

  it('has the rows by index, and each message once for j/k; with none expanded, the ids themselves', () => {
    const ids = [9, 5, 2];
    const flat = listRows(ids, new Map());
    expect(flat.rowIds).toBe(ids);
    expect([flat.count, flat.item(1), flat.indexOf(2), flat.indexOf(4)]).toEqual([3, { id: 5 }, 2, -1]);
    // Thread 7 expanded: its head row (5) and its first message are one for j/k.
    const open = listRows(ids, new Map([[7, [5, 4, 1]]]));
    expect(open.count).toBe(6);
    expect(open.item(3)).toEqual({ id: 4, inThread: 7 });
    expect(open.indexOf(5)).toBe(1);
    expect(open.indexOf(2)).toBe(5);
    expect(open.rowIds).toEqual([9, 5, 4, 1, 2]);
  });

  it('names participants once each, oldest first, first names, "me" for my own address', () => {
    const list = [msg(1, 'Ann Lee', 'ann@x'), msg(2, '', 'bob@x'), msg(3, 'Ann Lee', 'ann@x'), msg(4, 'Me Myself', 'ME@x')];
    expect(participants(list, new Set(['me@x']))).toEqual(['Ann', 'bob@x', 'me']);
  });
});
