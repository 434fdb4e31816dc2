// A private folder for a test's data, under the OS temp folder: hearth-<what>-XXXXXX.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function tempDir(what = 'test'): string {
  return mkdtempSync(path.join(tmpdir(), `hearth-${what}-`));
}
