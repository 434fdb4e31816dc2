// A fresh user of the Dovecot peer for a benchmark (started if it is not running), with an empty
// Maildir path the benchmark fills itself.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DOVECOT_STATE, dovecot, dovecotRunning, startDovecot } from '../../test/support/peers.ts';

export async function benchDovecotUser(prefix: string): Promise<{ user: string; password: string; maildir: string }> {
  if (!dovecotRunning()) startDovecot();
  const user = `${prefix}${randomBytes(3).toString('hex')}`;
  const password = 'bench-pass';
  appendFileSync(path.join(DOVECOT_STATE, 'etc/passwd'), `${user}:{PLAIN}${password}\n`);
  await new Promise((r) => setTimeout(r, 1100)); // Dovecot re-reads its passwd-file at most once a second
  return { user, password, maildir: dovecot.maildir(user) };
}
