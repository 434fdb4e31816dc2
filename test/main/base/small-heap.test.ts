// Main's heap stays small during a first sync (small-heap.ts): every launcher starts it with the
// young generation capped, and a process started without the cap falls back at its top level.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ELECTRON_JS_FLAGS, FALLBACK_FLAGS, SEMI_SPACE_MIB, YOUNG_GENERATION_FLAG, youngGenerationCapped } from '../../../src/main/base/small-heap.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('small heap for main', () => {
  it.each(['src/main/electron/main.ts', 'src/main/host/web-main.ts'])('%s sets it at its top level, before any work', (file) => {
    const body = read(file).replace(/^import [^;]+;$/gm, '');
    // A top-level call, not one inside a function that might run late (or never).
    const firstStatement = body.split('\n').find((l) => l.trim() !== '' && !l.startsWith('//'));
    expect(firstStatement).toBe('favourSmallHeap();');
  });

  it('the launchers start main with the cap', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'web']) expect(scripts[name]).toContain(`node ${YOUNG_GENERATION_FLAG} scripts/launch.mjs`);
    expect(read('electron-builder.config.cjs')).toContain(`executableArgs: ['${ELECTRON_JS_FLAGS}']`);
    expect(read('test/support/web-host-process.ts')).toContain('spawn(process.execPath, [YOUNG_GENERATION_FLAG,');
    expect(read('bench/run.ts')).toContain('spawn(process.execPath, [YOUNG_GENERATION_FLAG,');
  });

  it('tells a capped start from one without the cap', () => {
    const none = { argv: ['node', 'web-main.ts'], execArgv: [], env: {} };
    expect(youngGenerationCapped(none)).toBe(false);
    expect(youngGenerationCapped({ ...none, execArgv: [YOUNG_GENERATION_FLAG] })).toBe(true);
    expect(youngGenerationCapped({ ...none, env: { NODE_OPTIONS: `--enable-source-maps ${YOUNG_GENERATION_FLAG}` } })).toBe(true);
    expect(youngGenerationCapped({ ...none, argv: ['/opt/Hearth/hearth', ELECTRON_JS_FLAGS] })).toBe(true);
    expect(youngGenerationCapped({ ...none, argv: ['/opt/Hearth/hearth', '--js-flags=--expose-gc'] })).toBe(false);
  });

  // The cap is a real limit of this Node: after fast allocation the young generation stays near
  // its two semi-spaces (8 MiB; V8's new_space counts a few pages more now and then: 8.5 here,
  // 10.75 once in a loaded CI run); without it, it grows to 128 MiB. Twice apart either way.
  it('caps the young generation of a Node started with it', () => {
    const script = `const v8 = require('node:v8'); let keep = [];
      for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 200000) keep = []; }
      console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);`;
    const newSpace = (flags: string[]) => Number(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' }).trim()) / 1048576;
    expect(newSpace([YOUNG_GENERATION_FLAG])).toBeLessThanOrEqual(4 * SEMI_SPACE_MIB);
    expect(newSpace([])).toBeGreaterThan(8 * SEMI_SPACE_MIB);
  });

  // v8.setFlagsFromString ignores a flag it does not know: a renamed one would silently do nothing.
  it('names flags this V8 knows', () => {
    const known = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    for (const flag of [FALLBACK_FLAGS, '--max-semi-space-size']) expect(known).toContain(`  ${flag} (`);
  });
});
