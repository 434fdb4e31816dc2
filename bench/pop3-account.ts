// Benchmark (not a test): a POP3 account in Hearth downloading N messages from the Dovecot peer
// into its durable local store (each message appended with fsync, UIDLs recorded and messages listed
// in the cache a batch per event-loop turn)
// vs getmail6 pulling the same mailbox into a Maildir, in the same run; prints msg/s and the ratio.
//
//   node bench/pop3-account.ts [N=5000]
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pop3Client } from '../src/main/client/pop3/index.ts';
import { HearthServices } from '../src/main/client/hearth-services.ts';
import { FileKeySecretBox } from '../src/main/base/secret-box.ts';
import { silentLogger } from '../src/main/base/log.ts';
import { runGetmail } from './support/getmail.ts';
import { addDovecotUserPool, createDovecotUser, dovecot, dovecotRunning, removeDovecotMail, startDovecot } from '../test/support/peers.ts';

const N = Number(process.argv[2] ?? 5000);

const GEN = path.resolve(import.meta.dirname, '../../shared/bench/gen-corpus.py');

if (!dovecotRunning()) startDovecot();
process.env.HEARTH_DOVECOT_POOL ??= `bench${Date.now().toString(36)}x`;
await addDovecotUserPool(process.env.HEARTH_DOVECOT_POOL);
const { user, password } = createDovecotUser('bench');
const maildir = dovecot.maildir(user);
for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true });
console.log(`generating ${N} messages for ${user} ...`);
execFileSync('/usr/bin/python3', [GEN, maildir, String(N)], { stdio: 'pipe' });
execFileSync('chown', ['-R', 'mail:mail', path.dirname(maildir)]);
let bytes = 0;
for (const f of readdirSync(path.join(maildir, 'cur'))) bytes += readFileSync(path.join(maildir, 'cur', f)).length; // warm the cache
console.log(`corpus: ${N} messages, ${(bytes / 1024 / 1024).toFixed(1)} MiB`);

const work = mkdtempSync(path.join(tmpdir(), 'hearth-bench-pop3-'));
chmodSync(work, 0o755);

// Let Dovecot build its POP3 UIDL/size cache once, so neither client pays for the first scan.
{
  const c = await Pop3Client.connect({ host: '127.0.0.1', port: dovecot.pop3Port, security: 'none' });
  await c.login(user, password);
  await c.uidl();
  await c.list();
  await c.quit();
}

async function hearth(): Promise<number> {
  const dataDir = path.join(work, 'hearth');
  mkdirSync(dataDir);
  const services = new HearthServices({
    dataDir,
    host: 'web',
    version: 'bench',
    secrets: new FileKeySecretBox(dataDir),
    log: silentLogger,
    pollIntervalMs: 3_600_000,
  });
  const account = services.addAccountUnchecked({
    name: 'Bench',
    email: `${user}@example.test`,
    incoming: { protocol: 'pop3', host: '127.0.0.1', port: dovecot.pop3Port, tls: 'plain', user, password, auth: 'password' },
  });
  const start = performance.now();
  services.start(); // the account's first check starts here
  await services.account(account.id).sync();
  const seconds = (performance.now() - start) / 1000;
  const inbox = services.cache.mailboxes.list(account.id).find((m) => m.specialUse === 'inbox')!;
  const got = services.cache.messages.page(inbox.id, 0, 1).total;
  await services.close();
  if (got !== N) throw new Error(`hearth stored ${got} of ${N}`);
  console.log(`hearth: ${N} messages downloaded, stored and listed in ${seconds.toFixed(2)} s`);
  return N / seconds;
}

function getmail(name: string): number {
  const run = runGetmail(path.join(work, name), { port: dovecot.pop3Port, user, password });
  if (run.stored !== N) throw new Error(`getmail stored ${run.stored} of ${N}`);
  console.log(`getmail: ${N} messages in ${run.seconds.toFixed(2)} s`);
  return N / run.seconds;
}

try {
  const ours = await hearth();
  const theirs = getmail('getmail');
  console.log(`hearth pop3 account: ${ours.toFixed(0)} msg/s`);
  console.log(`getmail6:           ${theirs.toFixed(0)} msg/s`);
  console.log(`ratio hearth/getmail: ${(ours / theirs).toFixed(1)}x`);
} finally {
  rmSync(work, { recursive: true, force: true });
  removeDovecotMail(user);
}
