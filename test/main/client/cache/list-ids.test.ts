// Main orders a list over its cache: a folder, or a smart folder across accounts (all inboxes;
// unread outside Trash, Junk, Sent and Drafts; flagged outside Trash and Junk), flat or one row per
// conversation, which spans folders (a reply in Sent joins its thread).
import { describe, expect, it } from 'vitest';
import type { MessageInput } from '../../../../src/main/client/cache/messages.ts';
import { seedFolder, seededCaches } from '../../../support/cache-db.ts';
import { orderIds, senderKey, SortBy, type ListOrder } from '../../../../src/shared/list-order.ts';

const openCache = seededCaches();

function input(accountId: string, mailboxId: number, uid: number, subject: string, date: number, extra: Partial<MessageInput> = {}): MessageInput {
  return {
    accountId,
    mailboxId,
    uid,
    messageId: `<${accountId}${uid}@t>`,
    subject,
    from: [{ name: subject.startsWith('Re') ? 'Bob' : 'Ann', address: 'x@t' }],
    to: [],
    cc: [],
    date,
    flags: [],
    size: 100 * uid,
    snippet: '',
    hasAttachments: false,
    ...extra,
  };
}

describe('list ids from main', () => {
  it('orders folders and smart folders, flat and by conversation', () => {
    const cache = openCache('a', 'b');
    const inboxA = seedFolder(cache, 'a', 'INBOX', 'inbox').id;
    const sentA = seedFolder(cache, 'a', 'Sent', 'sent').id;
    const trashA = seedFolder(cache, 'a', 'Trash', 'trash').id;
    const inboxB = seedFolder(cache, 'b', 'INBOX', 'inbox').id;
    const [plan, reply, mine, gone, other] = cache.messages.upsert([
      input('a', inboxA, 1, 'Plan', 10),
      input('a', inboxA, 2, 'Re: Plan', 20, { parentIds: ['<a1@t>'], flags: ['\\Seen', '\\Flagged'] }),
      input('a', sentA, 3, 'Re: Plan', 30, { parentIds: ['<a1@t>', '<a2@t>'] }),
      input('a', trashA, 4, 'Old', 40, { flags: ['\\Flagged'] }),
      input('b', inboxB, 5, 'Hello', 15),
    ]);
    const flat = { sortBy: 'date', dir: 'desc', group: false } as const;
    expect(cache.messages.listIds({ mailboxId: inboxA }, flat)).toEqual([reply, plan]);
    expect(cache.messages.listIds({ smart: 'inbox' }, flat)).toEqual([reply, other, plan]);
    expect(cache.messages.listIds({ smart: 'unread' }, flat)).toEqual([other, plan]);
    expect(cache.messages.listIds({ smart: 'flagged' }, flat)).toEqual([reply]);
    expect(cache.messages.listIds({ smart: 'inbox' }, { sortBy: 'sender', dir: 'asc', group: false })).toEqual([plan, other, reply]);
    // One row per conversation; the thread includes my reply in Sent, but in the inbox its head is the newest there.
    expect(cache.messages.listIds({ smart: 'inbox' }, { ...flat, group: true })).toEqual([reply, other]);
    expect(cache.messages.listIds({ mailboxId: sentA }, { ...flat, group: true })).toEqual([mine]);
    expect(cache.messages.inThread(cache.messages.get(mine!)!.threadId).map((m) => m.id)).toEqual([plan, reply, mine]);
    expect(gone).toBeGreaterThan(0);
  });

  it('orders every way as the shared order does (what the renderer computes offline)', () => {
    const cache = openCache('a');
    const inbox = seedFolder(cache, 'a', 'INBOX', 'inbox').id;
    const names = ['Zoe', 'ann', 'Bob', 'carl', 'Ann', ''];
    const list = Array.from({ length: 40 }, (_, i) =>
      input('a', inbox, i + 1, `${i % 4 ? 'Re: ' : ''}Topic ${(i * 7) % 5}`, 1000 + ((i * 13) % 17), {
        from: [{ name: names[i % names.length]!, address: `p${i % 3}@t` }],
        size: 100 + ((i * 31) % 11),
        ...(i % 4 ? { parentIds: [`<a${i - (i % 4) + 1}@t>`] } : {}),
      }),
    );
    cache.messages.upsert(list);
    const rows = cache.messages
      .page(inbox, 0, 100)
      .messages.map((m) => ({ id: m.id, threadId: m.threadId, date: m.date, size: m.size, subject: m.subject, sender: senderKey(m.from) }));
    for (const sortBy of SortBy.options)
      for (const dir of ['asc', 'desc'] as const)
        for (const group of [false, true]) {
          const order: ListOrder = { sortBy, dir, group };
          expect(cache.messages.listIds({ mailboxId: inbox }, order), JSON.stringify(order)).toEqual(orderIds(rows, order));
        }
  });
});
