// The paired-ratio interval the benchmarks print: it must hold the true ratio when rounds are
// noisy, and leave out 1.00 when one side is clearly faster.
import { describe, expect, it } from 'vitest';
import { formatInterval, median, pairedRatio, percentile } from '../../bench/support/stats.ts';
import { seededRandom } from '../support/seeded-random.ts';

describe('bench stats', () => {
  it('median of odd and even counts (the upper middle)', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(3);
  });

  it('percentile of a sorted list by nearest rank below, never past its end', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 0.95)).toBe(96);
    expect(percentile(hundred, 0.5)).toBe(51);
    expect(percentile([3, 7], 1)).toBe(7);
  });

  it('a paired interval holds the true ratio under shared machine drift, and excludes 1 when it is 0.9', () => {
    const random = seededRandom(42);
    // The machine's speed drifts ±20% between rounds; each side adds ±3% of its own.
    const machine = Array.from({ length: 25 }, () => 0.8 + 0.4 * random());
    const own = () => 0.97 + 0.06 * random();
    const b = machine.map((m) => 1000 * m * own());
    const a = machine.map((m) => 900 * m * own());
    const r = pairedRatio(a, b);
    expect(r.lo).toBeLessThanOrEqual(0.9);
    expect(r.hi).toBeGreaterThanOrEqual(0.9);
    expect(r.hi).toBeLessThan(1);
    expect(r.lo).toBeLessThanOrEqual(r.ratio);
    expect(r.ratio).toBeLessThanOrEqual(r.hi);
    // The same sides unpaired (ratio of medians) could not tell: the drift is larger than the gap.
    expect(Math.max(...b) / Math.min(...b)).toBeGreaterThan(1.2);
    expect(formatInterval({ ratio: 0.904, lo: 0.881, hi: 0.925 })).toBe('0.90 [0.88–0.93]');
  });

  it('equal sides give an interval around 1', () => {
    const random = seededRandom(7);
    const a = Array.from({ length: 15 }, () => 100 + 10 * random());
    const b = Array.from({ length: 15 }, () => 100 + 10 * random());
    const r = pairedRatio(a, b);
    expect(r.lo).toBeLessThan(1);
    expect(r.hi).toBeGreaterThan(1);
  });
});
