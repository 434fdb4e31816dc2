// The browser host's per-data-folder secret: created once, private (0600), reused, repaired.
import { describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WEB_SECRET_FILE, webHostSecret } from '../../../src/main/host/web-secret.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('webHostSecret', () => {
  it('creates the secret once with mode 0600 and returns the same one on every later launch', () => {
    const data = path.join(tempDir('hearth-web-secret-'), 'fresh');
    const secret = webHostSecret(data);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const file = path.join(data, WEB_SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
    expect(webHostSecret(data)).toBe(secret);
    expect(webHostSecret(tempDir('hearth-web-secret-'))).not.toBe(secret);
  });

  it('makes a file that lost its mode private again, and replaces a damaged one', () => {
    const data = tempDir('hearth-web-secret-');
    const secret = webHostSecret(data);
    const file = path.join(data, WEB_SECRET_FILE);
    chmodSync(file, 0o644);
    expect(webHostSecret(data)).toBe(secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'short');
    const replaced = webHostSecret(data);
    expect(replaced).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(replaced).not.toBe(secret);
  });
});
