// The list's order from the offline copy (main away): a folder or a smart folder across accounts,
// sorted and grouped as main does it. fake-indexeddb stands in for the browser's IndexedDB.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { HearthDb } from '../../src/renderer/src/db.ts';
import { offlineListIds, readFirstScreen, readFolderKeys } from '../../src/renderer/src/use-list-ids.ts';
import type { Mailbox, MessageSummary } from '../../src/shared/api.ts';

const box = (id: number, accountId: string, specialUse: Mailbox['specialUse']): Mailbox => ({
  id,
  accountId,
  path: String(specialUse),
  name: String(specialUse),
  delimiter: '/',
  parentPath: null,
  specialUse,
  subscribed: true,
  total: 0,
  unseen: 0,
});
const msg = (id: number, mailboxId: number, threadId: number, date: number, flags: string[], name: string, size = 10): MessageSummary => ({
  id,
  accountId: mailboxId < 10 ? 'a' : 'b',
  mailboxId,
  uid: id,
  messageId: null,
  subject: `Subject ${id}`,
  from: [{ name, address: `${name.toLowerCase()}@t` }],
  to: [],
  cc: [],
  date,
  flags,
  size,
  snippet: '',
  hasAttachments: false,
  threadId,
});

describe('the list offline', () => {
  it('orders smart folders and conversations from IndexedDB', async () => {
    const db = new HearthDb(`list-${Math.random()}`);
    // Account a: inbox 1, sent 2, trash 3; account b: inbox 11.
    await db.mailboxes.bulkPut([box(1, 'a', 'inbox'), box(2, 'a', 'sent'), box(3, 'a', 'trash'), box(11, 'b', 'inbox')]);
    await db.messages.bulkPut([
      msg(1, 1, 1, 100, [], 'Ann'),
      msg(2, 1, 1, 200, ['\\Seen', '\\Flagged'], 'Bob', 50),
      msg(3, 2, 1, 300, ['\\Seen'], 'Me'),
      msg(4, 3, 4, 400, ['\\Flagged'], 'Old'),
      msg(5, 11, 5, 150, [], 'Carol'),
      msg(6, 2, 6, 500, [], 'Me'),
    ]);
    const flat = { sortBy: 'date', dir: 'desc', group: false } as const;
    expect(await offlineListIds(db, { smart: 'inbox' }, flat)).toEqual([2, 5, 1]);
    expect(await offlineListIds(db, { smart: 'unread' }, flat)).toEqual([5, 1]);
    expect(await offlineListIds(db, { smart: 'flagged' }, flat)).toEqual([2]);
    expect(await offlineListIds(db, { smart: 'inbox' }, { sortBy: 'sender', dir: 'asc', group: false })).toEqual([1, 2, 5]);
    expect(await offlineListIds(db, { smart: 'inbox' }, { sortBy: 'size', dir: 'desc', group: false })).toEqual([2, 5, 1]);
    expect(await offlineListIds(db, { mailboxId: 1 }, { ...flat, group: true })).toEqual([2]);
    expect(await offlineListIds(db, { mailboxId: 2 }, { ...flat, dir: 'asc' })).toEqual([3, 6]);
    db.close();
  });

  it('reads a folder’s first screen as the start of all its keys, in both directions', async () => {
    const db = new HearthDb(`t-${Math.random()}`);
    await db.mailboxes.bulkPut([box(1, 'a', 'inbox'), box(2, 'a', 'sent')]);
    // Dates out of id order, and another folder's messages in between.
    await db.messages.bulkPut(Array.from({ length: 60 }, (_, i) => msg(i + 1, i % 3 === 0 ? 2 : 1, i + 1, (i * 37) % 61, [], 'Ann')));
    const all = await readFolderKeys(db, 1, 'desc');
    expect(all).toHaveLength(40);
    const dates = (await db.messages.bulkGet(all)).map((m) => m!.date);
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect((await readFirstScreen(db, 1, 'desc', 7)).map((m) => m.id)).toEqual(all.slice(0, 7));
    const oldestFirst = await readFolderKeys(db, 1, 'asc');
    expect(oldestFirst).toEqual([...all].reverse());
    expect((await readFirstScreen(db, 1, 'asc', 7)).map((m) => m.id)).toEqual(oldestFirst.slice(0, 7));
  });
});
