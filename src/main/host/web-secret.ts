// The browser host's page secret, one per data folder: created once with mode 0600 in
// `<data>/web-host.secret` and reused by every launch on that folder, so a page left open
// reconnects by itself when the host comes back (a secret per launch locked it out for good).
// Whoever can read the data folder can already read the mail in it; nobody else gets the file.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { atomicWriteFileSync } from '../base/fs-durable.ts';

export const WEB_SECRET_FILE = 'web-host.secret';

/** A secret is 32 base64url characters (24 random bytes); anything else in the file is replaced. */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{32}$/;

export function webHostSecret(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, WEB_SECRET_FILE);
  let existing = '';
  try {
    existing = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (SECRET_SHAPE.test(existing)) {
    // A copy restored from a backup may have lost its mode; the secret stays private.
    chmodSync(file, 0o600);
    return existing;
  }
  const secret = randomBytes(24).toString('base64url');
  atomicWriteFileSync(file, secret + '\n', 0o600);
  return secret;
}
