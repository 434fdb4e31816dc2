// Main's longest synchronous blocks through a first sync (headers, bodies, index): a 5 ms timer
// records every gap longer than 30 ms together with the CPU time this process spent in it (CPU
// near the gap: work on main's thread; CPU far below it: the OS gave the core to someone else),
// and every cache transaction's CPU time, by caller.
//   node bench/support/sync-blocks.ts --messages 10000 [--headers-only]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dovecot } from '../../test/support/peers.ts';
import { benchDovecotUser } from './dovecot-user.ts';
import { benchServices } from './hearth-services.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg('--messages') ?? 10_000);
const GEN = path.resolve(import.meta.dirname, '../../../shared/bench/gen-corpus.py');
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<void> {
  const { user, password, maildir } = await benchDovecotUser('syncblk');
  mkdirSync(maildir, { recursive: true });
  execFileSync('/usr/bin/python3', [GEN, maildir, String(N), '11'], { stdio: 'ignore' });
  execFileSync('chown', ['-R', 'mail:mail', path.dirname(maildir)]);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-syncblk-'));
  const services = benchServices(dataDir, { offlineWindowMs: 10 * 365 * 86_400_000 });

  let phase = 'setup';
  const gaps: { phase: string; wall: number; cpu: number }[] = [];
  let lastT = performance.now();
  let lastC = cpuNow();
  const timer = setInterval(() => {
    const t = performance.now();
    const c = cpuNow();
    if (t - lastT > 30) gaps.push({ phase, wall: t - lastT, cpu: c - lastC });
    lastT = t;
    lastC = c;
  }, 5);
  const tx: { where: string; cpu: number; wall: number }[] = [];
  const cache = services.cache;
  const inner = cache.transaction.bind(cache);
  cache.transaction = <T>(fn: () => T): T => {
    if (cache.db.isTransaction) return fn();
    const t = performance.now();
    const c = cpuNow();
    try {
      return inner(fn);
    } finally {
      const frames = (new Error().stack ?? '')
        .split('\n')
        .slice(2, 4)
        .map((l) =>
          l
            .trim()
            .replace(/^at /, '')
            .replace(/\(.*\/src\//, '('),
        )
        .join(' < ');
      tx.push({ where: `${phase}: ${frames}`, cpu: cpuNow() - c, wall: performance.now() - t });
    }
  };

  // COMMIT alone (FTS5 writes its pending terms as a segment then, and merges segments).
  const commits: { phase: string; cpu: number }[] = [];
  const exec = cache.db.exec.bind(cache.db);
  cache.db.exec = (sql: string) => {
    if (sql !== 'COMMIT') return exec(sql);
    const c = cpuNow();
    exec(sql);
    commits.push({ phase, cpu: cpuNow() - c });
  };
  const account = await services.addAccount({
    name: 'Bench',
    email: `${user}@example.test`,
    incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user, password, auth: 'password' },
  });
  const c0 = cpuNow();
  const t0 = performance.now();
  phase = 'headers';
  services.start();
  await services.account(account.id).sync();
  const th = performance.now();
  const ch = cpuNow();
  phase = 'bodies';
  if (!process.argv.includes('--headers-only')) await services.account(account.id).bodiesDone();
  const tb = performance.now();
  const cb = cpuNow();
  phase = 'index';
  if (!process.argv.includes('--headers-only')) await services.bodyIndexer.idle();
  const ti = performance.now();
  const ci = cpuNow();
  clearInterval(timer);
  console.log(
    `N=${N}: headers ${(th - t0).toFixed(0)} ms (CPU ${(ch - c0).toFixed(0)}), bodies ${(tb - th).toFixed(0)} ms (CPU ${(cb - ch).toFixed(0)}), index ${(ti - tb).toFixed(0)} ms (CPU ${(ci - cb).toFixed(0)})`,
  );
  const top = (n: number) => [...gaps].sort((a, b) => b.cpu - a.cpu).slice(0, n);
  console.log(`timer gaps > 30 ms: ${gaps.length}; with > 30 ms CPU: ${gaps.filter((g) => g.cpu > 30).length}; longest by CPU:`);
  for (const g of top(12)) console.log(`  ${g.phase.padEnd(8)} wall ${g.wall.toFixed(0).padStart(4)} ms CPU ${g.cpu.toFixed(0).padStart(4)} ms`);
  const byWhere = new Map<string, { n: number; max: number; sum: number }>();
  for (const x of tx) {
    const s = byWhere.get(x.where) ?? { n: 0, max: 0, sum: 0 };
    s.n++;
    s.max = Math.max(s.max, x.cpu);
    s.sum += x.cpu;
    byWhere.set(x.where, s);
  }
  console.log('transactions by caller (CPU ms: count, max, total):');
  for (const [w, s] of [...byWhere].sort((a, b) => b[1].max - a[1].max).slice(0, 12))
    console.log(`  ${String(s.n).padStart(5)} max ${s.max.toFixed(0).padStart(4)} sum ${s.sum.toFixed(0).padStart(5)}  ${w}`);
  for (const p of ['headers', 'index']) {
    const xs = tx.filter((x) => x.where.startsWith(p)).map((x) => x.cpu);
    console.log(
      `${p} transactions, CPU ms in order: ${xs
        .slice(0, 12)
        .map((x) => x.toFixed(0))
        .join(' ')}; largest: ${[...xs]
        .sort((a, b) => b - a)
        .slice(0, 8)
        .map((x) => x.toFixed(0))
        .join(' ')}`,
    );
  }
  for (const p of ['headers', 'index']) {
    const xs = commits.filter((x) => x.phase === p).map((x) => x.cpu);
    console.log(
      `${p} COMMITs: ${xs.length}, CPU ms total ${xs.reduce((a, b) => a + b, 0).toFixed(0)}, largest: ${[...xs]
        .sort((a, b) => b - a)
        .slice(0, 8)
        .map((x) => x.toFixed(0))
        .join(' ')}`,
    );
  }
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
await main();
