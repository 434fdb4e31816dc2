// A private folder for a test's data: hearth-<what>-XXXXXX under this run's own folder, which the
// run's global teardown removes (test/support/global-setup.ts; HEARTH_KEEP_TMP=1 keeps it to look
// at after a failure). Outside a vitest run, under the OS temp folder.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Set by the global setup before the workers are forked, so every test file of a run shares it. */
export const RUN_TEMP_ENV = 'HEARTH_TEST_TMP';

export function tempDir(what = 'test'): string {
  return mkdtempSync(path.join(process.env[RUN_TEMP_ENV] ?? tmpdir(), `hearth-${what}-`));
}

/**
 * The run's folder, made by the global setup. Others may pass through it (as /tmp lets them): some
 * tests run real clients as other users (getmail as mail, `hearth serve` as nobody) in folders
 * they open up themselves.
 */
export function makeRunTempRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'hearth-run-'));
  chmodSync(root, 0o711);
  return root;
}

export function removeRunTempRoot(root: string): void {
  if (process.env.HEARTH_KEEP_TMP) return;
  rmSync(root, { recursive: true, force: true });
}
