// A fresh user of the Dovecot peer for a benchmark (started if it is not running), with an empty
// Maildir path the benchmark fills itself. Its mail (up to a gigabyte for the larger benches) is
// removed when the process exits (unless `keep`: a kept Hearth folder syncs with it when opened
// again): a Dovecot peer shared with test runs kept every bench's before.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DOVECOT_STATE, dovecot, dovecotRunning, removeDovecotMail, startDovecot } from '../../test/support/peers.ts';

export async function benchDovecotUser(prefix: string, opts: { keep?: boolean } = {}): Promise<{ user: string; password: string; maildir: string }> {
  if (!dovecotRunning()) startDovecot();
  const user = `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const password = randomBytes(9).toString('base64url');
  appendFileSync(path.join(DOVECOT_STATE, 'etc/passwd'), `${user}:{PLAIN}${password}\n`);
  if (!opts.keep) process.once('exit', () => removeDovecotMail(user));
  await new Promise((r) => setTimeout(r, 1100)); // Dovecot re-reads its passwd-file at most once a second
  return { user, password, maildir: dovecot.maildir(user) };
}
