// getmail6 pulling a POP3 mailbox into a fresh Maildir, as the peer README says to run it: as the
// owner of the Maildir, the getmaildir and the rc file (`runuser -u mail`), through
// getmail-sigchld-fixed.py: getmail forks a delivery child per message and installs its SIGCHLD
// handler after the fork, so on a busy machine it sometimes misses a child's exit and waits out
// its 180 s timeout; that race is getmail's, not a measure of its speed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FIXED_GETMAIL = path.join(import.meta.dirname, 'getmail-sigchld-fixed.py');

export interface GetmailRun {
  seconds: number;
  stored: number;
}

export function runGetmail(dir: string, pop3: { port: number; user: string; password: string }): GetmailRun {
  const md = path.join(dir, 'Maildir');
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(md, sub), { recursive: true });
  const state = path.join(dir, 'state');
  mkdirSync(state);
  const rc = path.join(dir, 'getmailrc');
  writeFileSync(
    rc,
    `[retriever]\ntype = SimplePOP3Retriever\nserver = 127.0.0.1\nport = ${pop3.port}\nusername = ${pop3.user}\npassword = ${pop3.password}\n` +
      `[destination]\ntype = Maildir\npath = ${md}/\n[options]\nread_all = true\ndelete = false\nverbose = 0\n`,
    { mode: 0o600 },
  );
  execFileSync('chown', ['-R', 'mail:mail', dir]);
  const start = performance.now();
  try {
    execFileSync('runuser', ['-u', 'mail', '--', '/usr/bin/python3', FIXED_GETMAIL, `--rcfile=${rc}`, `--getmaildir=${state}`], {
      stdio: 'pipe',
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
  } catch (e) {
    const { status, stdout, stderr } = e as { status?: number; stdout?: string; stderr?: string };
    const tail = (s?: string) => (s ?? '').trim().split('\n').slice(-5).join('\n');
    throw new Error(`getmail failed (exit ${status}):\n${tail(stdout)}\n${tail(stderr)}`, { cause: e });
  }
  return { seconds: (performance.now() - start) / 1000, stored: readdirSync(path.join(md, 'new')).length };
}
