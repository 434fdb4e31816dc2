// Storage quotas: the size syntax the CLI takes, the limit in server.json as the directory reports
// it, and the usage the store's index counts (every mailbox; copies add, expunges give back).
import { describe, it, expect, afterEach } from 'vitest';
import { createTestServerContext, type TestServerContext } from '../../../support/server-context.ts';
import { readConfigSync, setStorageLimit } from '../../../../src/main/server/users/config.ts';
import { exceedsQuota, formatStorageSize, parseStorageSize, quotaFull, storageUsage, storageUsageOf } from '../../../../src/main/server/users/quota.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('parseStorageSize', () => {
  it.each([
    ['none', null],
    ['NONE', null],
    ['1048576', MiB],
    ['500M', 500 * MiB],
    ['500m', 500 * MiB],
    ['2G', 2 * GiB],
    ['2GiB', 2 * GiB],
    ['500MB', 500 * MiB],
    ['64K', 64 * KiB],
    ['1.5G', 1.5 * GiB],
    ['1T', 1024 * GiB],
    [' 10M ', 10 * MiB],
  ])('%j -> %j', (text, bytes) => {
    expect(parseStorageSize(text)).toBe(bytes);
  });

  it.each(['', '0', '0M', '-1', 'lots', '2X', '1e9', '2 G B', 'M'])('refuses %j', (text) => {
    expect(() => parseStorageSize(text)).toThrow(/Invalid size/);
  });
});

describe('formatStorageSize', () => {
  it.each([
    [2 * GiB, '2G'],
    [500 * MiB, '500M'],
    [1536 * KiB, '1536K'],
    [1000, '1000'],
    [1024 * GiB, '1T'],
  ])('%j -> %j, read back the same', (bytes, text) => {
    expect(formatStorageSize(bytes)).toBe(text);
    expect(parseStorageSize(text)).toBe(bytes);
  });
});

describe('full and over', () => {
  it('a message that exactly fills the quota fits; nothing fits a full one; no limit never refuses', () => {
    expect(exceedsQuota({ usedBytes: 900, limitBytes: 1000 }, 100)).toBe(false);
    expect(exceedsQuota({ usedBytes: 900, limitBytes: 1000 }, 101)).toBe(true);
    expect(quotaFull({ usedBytes: 999, limitBytes: 1000 })).toBe(false);
    expect(quotaFull({ usedBytes: 1000, limitBytes: 1000 })).toBe(true);
    expect(exceedsQuota({ usedBytes: 10 ** 12, limitBytes: null }, 10 ** 12)).toBe(false);
    expect(quotaFull({ usedBytes: 10 ** 12, limitBytes: null })).toBe(false);
  });
});

let base: TestServerContext | undefined;
afterEach(async () => {
  await base?.close();
  base = undefined;
});

const msg = (n: number) => Buffer.from(`Subject: m\r\n\r\n${'x'.repeat(n)}\r\n`);

describe('limit and usage', () => {
  it('setStorageLimit writes server.json, the directory reports it, none clears it', async () => {
    base = await createTestServerContext('quota', [['alice@home.arpa', 'pw']]);
    const { dir, ctx } = base;
    expect((await ctx.users.getUser('alice@home.arpa'))?.quotaBytes).toBeUndefined();
    await setStorageLimit(dir, 'Alice@Home.Arpa', 2 * GiB);
    expect(readConfigSync(dir)?.users[0]?.quotaBytes).toBe(2 * GiB);
    expect(await ctx.users.getUser('alice@home.arpa')).toEqual({ address: 'alice@home.arpa', quotaBytes: 2 * GiB });
    await setStorageLimit(dir, 'alice@home.arpa', null);
    expect(readConfigSync(dir)?.users[0]).not.toHaveProperty('quotaBytes');
    expect(await ctx.users.getUser('alice@home.arpa')).toEqual({ address: 'alice@home.arpa' });
    await expect(setStorageLimit(dir, 'nobody@home.arpa', 1)).rejects.toThrow(/No such user/);
    await expect(setStorageLimit(dir, 'alice@home.arpa', 0)).rejects.toThrow(/Invalid quota/);
  });

  it('usage is the size of every message in every mailbox; copies add, expunges give back', async () => {
    base = await createTestServerContext('quota', [['alice@home.arpa', 'pw']]);
    const { dir, ctx, store } = base;
    const mail = await store.user('alice@home.arpa');
    expect(await mail.storageUsed()).toBe(0);
    const a = msg(1000);
    const b = msg(3000);
    await mail.append('INBOX', a);
    await mail.append('Sent', b);
    expect(await mail.storageUsed()).toBe(a.length + b.length);
    const inbox = await mail.openMailbox('INBOX');
    await inbox.copy([1], 'Archive');
    expect(await mail.storageUsed()).toBe(2 * a.length + b.length);
    await inbox.remove([1]);
    expect(await mail.storageUsed()).toBe(a.length + b.length);
    // without a limit the sum is not even asked for
    expect(await storageUsage(ctx.users, mail)).toEqual({ usedBytes: 0, limitBytes: null });
    await setStorageLimit(dir, 'alice@home.arpa', 64 * KiB);
    expect(await storageUsage(ctx.users, mail)).toEqual({ usedBytes: a.length + b.length, limitBytes: 64 * KiB });
    expect(await storageUsageOf(ctx.users, store, 'alice@home.arpa')).toEqual({ usedBytes: a.length + b.length, limitBytes: 64 * KiB });
  });

  it('the usage sum stays cheap on a big mailbox (it runs at RCPT and DATA for limited users only)', async () => {
    base = await createTestServerContext('quota', [['alice@home.arpa', 'pw']]);
    const mail = await base.store.user('alice@home.arpa');
    await mail.append('INBOX', msg(10));
    // 100,000 index rows written straight into the index: the sum only reads the rows
    const index = (mail as unknown as { index: { db: import('node:sqlite').DatabaseSync; dropRowCache(): void } }).index;
    const ins = index.db.prepare('INSERT INTO messages(mailbox_id, uid, base, in_cur, flags, modseq, size, internal_date) VALUES (?,?,?,?,?,?,?,?)');
    index.db.exec('BEGIN');
    for (let i = 0; i < 100_000; i++) ins.run(1, 1000 + i, `b${i}`, 1, '', 1, 100, 0);
    index.db.exec('COMMIT');
    const before = performance.now();
    const used = await mail.storageUsed();
    const ms = performance.now() - before;
    expect(used).toBe(msg(10).length + 100_000 * 100);
    // typically a few ms; the bound is loose for a busy machine
    expect(ms).toBeLessThan(250);
  });
});
