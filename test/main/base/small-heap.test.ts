// Every process that runs main's services favours a small heap before any work (small-heap.ts:
// without it main's RSS during a first sync grew with the mailbox up to V8's lazy limit).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SMALL_HEAP_FLAGS } from '../../../src/main/base/small-heap.ts';

const root = path.resolve(import.meta.dirname, '../../..');

describe('small heap for main', () => {
  it.each(['src/main/electron/main.ts', 'src/main/host/web-main.ts'])('%s sets it at its top level, before any work', (file) => {
    const source = readFileSync(path.join(root, file), 'utf8');
    const body = source.replace(/^import [^;]+;$/gm, '');
    // A top-level call, not one inside a function that might run late (or never).
    expect(body).toMatch(/^favourSmallHeap\(\);$/m);
    const firstStatement = body.split('\n').find((l) => l.trim() !== '' && !l.startsWith('//'));
    expect(firstStatement).toBe('favourSmallHeap();');
  });

  // v8.setFlagsFromString ignores a flag it does not know: a renamed one would silently do nothing.
  it('names flags this V8 knows', () => {
    const known = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    for (const flag of SMALL_HEAP_FLAGS.split(' ')) expect(known).toContain(`  ${flag} (`);
  });
});
