// Main's JS heap: V8 by default lets its old space fill with garbage to several times what is live
// before a full collection. A first sync makes a great deal of short-lived garbage (header rows,
// message sources, parsed text), so main's RSS rose with the mailbox until that limit: 297 MiB at
// 10,000 messages while about 31 MiB were live. Favouring size keeps the heap near what is live
// (154 MiB peak RSS at 10,000, 150 at 2,000; bench/support/sync-memory.ts) at no measured cost in
// sync time. Set once, first thing, by each process that runs the services.
import v8 from 'node:v8';

export const SMALL_HEAP_FLAGS = '--optimize-for-size';

export function favourSmallHeap(): void {
  v8.setFlagsFromString(SMALL_HEAP_FLAGS);
}
