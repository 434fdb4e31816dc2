// scripts/launch.mjs: every npm script's entry. It must run on an old Node (say why, in one line)
// and hand a .ts file its usual argv on Node 24.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeVersionProblem } from '../../scripts/node-check.mjs';
import { tempDir } from '../support/temp-dir.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LAUNCH = path.join(ROOT, 'scripts/launch.mjs');

/** A Node older than 24 on this machine (Debian's), if there is one. */
function oldNode(): string | null {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate)) continue;
    const v = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    if (v.status === 0 && nodeVersionProblem(v.stdout.trim())) return candidate;
  }
  return null;
}

describe('scripts/launch.mjs', () => {
  it('runs a .ts file with the argv it would have had when run directly', () => {
    const dir = tempDir('hearth-launch-');
    const script = path.join(dir, 'echo-argv.ts');
    writeFileSync(script, 'const rest: string[] = process.argv.slice(1);\nprocess.stdout.write(JSON.stringify(rest));\n');
    const r = spawnSync(process.execPath, [LAUNCH, script, '--port', '1'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([script, '--port', '1']);
    expect(spawnSync(process.execPath, [LAUNCH, '--check']).status).toBe(0);
  });

  it.skipIf(!oldNode())('on an older Node: one line naming the Node needed and how to get it, exit 1', () => {
    for (const target of ['scripts/start.ts', 'scripts/test.ts', '--check']) {
      const r = spawnSync(oldNode()!, [LAUNCH, target], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Hearth needs Node\.js 24 or newer \(this is 2?\d\./);
      expect(lines[0]).toMatch(/node@24/);
    }
  });

  it('every npm script checks the Node version first, through launch.mjs', () => {
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(Object.keys(scripts).length).toBeGreaterThan(5);
    const checked = (name: string): boolean => {
      const line = scripts[name]!;
      // Node's own flags may come first (the young generation cap: src/main/base/small-heap.ts).
      if (/^node (?:--[\w-]+(?:=\S+)? )*scripts\/launch\.mjs /.test(line)) return true;
      // `npm run -s other` is checked when `other` is.
      const other = /^npm run (?:-s )?([\w:-]+)/.exec(line)?.[1];
      return other !== undefined && other !== name && checked(other);
    };
    for (const name of Object.keys(scripts)) expect(checked(name), `npm run ${name}: ${scripts[name]}`).toBe(true);
  });

  it('the pure check', () => {
    expect(nodeVersionProblem('24.0.0')).toBeNull();
    expect(nodeVersionProblem('v25.1.0')).toBeNull();
    expect(nodeVersionProblem('22.12.0')).toMatch(/needs Node\.js 24/);
  });
});
