import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
// CPU time of a process, from /proc: it changes little with the load of a shared machine, unlike
// wall-clock time, so two servers can be compared by it on a busy 2-vCPU machine.

/**
 * CPU time of a process, all its threads, in ms (0 once it is gone): the sum of the threads'
 * run time in /proc/PID/task/TID/schedstat (nanoseconds; /proc/PID/stat counts 10 ms ticks,
 * too coarse for a phase of a few tens of ms).
 */
export function processCpu(pid: number | string): number {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
      } catch {
        // The thread ended while we looked.
      }
    }
  } catch {
    return 0;
  }
  return ns / 1e6;
}

/** BENCH_TREES=name=dir,...: other checkouts whose `hearth serve` runs beside this one's. */
export function benchTrees(): { name: string; dir: string }[] {
  const extra = (process.env.BENCH_TREES ?? '')
    .split(',')
    .filter(Boolean)
    .map((x) => {
      const [name, dir] = x.split('=');
      if (!name || !dir) throw new Error(`BENCH_TREES: expected name=dir, got ${x}`);
      return { name, dir: path.resolve(dir) };
    });
  return [{ name: 'hearth', dir: path.resolve(import.meta.dirname, '../..') }, ...extra];
}
