// Main's memory through the first sync, per phase (headers, bodies, index), for finding what grows
// with the mailbox. The corpus is generated in a child process so this one starts clean.
//   node --expose-gc bench/support/sync-memory.ts --messages 2000 [--snapshot]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { dovecot } from '../../test/support/peers.ts';
import { benchDovecotUser } from './dovecot-user.ts';
import { benchServices } from './hearth-services.ts';
import { generateCorpusApart } from '../corpus/generate.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
if (process.env.SYNCMEM_V8_FLAGS) v8.setFlagsFromString(process.env.SYNCMEM_V8_FLAGS);
const N = Number(arg('--messages') ?? 2000);
const SNAPSHOT = process.argv.includes('--snapshot');
const procStatus = () =>
  readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .filter((l) => /^Rss(Anon|File)/.test(l))
    .map((l) => l.replace(/\s+/g, ' '))
    .join(' ');
const mib = (b: number) => (b / 1048576).toFixed(0).padStart(4);

async function main(): Promise<void> {
  const { user, password, maildir } = await benchDovecotUser('syncmem');
  const work = mkdtempSync(path.join(tmpdir(), 'hearth-syncmem-'));
  // The corpus and Hearth's data: gigabytes at 100,000 messages.
  process.once('exit', () => rmSync(work, { recursive: true, force: true }));
  const corpus = path.join(work, 'corpus');
  generateCorpusApart({ dir: corpus, count: N, seed: 42 });
  cpSync(corpus, maildir, { recursive: true });
  execFileSync('chown', ['-R', 'mail:mail', path.dirname(maildir)]);

  const services = benchServices(path.join(work, 'hearth'), { offlineWindowMs: 10 * 365 * 86_400_000 });
  globalThis.gc?.();
  const base = process.memoryUsage();
  let phase = 'headers';
  const peaks: Record<string, { rss: number; heap: number; external: number; ab: number }> = {};
  let snapshotAt = 0;
  const sample = () => {
    const m = process.memoryUsage();
    const p = (peaks[phase] ??= { rss: 0, heap: 0, external: 0, ab: 0 });
    p.rss = Math.max(p.rss, m.rss);
    p.heap = Math.max(p.heap, m.heapUsed);
    p.external = Math.max(p.external, m.external);
    p.ab = Math.max(p.ab, m.arrayBuffers);
    if (SNAPSHOT && phase === 'bodies' && m.heapUsed > snapshotAt * 1.3 && m.heapUsed > 60 * 1048576) {
      snapshotAt = m.heapUsed;
      console.log(`snapshot at heap ${mib(m.heapUsed)}: ${v8.writeHeapSnapshot(`/tmp/syncmem/n${N}-${Date.now()}.heapsnapshot`)}`);
    }
  };
  const sampler = setInterval(sample, 50);
  if (process.argv.includes('--trace'))
    services.events.subscribe((event, payload) => {
      const p = payload as { phase?: string; done?: number; total?: number; mailbox?: string };
      if (event !== 'sync.progress') return;
      const m = process.memoryUsage();
      console.log(
        `${p.phase} ${p.mailbox} ${p.done}/${p.total}: rss ${mib(m.rss)} heap ${mib(m.heapUsed)} ext ${mib(m.external)} ab ${mib(m.arrayBuffers)} heapTotal ${mib(m.heapTotal)} ${procStatus()}`,
      );
    });
  const t = performance.now();
  const account = await services.addAccount({
    name: 'Bench',
    email: `${user}@example.test`,
    incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user, password, auth: 'password' },
  });
  services.start();
  await services.account(account.id).sync();
  sample();
  const th = performance.now();
  phase = 'bodies';
  await services.account(account.id).bodiesDone();
  sample();
  const tb = performance.now();
  phase = 'index';
  await services.bodyIndexer.idle();
  sample();
  const ti = performance.now();
  phase = 'after gc';
  globalThis.gc?.();
  sample();
  clearInterval(sampler);
  console.log(
    `N=${N} base rss ${mib(base.rss)} heap ${mib(base.heapUsed)}; headers ${(th - t).toFixed(0)} ms, bodies ${(tb - th).toFixed(0)} ms, index ${(ti - tb).toFixed(0)} ms`,
  );
  console.log('phase      rss  heap  ext   ab (MiB, peaks)');
  for (const [k, p] of Object.entries(peaks)) console.log(`${k.padEnd(9)} ${mib(p.rss)} ${mib(p.heap)} ${mib(p.external)} ${mib(p.ab)}`);
  await services.close();
  process.exit(0);
}
await main();
