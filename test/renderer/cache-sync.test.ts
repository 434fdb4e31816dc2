// The renderer's mirror against main's real journal (CacheDb in a temp folder), through a
// transport stand-in that calls the real dispatcher, with fake-indexeddb under dexie.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { CacheDb } from '../../src/main/client/cache/cache-db.ts';
import { seedMessages } from '../support/cache-db.ts';
import { HearthDb } from '../../src/renderer/src/db.ts';
import { CacheSync, writingAccountsThrough } from '../../src/renderer/src/cache-sync.ts';
import type { Transport } from '../../src/renderer/src/api/transport.ts';
import type { Account, ArgsOf, MethodName, ResultOf } from '../../src/shared/api.ts';
import { tempDir } from '../support/temp-dir.ts';

function transportFor(cache: () => CacheDb): Transport {
  return {
    kind: 'web',
    state: () => 'online',
    onState: () => () => {},
    on: () => () => {},
    async call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
      if (method !== 'sync.changes') throw new Error(method);
      const a = args as { sinceSeq: number; limit?: number };
      const c = cache();
      return { epoch: c.epoch, ...c.changesSince(a.sinceSeq, a.limit ?? 1000) } as ResultOf<M>;
    },
  };
}

function seed(cache: CacheDb, n: number) {
  cache.accounts.insert({
    id: 'acc',
    name: 'A',
    email: 'a@x.test',
    config: { protocol: 'imap', host: 'h', port: 993, tls: 'tls', user: 'u', auth: 'password' },
    outgoing: null,
    sealedPassword: 'x',
    sealedSmtpPassword: null,
  });
  const inbox = cache.mailboxes.upsert({
    accountId: 'acc',
    path: 'INBOX',
    name: 'Inbox',
    delimiter: '/',
    parentPath: null,
    specialUse: 'inbox',
    subscribed: true,
    total: n,
    unseen: 0,
  });
  const ids = seedMessages(cache, 'acc', inbox.id, n);
  return { inbox, ids };
}

describe('CacheSync', () => {
  it('mirrors the journal in pages, applies removals, and resumes from its cursor', async () => {
    const dir = tempDir('mirror');
    const cache = new CacheDb(dir);
    const { inbox, ids } = seed(cache, 2500);
    const db = new HearthDb(`t-${Math.random()}`);
    const sync = new CacheSync(
      db,
      transportFor(() => cache),
    );
    await sync.pull();
    expect(await db.messages.where('mailboxId').equals(inbox.id).count()).toBe(2500);
    expect(await db.accounts.count()).toBe(1);

    cache.messages.remove(ids.slice(0, 10));
    cache.messages.setFlags(ids[20]!, ['\\Seen']);
    await sync.pull();
    expect(await db.messages.count()).toBe(2490);
    expect((await db.messages.get(ids[20]!))?.flags).toEqual(['\\Seen']);

    cache.mailboxes.remove(inbox.id);
    await sync.pull();
    expect(await db.messages.count()).toBe(0);
    expect(await db.mailboxes.count()).toBe(0);
    cache.close();
  });

  it('starts over when main’s store was recreated (new epoch)', async () => {
    const dirA = tempDir('mirror');
    let cache = new CacheDb(dirA);
    seed(cache, 5);
    const db = new HearthDb(`t-${Math.random()}`);
    const sync = new CacheSync(
      db,
      transportFor(() => cache),
    );
    await sync.pull();
    expect(await db.messages.count()).toBe(5);
    cache.close();
    cache = new CacheDb(tempDir('mirror'));
    seed(cache, 3);
    await sync.pull();
    expect(await db.messages.count()).toBe(3);
    cache.close();
  });

  it('writes an account main returns to the mirror before the call resolves, not only after a pull', async () => {
    const account: Account = {
      id: 'acc',
      name: 'A',
      email: 'a@x.test',
      incoming: { protocol: 'imap', host: 'h', port: 993, tls: 'tls', user: 'u', auth: 'password' },
      identities: [{ name: 'A', email: 'a@x.test', signature: 'Ann' }],
      state: 'online',
    };
    const calls: string[] = [];
    const inner: Transport = {
      kind: 'web',
      state: () => 'online',
      onState: () => () => {},
      on: () => () => {},
      async call<M extends MethodName>(method: M): Promise<ResultOf<M>> {
        calls.push(method);
        if (method === 'accounts.update') return account as ResultOf<M>;
        if (method === 'accounts.reorder') return [{ ...account, order: 2 }] as ResultOf<M>;
        if (method === 'mailboxes.list') return [] as ResultOf<M>;
        throw new Error(method);
      },
    };
    const db = new HearthDb(`t-${Math.random()}`);
    const api = writingAccountsThrough(inner, db);
    expect(await api.call('accounts.update', { accountId: 'acc', identities: account.identities })).toEqual(account);
    expect((await db.accounts.get('acc'))?.identities[0]?.signature).toBe('Ann');
    await api.call('accounts.reorder', { accountIds: ['acc'] });
    expect((await db.accounts.get('acc'))?.order).toBe(2);
    // Other calls pass through and write nothing.
    await db.accounts.clear();
    await api.call('mailboxes.list', { accountId: 'acc' });
    expect(await db.accounts.count()).toBe(0);
    expect(calls).toEqual(['accounts.update', 'accounts.reorder', 'mailboxes.list']);
    expect(api.kind).toBe('web');
    expect(api.state()).toBe('online');
  });
});
