// `npm run bench`: runs every benchmark in bench/ one after another (each starts the peers it
// needs), shows its output as it goes, and ends with the ratio lines of all of them side by side.
//   npm run bench                 all of them
//   npm run bench -- imap-sync    only those whose name contains the word
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { YOUNG_GENERATION_FLAG } from '../src/main/base/small-heap.ts';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => only.length === 0 || only.some((w) => f.includes(w)))
  .sort();

// Those that drive Chromium serve the built renderer (out/renderer): build it first, as `npm test` does.
if (benches.some((f) => ['search.ts', 'ui-latency.ts'].includes(f))) {
  const build = spawnSync(path.join(dir, '../node_modules/.bin/electron-vite'), ['build', '--logLevel', 'warn'], {
    cwd: path.join(dir, '..'),
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const summary: string[] = [];
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const started = performance.now();
  const lines: string[] = [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [YOUNG_GENERATION_FLAG, path.join(dir, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let rest = '';
    child.stdout.on('data', (d: Buffer) => {
      process.stdout.write(d);
      const text = rest + d.toString('utf8');
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
    });
    child.on('close', (c) => {
      if (rest) lines.push(rest);
      resolve(c ?? 1);
    });
  });
  if (code !== 0) failed++;
  const ratios = lines.filter((l) => /ratio/i.test(l));
  summary.push(`${file} (${((performance.now() - started) / 1000).toFixed(0)} s${code ? `, exit ${code}` : ''})`, ...ratios.map((l) => `  ${l.trim()}`));
}
console.log('\n=== summary (Hearth / peer unless a line says otherwise)');
console.log(summary.join('\n'));
process.exit(failed ? 1 : 0);
