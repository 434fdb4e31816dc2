// Main's heap during a first sync. The sync allocates fast (imapflow parses tens of MB of headers a
// second) and Node 24's V8 then grows its young generation to 2 × 64 MiB: main's RSS reached
// 350–380 MiB syncing 10,000 messages while about 30 MiB were live. V8 sizes the young generation
// when it makes the heap, so the cap is a start flag, passed by whatever starts main: the npm
// scripts, the test and bench spawners, and Electron through `--js-flags` (which, passed at start,
// reaches its main process). A first sync of 30,000 then peaks at 217 MiB (264 with 8 MiB
// semi-spaces), and a 10,000-message INBOX syncs its headers 1.5× faster than with the fallback:
// a process started without the cap sets `--optimize-for-size`, which V8 honours at run time (190
// MiB at 30,000) at a cost in GC time (bench/README.md).
import v8 from 'node:v8';

/** MiB per semi-space: the young generation is three of them. */
export const SEMI_SPACE_MIB = 4;
export const YOUNG_GENERATION_FLAG = `--max-semi-space-size=${SEMI_SPACE_MIB}`;
/** Electron's form of it, for its command line. */
export const ELECTRON_JS_FLAGS = `--js-flags=${YOUNG_GENERATION_FLAG}`;
export const FALLBACK_FLAGS = '--optimize-for-size';

interface ProcessStart {
  argv: readonly string[];
  execArgv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

/** Whether this process was started with its young generation capped (Node flag, NODE_OPTIONS or Electron's --js-flags). */
export function youngGenerationCapped(start: ProcessStart = process): boolean {
  const mentionsCap = (s: string) => s.includes('--max-semi-space-size');
  return start.execArgv.some(mentionsCap) || mentionsCap(start.env.NODE_OPTIONS ?? '') || start.argv.some((a) => a.startsWith('--js-flags') && mentionsCap(a));
}

/** Called first thing by each process that runs main's services: the fallback, unless started capped. */
export function favourSmallHeap(start: ProcessStart = process): void {
  if (!youngGenerationCapped(start)) v8.setFlagsFromString(FALLBACK_FLAGS);
}
