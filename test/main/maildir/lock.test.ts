import { describe, it, expect } from 'vitest';
import { RwLock } from '../../../src/main/maildir/lock.ts';

/** A promise with its resolve function, to hold a lock open until the test lets go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('RwLock', () => {
  it('lets readers share, holds a writer until they leave, and a waiting writer holds back new readers', async () => {
    const lock = new RwLock();
    const log: string[] = [];
    const first = gate();
    const r1 = lock.read(async () => {
      log.push('r1 in');
      await first.promise;
      log.push('r1 out');
    });
    const r2 = lock.read(async () => void log.push('r2'));
    await tick();
    const w = lock.write(async () => void log.push('w'));
    const r3 = lock.read(async () => void log.push('r3'));
    await tick();
    expect(log).toEqual(['r1 in', 'r2']);
    first.open();
    await Promise.all([r1, r2, w, r3]);
    expect(log).toEqual(['r1 in', 'r2', 'r1 out', 'w', 'r3']);
  });

  it('is released when the holder throws', async () => {
    const lock = new RwLock();
    await expect(lock.write(async () => Promise.reject(new Error('write failed')))).rejects.toThrow('write failed');
    await expect(lock.read(async () => Promise.reject(new Error('read failed')))).rejects.toThrow('read failed');
    expect(await lock.write(async () => 'free')).toBe('free');
    expect(await lock.read(async () => 'free')).toBe('free');
  });
});
