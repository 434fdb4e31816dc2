// The messages a background fetch wants (offline bodies, the search index's text) are read from
// main's cache a page at a time, newest first: every page bounded, each message once, also where
// many messages share one date.
import { describe, expect, it } from 'vitest';
import type { MessageInput } from '../../../../src/main/client/cache/messages.ts';
import type { CacheDb } from '../../../../src/main/client/cache/cache-db.ts';
import { seedFolder, seededCaches } from '../../../support/cache-db.ts';

const openCache = seededCaches();

const input = (mailboxId: number, uid: number, date: number, size = 1000): MessageInput => ({
  accountId: 'a',
  mailboxId,
  uid,
  messageId: `<${uid}@t>`,
  subject: `m ${uid}`,
  from: [{ name: 'Ann', address: 'ann@t' }],
  to: [],
  cc: [],
  date,
  flags: [],
  size,
  snippet: '',
  hasAttachments: false,
});

type Page = (after: { date: number; id: number } | null, limit: number) => { id: number; date: number }[];

function readAll(page: Page, limit: number): { pages: number[]; ids: number[]; dates: number[] } {
  const pages: number[] = [];
  const ids: number[] = [];
  const dates: number[] = [];
  let after: { date: number; id: number } | null = null;
  for (;;) {
    const got = page(after, limit);
    if (got.length === 0) break;
    pages.push(got.length);
    for (const w of got) {
      ids.push(w.id);
      dates.push(w.date);
    }
    const last = got[got.length - 1]!;
    after = { date: last.date, id: last.id };
  }
  return { pages, ids, dates };
}

function seed(cache: CacheDb): { inbox: number; ids: number[]; tooBig: number; old: number } {
  const inbox = seedFolder(cache, 'a', 'INBOX', 'inbox').id;
  // 250 messages on 10 dates (25 share each), one too big, one too old.
  const ids = cache.messages.upsert(Array.from({ length: 250 }, (_, i) => input(inbox, i + 1, 1_000_000 + (i % 10) * 1000)));
  const [tooBig, old] = cache.messages.upsert([input(inbox, 900, 1_005_000, 10_000_000), input(inbox, 901, 10)]);
  return { inbox, ids, tooBig: tooBig!, old: old! };
}

describe('wanted messages, a page at a time', () => {
  it('offline bodies: bounded pages, every wanted message once, newest first', () => {
    const cache = openCache('a');
    const { inbox, ids, tooBig, old } = seed(cache);
    const all = readAll((after, limit) => cache.messages.bodiesWanted(inbox, 1000, 5_000_000, limit, after), 40);
    expect(all.pages.every((n) => n <= 40)).toBe(true);
    expect(all.pages.length).toBe(Math.ceil(250 / 40));
    expect([...all.ids].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(all.ids).not.toContain(tooBig);
    expect(all.ids).not.toContain(old);
    expect(all.dates).toEqual([...all.dates].sort((a, b) => b - a));
    expect(cache.messages.bodiesWantedCount(inbox, 1000, 5_000_000)).toBe(250);
  });

  it('search text: bounded pages, every wanted message once', () => {
    const cache = openCache('a');
    const { inbox, ids } = seed(cache);
    const all = readAll((after, limit) => cache.search.textWanted(inbox, 1000, 5_000_000, limit, after), 40);
    expect(all.pages.every((n) => n <= 40)).toBe(true);
    expect([...all.ids].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(all.dates).toEqual([...all.dates].sort((a, b) => b - a));
  });
});
