// Summaries of benchmark rounds. Wall-clock rates on a shared 2-vCPU machine swing 10–20% from
// one run to the next, so a ratio alone cannot say whether two servers differ: rounds of the
// servers alternate, each round of one is paired with the same round of the other (the machine
// was in the same state), and the paired ratios get a bootstrap interval.
import { seededRandom } from '../../test/support/seeded-random.ts';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The p-quantile (0–1) of values already sorted ascending, by nearest rank below (p95: 0.95). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export interface RatioInterval {
  /** Median of the per-round ratios a[i] / b[i]. */
  ratio: number;
  /** 95% bootstrap interval of that median. */
  lo: number;
  hi: number;
}

/** The median of the paired ratios a[i] / b[i] and its 95% percentile-bootstrap interval (seeded). */
export function pairedRatio(a: readonly number[], b: readonly number[], resamples = 2000): RatioInterval {
  const n = Math.min(a.length, b.length);
  if (n === 0) throw new Error('pairedRatio: no rounds');
  const ratios = Array.from({ length: n }, (_, i) => a[i]! / b[i]!);
  const random = seededRandom(n * 7919 + 1);
  const medians = Array.from({ length: resamples }, () => median(Array.from({ length: n }, () => ratios[Math.floor(random() * n)]!))).sort((x, y) => x - y);
  return { ratio: median(ratios), lo: medians[Math.floor(resamples * 0.025)]!, hi: medians[Math.ceil(resamples * 0.975) - 1]! };
}

/** "0.97 [0.91–1.04]" */
export function formatInterval(r: RatioInterval): string {
  return `${r.ratio.toFixed(2)} [${r.lo.toFixed(2)}–${r.hi.toFixed(2)}]`;
}
