// The journal core: every committed change that moves the journal is reported by the cache
// itself, once per turn of the event loop, so no writer has to remember to wake the renderer.
import { afterEach, describe, expect, it } from 'vitest';
import type { CacheDb, JournalPosition } from '../../../../src/main/client/cache/cache-db.ts';
import { Contacts } from '../../../../src/main/client/cache/contacts.ts';
import { Pop3Ledger } from '../../../../src/main/client/cache/pop3-ledger.ts';
import { seedAccount, seedFolder, seedMessages, tempCacheDb } from '../../../support/cache-db.ts';

const open: CacheDb[] = [];

function cacheWithListener(): { cache: CacheDb; heard: JournalPosition[] } {
  const cache = tempCacheDb();
  open.push(cache);
  const heard: JournalPosition[] = [];
  cache.onJournalAdvanced((at) => heard.push(at));
  return { cache, heard };
}

const addAccount = (cache: CacheDb) => seedAccount(cache, 'acc');
const addInbox = (cache: CacheDb) => seedFolder(cache, 'acc', 'INBOX', 'inbox');

const nextTurn = () => new Promise((r) => setImmediate(r));

afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

describe('CacheDb journal notices', () => {
  it('reports a committed change after the current turn, with the journal position', async () => {
    const { cache, heard } = cacheWithListener();
    addAccount(cache);
    expect(heard).toEqual([]); // not from inside the writer's call
    await nextTurn();
    expect(heard).toEqual([{ epoch: cache.epoch, lastSeq: cache.lastSeq() }]);
    expect(cache.lastSeq()).toBeGreaterThan(0);
  });

  it('reports many transactions of one turn once, at the last position', async () => {
    const { cache, heard } = cacheWithListener();
    addAccount(cache);
    const inbox = addInbox(cache);
    cache.accounts.setState('acc', 'online');
    // Nested transactions are part of the outer one.
    cache.transaction(() => {
      cache.accounts.setState('acc', 'syncing');
      cache.mailboxes.updateCounts(inbox.id);
    });
    await nextTurn();
    expect(heard).toEqual([{ epoch: cache.epoch, lastSeq: cache.lastSeq() }]);
    cache.accounts.setState('acc', 'offline');
    await nextTurn();
    expect(heard).toHaveLength(2);
    expect(heard[1]!.lastSeq).toBe(cache.lastSeq());
  });

  it('stays quiet for writes that leave the journal where it was, and for rolled-back ones', async () => {
    const { cache, heard } = cacheWithListener();
    addAccount(cache);
    const inbox = addInbox(cache);
    await nextTurn();
    heard.length = 0;
    const before = cache.lastSeq();
    // Not user-visible: sync points, download records, contacts, a folder listed again unchanged (every resync).
    cache.mailboxes.setSyncState(inbox.id, { uidValidity: 1, uidNext: 2, highestModseq: null });
    expect(addInbox(cache).id).toBe(inbox.id);
    new Pop3Ledger(cache, 'acc').record('uidl-1', Date.now(), 1);
    new Contacts(cache).observe([{ name: 'Ann', address: 'ann@x.test' }], 1, Date.now());
    expect(() =>
      cache.transaction(() => {
        cache.accounts.setState('acc', 'online');
        throw new Error('abandoned');
      }),
    ).toThrow('abandoned');
    await nextTurn();
    expect(heard).toEqual([]);
    expect(cache.lastSeq()).toBe(before);
  });

  it('reports a folder listed again with a new count or name', async () => {
    const { cache, heard } = cacheWithListener();
    addAccount(cache);
    const inbox = addInbox(cache);
    await nextTurn();
    heard.length = 0;
    const before = cache.lastSeq();
    cache.mailboxes.upsert({ ...inbox, total: 3, unseen: 1 });
    await nextTurn();
    expect(cache.lastSeq()).toBeGreaterThan(before);
    expect(heard).toHaveLength(1);
    expect(cache.mailboxes.get(inbox.id)).toMatchObject({ total: 3, unseen: 1 });
    cache.mailboxes.upsert({ ...inbox, name: 'Post' });
    expect(cache.mailboxes.get(inbox.id)).toMatchObject({ name: 'Post', total: 0 });
  });

  it('still reports a change committed just before close', () => {
    const { cache, heard } = cacheWithListener();
    addAccount(cache);
    const seq = cache.lastSeq();
    open.splice(open.indexOf(cache), 1);
    cache.close();
    expect(heard).toEqual([{ epoch: cache.epoch, lastSeq: seq }]);
  });

  it('stops reporting to a listener that unsubscribed', async () => {
    const { cache, heard } = cacheWithListener();
    const second: JournalPosition[] = [];
    const off = cache.onJournalAdvanced((at) => second.push(at));
    addAccount(cache);
    await nextTurn();
    off();
    cache.accounts.setState('acc', 'online');
    await nextTurn();
    expect(heard).toHaveLength(2);
    expect(second).toHaveLength(1);
  });
});

describe('CacheDb change feed', () => {
  it('a cut page also carries the accounts and folders it has not reached, and they come again in order', () => {
    const { cache } = cacheWithListener();
    addAccount(cache);
    const inbox = addInbox(cache);
    seedMessages(cache, 'acc', inbox.id, 25);
    // As after a sync: the account's state and the folder's counts move them behind every message.
    cache.mailboxes.updateCounts(inbox.id);
    cache.accounts.setState('acc', 'online');

    const first = cache.changesSince(0, 10);
    expect(first.more).toBe(true);
    expect(first.changes.filter((c) => c.kind === 'message')).toHaveLength(10);
    const kinds = first.changes.map((c) => c.kind);
    expect(kinds.slice(-2).sort()).toEqual(['account', 'mailbox']);
    const account = first.changes.find((c) => c.kind === 'account');
    expect(account?.kind === 'account' && account.account.state).toBe('online');
    const mailbox = first.changes.find((c) => c.kind === 'mailbox');
    expect(mailbox?.kind === 'mailbox' && mailbox.mailbox.total).toBe(25);
    expect(first.lastSeq).toBeLessThan(account!.seq);

    // Paging to the end still delivers every change exactly once in seq order beyond the extras.
    const seen: number[] = [];
    let since = 0;
    for (;;) {
      const page = cache.changesSince(since, 10);
      seen.push(...page.changes.filter((c) => c.seq <= page.lastSeq).map((c) => c.seq));
      since = page.lastSeq;
      if (!page.more) {
        expect(
          page.changes
            .map((c) => c.kind)
            .slice(-2)
            .sort(),
        ).toEqual(['account', 'mailbox']);
        break;
      }
    }
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.at(-1)).toBe(cache.lastSeq());
  });
});
