// `npm start` where Electron cannot be had: the very script (launch.mjs -> start.ts) says why in
// one line and serves the browser version, which stops cleanly on SIGTERM. The other cases
// (binary present, fetched, download failed) are decided by planStart: test/scripts/start-plan.test.ts.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** With an Electron binary installed, npm start would open the desktop app: nothing to see here. */
const electronInstalled = existsSync(path.join(ROOT, 'node_modules/electron/path.txt'));

describe('npm start without an Electron binary', () => {
  it.skipIf(electronInstalled)('ELECTRON_SKIP_BINARY_DOWNLOAD=1: one line why, then the browser version', { timeout: 180_000 }, async () => {
    const data = tempDir('hearth-start-');
    const child = spawn(process.execPath, ['scripts/launch.mjs', 'scripts/start.ts', '--data', data, '--port', '0', '--no-server'], {
      cwd: ROOT,
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await poll(() => /^Log file: /m.test(out), 150_000).toBe(true);
      const lines = out.split('\n');
      expect(lines[0]).toBe('No Electron binary here and ELECTRON_SKIP_BINARY_DOWNLOAD is set, so starting the browser version instead.');
      expect(out).toMatch(/^ {2}http:\/\/127\.0\.0\.1:\d+\/#\S+$/m);
      expect(out).toContain(`Data folder: ${data}`);
      // No JSON log lines on the terminal.
      expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
