// The list's rows with conversations expanded in place, and a conversation's participants.
import { describe, expect, it } from 'vitest';
import { listItems, participants } from '../../src/renderer/src/use-conversations.ts';
import type { MessageSummary } from '../../src/shared/api.ts';

const msg = (id: number, name: string, address: string): MessageSummary => ({
  id,
  accountId: 'a',
  mailboxId: 1,
  uid: id,
  messageId: null,
  subject: 's',
  from: [{ name, address }],
  to: [],
  cc: [],
  date: id,
  flags: [],
  size: 1,
  snippet: '',
  hasAttachments: false,
  threadId: 1,
});

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

  it('names participants once each, oldest first, first names, "me" for my own address', () => {
    const list = [msg(1, 'Ann Lee', 'ann@x'), msg(2, '', 'bob@x'), msg(3, 'Ann Lee', 'ann@x'), msg(4, 'Me Myself', 'ME@x')];
    expect(participants(list, new Set(['me@x']))).toEqual(['Ann', 'bob@x', 'me']);
  });
});
