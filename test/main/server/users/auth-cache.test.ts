// The authentication cache: successes remembered as keyed hashes for a bounded time and number,
// failures never; and the user directory's use of it (password changes and removals, in this
// process or by `hearth user` in another one, end a remembered login at once).
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { inspect } from 'node:util';
import path from 'node:path';
import { AuthCache } from '../../../../src/main/server/users/auth-cache.ts';
import { ConfigUserDirectory } from '../../../../src/main/server/users/directory.ts';
import { addUser, removeUser, setPassword } from '../../../../src/main/server/users/config.ts';
import { authCacheLimits } from '../../../../src/main/base/limits.ts';
import { tempDir } from '../../../support/temp-dir.ts';

process.env.HEARTH_SCRYPT_LN = '10';
const CLI = path.resolve(import.meta.dirname, '../../../../src/main/server/cli.ts');

/** A clock the test moves by hand, and a "full verification" that counts its calls. */
function setup(options: { ttlMs?: number; maxEntries?: number } = {}) {
  let now = 1_000_000;
  const cache = new AuthCache({ ttlMs: options.ttlMs ?? 60_000, maxEntries: options.maxEntries ?? 10, now: () => now });
  const calls: string[] = [];
  const passwords: Record<string, string> = { 'alice@home.arpa': 'alice-pw', 'bob@home.arpa': 'bob-pw', 'carol@home.arpa': 'carol-pw' };
  const check = (address: string, password: string, hash = `hash-of-${address}`) =>
    cache.verify(address, password, hash, async () => {
      calls.push(address);
      return passwords[address] === password && hash === `hash-of-${address}`;
    });
  return { cache, calls, check, advance: (ms: number) => (now += ms) };
}

describe('AuthCache', () => {
  it('remembers a success: the second check runs no verification', async () => {
    const { cache, calls, check } = setup();
    expect(await check('alice@home.arpa', 'alice-pw')).toBe(true);
    expect(await check('alice@home.arpa', 'alice-pw')).toBe(true);
    expect(calls).toEqual(['alice@home.arpa']);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1 });
  });

  it('never remembers a failure, and a failure does not evict the success', async () => {
    const { calls, check } = setup();
    expect(await check('alice@home.arpa', 'guess-1')).toBe(false);
    expect(await check('alice@home.arpa', 'guess-1')).toBe(false);
    expect(calls).toHaveLength(2);
    expect(await check('alice@home.arpa', 'alice-pw')).toBe(true);
    expect(await check('alice@home.arpa', 'guess-2')).toBe(false);
    expect(calls).toHaveLength(4); // every wrong password pays the full verification
    expect(await check('alice@home.arpa', 'alice-pw')).toBe(true);
    expect(calls).toHaveLength(4);
  });

  it('forgets after ttlMs from the verification, however often it is used meanwhile', async () => {
    const { calls, check, advance } = setup({ ttlMs: 60_000 });
    await check('alice@home.arpa', 'alice-pw');
    advance(30_000);
    await check('alice@home.arpa', 'alice-pw');
    advance(29_999);
    await check('alice@home.arpa', 'alice-pw');
    expect(calls).toHaveLength(1);
    advance(1);
    expect(await check('alice@home.arpa', 'alice-pw')).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const { cache, calls, check } = setup({ maxEntries: 2 });
    await check('alice@home.arpa', 'alice-pw');
    await check('bob@home.arpa', 'bob-pw');
    await check('carol@home.arpa', 'carol-pw');
    expect(cache.size).toBe(2);
    await check('bob@home.arpa', 'bob-pw');
    await check('carol@home.arpa', 'carol-pw');
    expect(calls).toEqual(['alice@home.arpa', 'bob@home.arpa', 'carol@home.arpa']);
    await check('alice@home.arpa', 'alice-pw');
    expect(calls).toHaveLength(4);
  });

  it('counts only for the stored hash it was made with (a changed password ends it)', async () => {
    const { calls, check } = setup();
    await check('alice@home.arpa', 'alice-pw');
    expect(await check('alice@home.arpa', 'alice-pw', 'a-new-hash')).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it('forget() ends an entry', async () => {
    const { cache, calls, check } = setup();
    await check('alice@home.arpa', 'alice-pw');
    cache.forget('alice@home.arpa');
    await check('alice@home.arpa', 'alice-pw');
    expect(calls).toHaveLength(2);
  });

  it('shares one verification among concurrent checks of the same credentials', async () => {
    const { cache, calls, check } = setup();
    const results = await Promise.all([check('alice@home.arpa', 'alice-pw'), check('alice@home.arpa', 'alice-pw'), check('alice@home.arpa', 'nope')]);
    expect(results).toEqual([true, true, false]);
    expect(calls).toHaveLength(2);
    expect(cache.stats.shared).toBe(1);
  });

  it('keeps a keyed hash, never the password, with a key of its own per process', async () => {
    const a = setup();
    const b = setup();
    await a.check('alice@home.arpa', 'alice-pw');
    await b.check('alice@home.arpa', 'alice-pw');
    const dump = inspect(a.cache, { depth: Infinity, showHidden: true });
    expect(dump).not.toContain('alice-pw');
    expect(dump).not.toContain(Buffer.from('alice-pw').toString('hex'));
    expect(dump).not.toContain(Buffer.from('alice-pw').toString('base64'));
    const macOf = (c: AuthCache) => (c as unknown as { entries: Map<string, { mac: Buffer }> }).entries.get('alice@home.arpa')!.mac;
    expect(macOf(a.cache)).toHaveLength(32);
    expect(macOf(a.cache).equals(macOf(b.cache))).toBe(false);
  });

  it('has its limits in base/limits.ts', () => {
    expect(authCacheLimits.ttlMs).toBeGreaterThan(0);
    expect(authCacheLimits.maxEntries).toBeGreaterThan(0);
  });
});

describe('the user directory remembers logins', () => {
  it('verifies a password once, then remembers it; wrong passwords always verify', async () => {
    const dir = tempDir();
    await addUser(dir, 'alice@home.arpa', 'pw-1');
    const users = new ConfigUserDirectory(dir);
    expect(await users.authenticate('alice@home.arpa', 'pw-1')).toEqual({ address: 'alice@home.arpa' });
    expect(await users.authenticate('ALICE@home.arpa', 'pw-1')).toEqual({ address: 'alice@home.arpa' });
    expect(users.authCache.stats).toMatchObject({ hits: 1, misses: 1 });
    expect(await users.authenticate('alice@home.arpa', 'pw-2')).toBeNull();
    expect(users.authCache.stats).toMatchObject({ hits: 1, misses: 2 });
    // Unknown users never enter the cache.
    expect(await users.authenticate('nobody@home.arpa', 'pw-1')).toBeNull();
    expect(users.authCache.size).toBe(1);
  });

  it('a password change or a removal in this process ends the remembered login', async () => {
    const dir = tempDir();
    await addUser(dir, 'alice@home.arpa', 'pw-1');
    await addUser(dir, 'bob@home.arpa', 'bob-1');
    const users = new ConfigUserDirectory(dir);
    expect(await users.authenticate('alice@home.arpa', 'pw-1')).not.toBeNull();
    expect(await users.authenticate('bob@home.arpa', 'bob-1')).not.toBeNull();
    await setPassword(dir, 'alice@home.arpa', 'pw-2');
    expect(await users.authenticate('alice@home.arpa', 'pw-1')).toBeNull();
    expect(await users.authenticate('alice@home.arpa', 'pw-2')).not.toBeNull();
    await removeUser(dir, 'bob@home.arpa');
    expect(await users.authenticate('bob@home.arpa', 'bob-1')).toBeNull();
    expect(users.authCache.size).toBe(1);
  });

  it('`hearth user passwd` and `user remove` in another process end it too', async () => {
    const dir = tempDir();
    await addUser(dir, 'alice@home.arpa', 'pw-1');
    await addUser(dir, 'bob@home.arpa', 'bob-1');
    const users = new ConfigUserDirectory(dir);
    expect(await users.authenticate('alice@home.arpa', 'pw-1')).not.toBeNull();
    expect(await users.authenticate('bob@home.arpa', 'bob-1')).not.toBeNull();
    const cli = (...args: string[]) =>
      execFileSync(process.execPath, [CLI, ...args, '--data', dir], { stdio: 'pipe', env: { ...process.env, HEARTH_SCRYPT_LN: '10' } });
    cli('user', 'passwd', 'alice@home.arpa', '--password', 'pw-2');
    cli('user', 'remove', 'bob@home.arpa');
    expect(await users.authenticate('alice@home.arpa', 'pw-1')).toBeNull();
    expect(await users.authenticate('alice@home.arpa', 'pw-2')).not.toBeNull();
    expect(await users.authenticate('bob@home.arpa', 'bob-1')).toBeNull();
  });
});
