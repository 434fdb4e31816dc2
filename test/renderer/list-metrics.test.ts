// The rows a folder's first read brings: enough to fill the list's height, and its overscan.
import { describe, expect, it } from 'vitest';
import { firstScreenRows, OVERSCAN, ROW_PX } from '../../src/renderer/src/list-metrics.ts';

describe('the first screen of a folder', () => {
  it('fills the height with rows, plus the overscan below them', () => {
    for (const height of [1, ROW_PX, ROW_PX + 1, 700, 800, 2160]) {
      const inView = firstScreenRows(height) - OVERSCAN;
      expect(inView * ROW_PX).toBeGreaterThanOrEqual(height);
      expect((inView - 1) * ROW_PX).toBeLessThan(height);
    }
    expect(firstScreenRows(0)).toBe(OVERSCAN);
  });
});
