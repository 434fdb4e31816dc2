// Yielding to the event loop, so long synchronous work runs in slices while sockets and timers
// keep moving (a FETCH of thousands of cached envelopes, an index pass).

/** Resolves on a later turn of the event loop, after pending I/O callbacks have run. */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A time slice: `yield()` lets the event loop turn once `ms` have passed since the slice began or
 * last yielded, and costs nothing before. Awaited promises that are already resolved do not let
 * anything else run: only a turn does (corked sockets flushed, other clients' commands read).
 */
export class TimeSlice {
  private start = performance.now();
  private readonly ms: number;

  constructor(ms: number) {
    this.ms = ms;
  }

  async yield(): Promise<void> {
    if (performance.now() - this.start < this.ms) return;
    await nextTurn();
    this.start = performance.now();
  }
}
