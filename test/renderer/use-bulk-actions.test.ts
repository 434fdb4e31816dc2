// Flags show at once in the offline copy (the rows and the reader render from it) before main has
// them, and go back when main refuses, unless main's journal has changed them since.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { HearthDb } from '../../src/renderer/src/db.ts';
import { chunks, flagAtOnce, toggleFromMemory } from '../../src/renderer/src/use-bulk-actions.ts';
import { FlagOverlay } from '../../src/renderer/src/flag-overlay.ts';
import type { MessageSummary } from '../../src/shared/api.ts';
import { summaryOf } from '../support/summaries.ts';

const summary = (id: number, flags: string[]): MessageSummary => summaryOf(id, { accountId: 'acc', flags, size: 100 });

let n = 0;
async function db(rows: MessageSummary[]): Promise<HearthDb> {
  const d = new HearthDb(`bulk-${n++}`);
  await d.messages.bulkPut(rows);
  return d;
}
const flagsOf = async (d: HearthDb) => (await d.messages.toArray()).map((m) => [m.id, m.flags]);

describe('flagAtOnce', () => {
  it('sets the flag on each message at once and takes it back from those it changed', async () => {
    const d = await db([summary(1, []), summary(2, ['\\Seen']), summary(3, ['\\Flagged'])]);
    const { undo } = await flagAtOnce(d, [1, 2, 3, 99], '\\Flagged', true);
    expect(await flagsOf(d)).toEqual([
      [1, ['\\Flagged']],
      [2, ['\\Seen', '\\Flagged']],
      [3, ['\\Flagged']],
    ]);
    await undo();
    // Message 3 had it before: it keeps it.
    expect(await flagsOf(d)).toEqual([
      [1, []],
      [2, ['\\Seen']],
      [3, ['\\Flagged']],
    ]);
  });

  it('leaves alone what main changed meanwhile, and brings back no message main removed', async () => {
    const d = await db([summary(1, ['\\Seen']), summary(2, ['\\Seen']), summary(3, ['\\Seen'])]);
    const { undo } = await flagAtOnce(d, [1, 2, 3], '\\Seen', false);
    expect(await flagsOf(d)).toEqual([
      [1, []],
      [2, []],
      [3, []],
    ]);
    // The journal: 2 flagged elsewhere meanwhile, 3 deleted.
    await d.messages.put(summary(2, ['\\Flagged']));
    await d.messages.delete(3);
    await undo();
    expect(await flagsOf(d)).toEqual([
      [1, ['\\Seen']],
      [2, ['\\Flagged']],
    ]);
  });

  it('decides a toggle in the same transaction: any without the flag, all get it; all with it, all lose it', async () => {
    const d = await db([summary(1, ['\\Flagged']), summary(2, [])]);
    const first = await flagAtOnce(d, [1, 2], '\\Flagged', 'toggle');
    expect(first.on).toBe(true);
    expect(await flagsOf(d)).toEqual([
      [1, ['\\Flagged']],
      [2, ['\\Flagged']],
    ]);
    const second = await flagAtOnce(d, [1, 2], '\\Flagged', 'toggle');
    expect(second.on).toBe(false);
    expect(await flagsOf(d)).toEqual([
      [1, []],
      [2, []],
    ]);
    // Refused: both had it before the second toggle, both get it back.
    await second.undo();
    expect(await flagsOf(d)).toEqual([
      [1, ['\\Flagged']],
      [2, ['\\Flagged']],
    ]);
  });

  it('splits thousands of ids into calls main accepts', () => {
    expect(
      chunks(
        Array.from({ length: 2500 }, (_, i) => i),
        1000,
      ).map((c) => c.length),
    ).toEqual([1000, 1000, 500]);
  });
});

describe('FlagOverlay', () => {
  it('shows a change at once on the messages it names, and no longer once taken away', () => {
    const overlay = new FlagOverlay();
    const m1 = summary(1, ['\\Seen']);
    const m2 = summary(2, []);
    let told = 0;
    overlay.subscribe(() => told++);
    const unshow = overlay.set([1], '\\Flagged', true);
    expect(told).toBe(1);
    expect(overlay.apply(m1).flags).toEqual(['\\Seen', '\\Flagged']);
    // Untouched messages keep their object (their rows do not render again).
    expect(overlay.apply(m2)).toBe(m2);
    unshow();
    expect(told).toBe(2);
    expect(overlay.apply(m1)).toBe(m1);
  });

  it('keeps a newer change of the same flag when an older one settles', () => {
    const overlay = new FlagOverlay();
    const m = summary(1, []);
    const first = overlay.set([1], '\\Flagged', true);
    const second = overlay.set([1], '\\Flagged', false);
    const read = overlay.set([1], '\\Seen', true);
    first();
    expect(overlay.apply(m).flags).toEqual(['\\Seen']);
    read();
    expect(overlay.apply(m)).toBe(m);
    second();
    expect(overlay.entry(1)).toBeUndefined();
  });

  it('decides a toggle from the summaries in memory with their pending changes, or leaves it to the offline copy', () => {
    const overlay = new FlagOverlay();
    const rows = new Map([
      [1, summary(1, ['\\Flagged'])],
      [2, summary(2, [])],
    ]);
    const known = (id: number) => rows.get(id);
    expect(toggleFromMemory([1], '\\Flagged', known, overlay)).toBe(false);
    expect(toggleFromMemory([1, 2], '\\Flagged', known, overlay)).toBe(true);
    overlay.set([2], '\\Flagged', true);
    expect(toggleFromMemory([1, 2], '\\Flagged', known, overlay)).toBe(false);
    // One not read into memory: the offline copy decides.
    expect(toggleFromMemory([1, 3], '\\Flagged', known, overlay)).toBeNull();
  });
});
