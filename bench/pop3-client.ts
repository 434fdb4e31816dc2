// Benchmark (not a test): download N messages over POP3 from the Dovecot peer with Hearth's POP3
// client and with getmail6, from the same mailbox in the same run, and print msg/s and the ratio.
//
//   node bench/pop3-client.ts [N=5000]
//
// The corpus comes from /work/shared/bench/gen-corpus.py, written into a fresh Dovecot user's Maildir.
// Both clients use plain POP3 on loopback and store each message as its own fsynced file (getmail:
// Maildir delivery; Hearth: retrToFile, temp file + fsync + rename). The page cache is warmed first
// so neither run pays for the cold reads alone.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pop3Client } from '../src/main/client/pop3/index.ts';
import { runGetmail } from './support/getmail.ts';
import { addDovecotUserPool, createDovecotUser, dovecot, dovecotRunning, removeDovecotMail, startDovecot } from '../test/support/peers.ts';

const N = Number(process.argv[2] ?? 5000);
const WINDOW = 32; // RETRs in flight (the client pipelines them when the server offers PIPELINING)
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
  const out = path.join(work, 'hearth');
  mkdirSync(out);
  const start = performance.now();
  const c = await Pop3Client.connect({ host: '127.0.0.1', port: dovecot.pop3Port, security: 'none' });
  await c.login(user, password);
  const list = await c.uidl();
  let next = 0;
  let total = 0;
  const worker = async () => {
    while (next < list.length) {
      const entry = list[next++]!;
      const size = await c.retrToFile(entry.msg, path.join(out, `${entry.uid}.eml`));
      total += size;
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
  await c.quit();
  const seconds = (performance.now() - start) / 1000;
  if (readdirSync(out).length !== N) throw new Error(`hearth stored ${readdirSync(out).length} of ${N}`);
  console.log(`hearth: ${N} messages, ${(total / 1024 / 1024).toFixed(1)} MiB in ${seconds.toFixed(2)} s`);
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
  console.log(`hearth pop3 client: ${ours.toFixed(0)} msg/s`);
  console.log(`getmail6:           ${theirs.toFixed(0)} msg/s`);
  console.log(`ratio hearth/getmail: ${(ours / theirs).toFixed(1)}x`);
} finally {
  rmSync(work, { recursive: true, force: true });
  removeDovecotMail(user);
}
