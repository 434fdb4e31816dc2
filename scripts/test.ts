// `npm test`: builds the renderer (the end-to-end tests serve it), runs every vitest suite
// (the global setup starts the real peers), and ends with one line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);
const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });

const build = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const report = path.join(results, 'vitest.json');
rmSync(report, { force: true });
const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
// A watchdog: a hung suite must still end the run with a summary line, well inside CI's budget.
const run = spawnSync(bin('vitest'), args, { cwd: root, stdio: 'inherit', timeout: 40 * 60_000, killSignal: 'SIGKILL' });
if (run.error || run.signal) console.log(`vitest did not finish: ${run.error?.message ?? run.signal}`);

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    testResults: { status: string; assertionResults: unknown[] }[];
  };
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  // A file that failed to load has no test results but must count as a failure.
  failed += json.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
}
if (run.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
