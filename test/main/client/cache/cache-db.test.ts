// The journal core: every committed change that moves the journal is reported by the cache
// itself, once per turn of the event loop, so no writer has to remember to wake the renderer.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CacheDb, type JournalPosition } from '../../../../src/main/client/cache/cache-db.ts';

const open: CacheDb[] = [];

function cacheWithListener(): { cache: CacheDb; heard: JournalPosition[] } {
  const cache = new CacheDb(mkdtempSync(path.join(os.tmpdir(), 'hearth-journal-')));
  open.push(cache);
  const heard: JournalPosition[] = [];
  cache.onJournalAdvanced((at) => heard.push(at));
  return { cache, heard };
}

function addAccount(cache: CacheDb, id = 'acc'): void {
  cache.insertAccount({
    id,
    name: 'A',
    email: 'a@x.test',
    config: { protocol: 'imap', host: 'h', port: 993, tls: 'tls', user: 'u', auth: 'password' },
    outgoing: null,
    sealedPassword: 'x',
    sealedSmtpPassword: null,
  });
}

function addInbox(cache: CacheDb) {
  return cache.upsertMailbox({
    accountId: 'acc',
    path: 'INBOX',
    name: 'Inbox',
    delimiter: '/',
    parentPath: null,
    specialUse: 'inbox',
    subscribed: true,
    total: 0,
    unseen: 0,
  });
}

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
    cache.setAccountState('acc', 'online');
    // Nested transactions are part of the outer one.
    cache.transaction(() => {
      cache.setAccountState('acc', 'syncing');
      cache.updateMailboxCounts(inbox.id);
    });
    await nextTurn();
    expect(heard).toEqual([{ epoch: cache.epoch, lastSeq: cache.lastSeq() }]);
    cache.setAccountState('acc', 'offline');
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
    // Not user-visible: sync points, download records, contacts.
    cache.setMailboxSyncState(inbox.id, { uidValidity: 1, uidNext: 2, highestModseq: null });
    cache.recordPop3('acc', 'uidl-1', Date.now(), 1);
    cache.observeContacts([{ name: 'Ann', address: 'ann@x.test' }], 1, Date.now());
    expect(() =>
      cache.transaction(() => {
        cache.setAccountState('acc', 'online');
        throw new Error('abandoned');
      }),
    ).toThrow('abandoned');
    await nextTurn();
    expect(heard).toEqual([]);
    expect(cache.lastSeq()).toBe(before);
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
    cache.setAccountState('acc', 'online');
    await nextTurn();
    expect(heard).toHaveLength(2);
    expect(second).toHaveLength(1);
  });
});
