// Inbound SMTP benchmark (not a test): 10 parallel senders each submit their share of N messages
// of 10 KB over one connection each, to
//   1. Hearth's inbound SMTP (`hearth serve`, its own process), delivering into its Maildir store (fsync before 250),
//   2. Exim 4.96 from ../shared/peers, delivering to Dovecot over LMTP (its spool is fsynced),
//   3. the aiosmtpd accept peer, spooling to disk without fsync,
// in one run; prints messages per second and the ratios.   SMTP_BENCH_N=2000 node bench/smtp-inbound.ts
// SMTP_BENCH_AUTH_CHECKS=1 also runs SPF/DKIM/DMARC on every message (answered "no record" locally;
// Hearth then runs in this process, beside the senders).
// BENCH_TREES=pre=/work/wt/pre [BENCH_ROUNDS=5]: only Hearth, this checkout's `hearth serve` against
// other checkouts', alternating; medians of msg/s and of the server's CPU per message.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { MaildirStore } from '../src/main/maildir/maildir-store.ts';
import { ConfigUserDirectory } from '../src/main/server/users/directory.ts';
import { addUser, loadOrCreateConfig } from '../src/main/server/users/config.ts';
import { loadOrCreateTls } from '../src/main/server/tls.ts';
import { startInboundSmtp } from '../src/main/server/smtp/inbound.ts';
import { silentLogger } from '../src/main/base/log.ts';
import { runPeerScript } from '../test/support/peers.ts';
import { startHearthServe } from './support/hearth-serve.ts';
import { benchTrees, processCpu } from './support/process-cpu.ts';

const N = Number(process.env.SMTP_BENCH_N ?? 2000);
const SENDERS = 10;
const EXIM_PORT = 10054;
const PEER_PORT = 10055;
const body = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(180).replace(/(.{1,72})( |$)/g, '$1\r\n')}`;

function message(i: number, to: string): string {
  return (
    `From: Sender <sender@example.org>\r\nTo: <${to}>\r\nSubject: bench ${i}\r\nMessage-ID: <inb-${i}-${process.pid}@example.org>\r\n` +
    `Date: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`
  );
}

/**
 * 10 senders, one connection each, N messages in all; returns messages per second. The senders use
 * nodemailer's bare SMTP connection with ready-made messages: composing MIME per message (sendMail)
 * cost the senders more than the fastest servers needed, and the senders all share this process.
 */
async function blast(port: number, to: string): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async (_, s) => {
      const conn = new SMTPConnection({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
      await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
      try {
        for (let i = s; i < N; i += SENDERS) {
          const raw = Buffer.from(message(i, to));
          await new Promise<void>((resolve, reject) => conn.send({ from: 'sender@example.org', to: [to] }, raw, (e) => (e ? reject(e) : resolve())));
        }
      } finally {
        conn.quit();
      }
    }),
  );
  return (N * 1000) / (performance.now() - t0);
}

/** Messages per second and the server's CPU per message (ms), for `hearth serve` from `tree`. */
async function hearthServe(tree: string): Promise<{ rate: number; cpuPerMessage: number }> {
  // `hearth serve` in its own process, as deployed (the peers run in theirs; the senders run here).
  const served = await startHearthServe('smtp', { address: 'bob@home.arpa', password: 'bob-password' }, { tree });
  try {
    const cpu0 = processCpu(served.pid);
    const rate = await blast(served.port, 'bob@home.arpa');
    return { rate, cpuPerMessage: (processCpu(served.pid) - cpu0) / N };
  } finally {
    await served.close();
  }
}

async function hearth(): Promise<number> {
  if (!process.env.SMTP_BENCH_AUTH_CHECKS) return (await hearthServe(benchTrees()[0]!.dir)).rate;
  // With SPF/DKIM/DMARC checks: in this process, so their DNS lookups can be answered at once with
  // "no record" (nothing leaves loopback, no DNS wait measured).
  process.env.HEARTH_SCRYPT_LN = '10';
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearth-smtp-bench-'));
  await loadOrCreateConfig(dataDir);
  await addUser(dataDir, 'bob@home.arpa', 'bob-password');
  const tls = await loadOrCreateTls({ dataDir, hostnames: ['localhost'], addresses: ['127.0.0.1'] });
  const store = new MaildirStore({ root: path.join(dataDir, 'mail'), hostname: 'localhost' });
  const ctx = { store, users: new ConfigUserDirectory(dataDir), log: silentLogger, tls, hostname: 'mx.home.arpa' };
  const resolver = async () => {
    throw Object.assign(new Error('no such record'), { code: 'ENOTFOUND' });
  };
  const smtp = await startInboundSmtp(ctx, { host: '127.0.0.1', port: 0, implicitTls: false, resolver });
  try {
    return await blast(smtp.port, 'bob@home.arpa');
  } finally {
    await smtp.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function exim(): Promise<number> {
  const dir = '/tmp/hearth-peers/smtp-bench-exim';
  runPeerScript('stop-exim.sh', [dir, '--purge']);
  runPeerScript('start-exim.sh', [dir], { EXIM_PORT: String(EXIM_PORT) });
  try {
    return await blast(EXIM_PORT, 'alice@example.test');
  } finally {
    runPeerScript('stop-exim.sh', [dir]);
  }
}

async function aiosmtpd(): Promise<number> {
  const dir = '/tmp/hearth-peers/smtp-bench-peer';
  runPeerScript('stop-smtp-sink.sh', [dir, String(PEER_PORT)]);
  rmSync(dir, { recursive: true, force: true });
  runPeerScript('start-smtp-sink.sh', [dir, 'accept', String(PEER_PORT), '--spool', path.join(dir, 'spool')]);
  try {
    return await blast(PEER_PORT, 'alice@example.test');
  } finally {
    runPeerScript('stop-smtp-sink.sh', [dir, String(PEER_PORT)]);
  }
}

execFileSync('true');
console.log(`inbound SMTP benchmark: ${N} messages of ${(message(0, 'x').length / 1024).toFixed(1)} KB, ${SENDERS} parallel senders`);
const trees = benchTrees();
if (trees.length > 1) {
  // BENCH_TREES: this checkout's `hearth serve` against others', alternating, BENCH_ROUNDS each;
  // the servers' CPU per message beside the wall-clock rate (which swings more on a shared machine).
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const runs: Record<string, { rate: number; cpuPerMessage: number }[]> = Object.fromEntries(trees.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++)
    for (let k = 0; k < trees.length; k++) {
      const t = trees[(r + k) % trees.length]!;
      runs[t.name]!.push(await hearthServe(t.dir));
    }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [ours, ...others] = trees.map((t) => ({
    name: t.name,
    rate: median(runs[t.name]!.map((x) => x.rate)),
    cpu: median(runs[t.name]!.map((x) => x.cpuPerMessage)),
  }));
  for (const t of [ours!, ...others])
    console.log(
      `${t.name}: median ${t.rate.toFixed(0)} msg/s (rounds ${runs[t.name]!.map((x) => x.rate.toFixed(0)).join(' ')}), server CPU ${t.cpu.toFixed(2)} ms/msg`,
    );
  for (const o of others)
    console.log(`ratio ${ours!.name} / ${o.name}: ${(ours!.rate / o.rate).toFixed(2)} msg/s, ${(o.cpu / ours!.cpu).toFixed(2)} by server CPU`);
  process.exit(0);
}
const h = await hearth();
console.log(`hearth (Maildir, fsync before 250): ${h.toFixed(0)} msg/s`);
const e = await exim();
console.log(`exim 4.96 (spool + LMTP to Dovecot): ${e.toFixed(0)} msg/s`);
const a = await aiosmtpd();
console.log(`aiosmtpd peer (spool, no fsync):     ${a.toFixed(0)} msg/s`);
console.log(`ratio hearth / exim: ${(h / e).toFixed(2)}`);
console.log(`ratio hearth / aiosmtpd: ${(h / a).toFixed(2)}`);
process.exit(0);
