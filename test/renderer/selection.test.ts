// The message list's selection rules (src/renderer/src/selection.ts) and the chunking of bulk
// actions: click, ctrl/cmd+click, shift+click ranges, x, select all, and what actions apply to.
import { describe, expect, it } from 'vitest';
import {
  actionTargets,
  clickRow,
  EMPTY_SELECTION,
  isSelected,
  pruneSelection,
  selectAll,
  toggleRow,
  type Selection,
} from '../../src/renderer/src/selection.ts';
import { chunks } from '../../src/renderer/src/use-bulk-actions.ts';
import { MAX_MESSAGE_IDS } from '../../src/shared/api.ts';

const list = [10, 20, 30, 40, 50, 60];
const plain = { range: false, toggle: false };
const ctrl = { range: false, toggle: true };
const shift = { range: true, toggle: false };
const ids = (s: Selection) => [...s.ids].sort((a, b) => a - b);

describe('selection', () => {
  it('a plain click picks nothing beyond the open message and sets the anchor', () => {
    const s = clickRow(selectAll(list), list, 30, plain, 30);
    expect(ids(s)).toEqual([]);
    expect(s.anchor).toBe(30);
    expect(actionTargets(s, list, 30)).toEqual([30]);
    expect(isSelected(s, 30, 30)).toBe(true);
    expect(isSelected(s, 40, 30)).toBe(false);
  });

  it('ctrl/cmd+click adds to the open message, and again removes', () => {
    let s = clickRow(EMPTY_SELECTION, list, 20, plain, null);
    s = clickRow(s, list, 50, ctrl, 20);
    expect(ids(s)).toEqual([20, 50]);
    expect(isSelected(s, 20, 20)).toBe(true);
    s = clickRow(s, list, 50, ctrl, 20);
    expect(ids(s)).toEqual([20]);
    s = clickRow(s, list, 20, ctrl, 20);
    expect(ids(s)).toEqual([]);
    // Nothing picked: the open message is what actions apply to again.
    expect(actionTargets(s, list, 20)).toEqual([20]);
  });

  it('shift+click selects the range from the anchor, either way, and keeps the anchor', () => {
    let s = clickRow(EMPTY_SELECTION, list, 30, plain, null);
    s = clickRow(s, list, 50, shift, 30);
    expect(ids(s)).toEqual([30, 40, 50]);
    s = clickRow(s, list, 10, shift, 30);
    expect(ids(s)).toEqual([10, 20, 30]);
    expect(s.anchor).toBe(30);
    // Ctrl+Shift adds a range to what is picked.
    s = clickRow({ ids: new Set([60]), anchor: 40 }, list, 50, { range: true, toggle: true }, null);
    expect(ids(s)).toEqual([40, 50, 60]);
  });

  it('shift+click with no anchor starts from the open message', () => {
    const s = clickRow(EMPTY_SELECTION, list, 40, shift, 20);
    expect(ids(s)).toEqual([20, 30, 40]);
  });

  it('x toggles one and moves the anchor there', () => {
    let s = toggleRow(EMPTY_SELECTION, 40);
    s = toggleRow(s, 10);
    expect(ids(s)).toEqual([10, 40]);
    expect(s.anchor).toBe(10);
    s = toggleRow(s, 40);
    expect(ids(s)).toEqual([10]);
  });

  it('select all takes every message; targets come in list order', () => {
    const s = selectAll(list);
    expect(actionTargets(s, list, 30)).toEqual(list);
    expect(actionTargets({ ids: new Set([50, 10, 30]), anchor: null }, list, null)).toEqual([10, 30, 50]);
    expect(actionTargets(EMPTY_SELECTION, list, null)).toEqual([]);
  });

  it('drops messages that left the list, and keeps the same object when none did', () => {
    const s: Selection = { ids: new Set([20, 30, 40]), anchor: 40 };
    expect(pruneSelection(s, list)).toBe(s);
    const pruned = pruneSelection(s, [10, 20, 50]);
    expect(ids(pruned)).toEqual([20]);
    expect(pruned.anchor).toBeNull();
  });

  it('scales: selecting and targeting 100,000 messages', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => i + 1);
    let s = clickRow(EMPTY_SELECTION, big, 1, plain, null);
    s = clickRow(s, big, 100_000, shift, 1);
    expect(s.ids.size).toBe(100_000);
    expect(actionTargets(s, big, 1)).toHaveLength(100_000);
  });
});

describe('bulk action chunks', () => {
  it('split a selection into calls the contract accepts, losing and repeating none', () => {
    const all = Array.from({ length: 2 * MAX_MESSAGE_IDS + 7 }, (_, i) => i);
    const parts = chunks(all);
    expect(parts.map((p) => p.length)).toEqual([MAX_MESSAGE_IDS, MAX_MESSAGE_IDS, 7]);
    expect(parts.flat()).toEqual(all);
    expect(chunks([])).toEqual([]);
  });
});
