// Relay benchmark (not a test): N messages submitted over SMTP and relayed to the aiosmtpd accept
// peer, measured end to end (first submission to last arrival at the peer):
//   1. Hearth, several messages per outgoing connection (connection reuse)
//   2. Hearth, one outgoing connection per message
//   3. Exim 4.96 relaying the same load to the same peer (smarthost route)
// Prints messages per second and the ratios. Run: node bench/relay.ts   (RELAY_BENCH_N=1000 for a quick run)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { Relay } from '../src/main/server/relay/relay.ts';
import { startSubmissionServer } from '../src/main/server/smtp/submission.ts';
import { MaildirStore } from '../src/main/maildir/maildir-store.ts';
import { ConfigUserDirectory } from '../src/main/server/users/directory.ts';
import { addUser, loadOrCreateConfig } from '../src/main/server/users/config.ts';
import { generateSelfSigned } from '../src/main/server/tls.ts';
import { silentLogger } from '../src/main/base/log.ts';
import type { MxResolver } from '../src/main/server/relay/types.ts';

const N = Number(process.env.RELAY_BENCH_N ?? 10_000);
const CLIENT_CONNECTIONS = Number(process.env.RELAY_BENCH_CLIENTS ?? 4);
const PEERS = path.resolve(import.meta.dirname, '../../shared/peers');
const STATE = '/tmp/hearth-peers/relay-bench';
const PEER_PORT = 10052;
const EXIM_PORT = 10053;

function message(i: number): string {
  return (
    `From: Alice <alice@home.test>\r\nTo: <r${i % 50}@far.test>\r\nSubject: bench ${i}\r\nMessage-ID: <bench-${i}-${process.pid}@home.test>\r\n` +
    `Date: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n` +
    `${'The quick brown fox jumps over the lazy dog. '.repeat(40).replace(/(.{1,72})( |$)/g, '$1\r\n')}message ${i}\r\n`
  );
}

const peerLog = path.join(STATE, `smtp-${PEER_PORT}.log`);
function peerAccepted(): number {
  if (!existsSync(peerLog)) return 0;
  let n = 0;
  for (const line of readFileSync(peerLog, 'utf8').split('\n')) if (line.includes('"ev": "data"') && line.includes('"reply": "250"')) n++;
  return n;
}

async function waitForPeer(target: number, limitMs: number): Promise<number> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (peerAccepted() >= target) return Date.now();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`peer received ${peerAccepted()} of ${target} messages`);
}

/** Submits N messages through a pooled nodemailer client; returns when all were accepted. */
async function submitAll(opts: { port: number; auth?: { user: string; pass: string } }): Promise<void> {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: CLIENT_CONNECTIONS,
    // Exim ends a connection after 1000 messages (smtp_accept_max_per_connection); recycle before that
    maxMessages: 500,
    host: '127.0.0.1',
    port: opts.port,
    secure: false,
    ignoreTLS: !opts.auth,
    ...(opts.auth ? { requireTLS: true, tls: { rejectUnauthorized: false }, auth: opts.auth } : {}),
  });
  let next = 0;
  const worker = async () => {
    while (next < N) {
      const i = next++;
      for (let attempt = 1; ; attempt++) {
        try {
          await transport.sendMail({ envelope: { from: 'alice@home.test', to: [`r${i % 50}@far.test`] }, raw: message(i) });
          break;
        } catch (err) {
          // a closed connection before the 250: send again (a server that kept it makes a duplicate)
          if (attempt >= 3) throw err;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENT_CONNECTIONS * 2 }, worker));
  transport.close();
}

async function runHearth(reuse: boolean): Promise<{ total: number; submit: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-'));
  const config = await loadOrCreateConfig(dir, 'home.test');
  await addUser(dir, 'alice@home.test', 'bench-password');
  const users = new ConfigUserDirectory(dir, config);
  await users.refresh();
  const store = new MaildirStore({ root: path.join(dir, 'mail') });
  const resolver: MxResolver = {
    resolveMx: async () => [{ exchange: 'mx.far.test', priority: 10 }],
    resolve4: async () => ['127.0.0.1'],
    resolve6: async () => {
      throw Object.assign(new Error('ENODATA'), { code: 'ENODATA' });
    },
  };
  const relay = new Relay({
    dataDir: dir,
    hostname: 'mail.home.test',
    postmasterDomain: 'home.test',
    resolver,
    portOverrides: { 'mx.far.test': PEER_PORT },
    reuseConnections: reuse,
    log: silentLogger,
  });
  await relay.start();
  const tls = await generateSelfSigned({ hostnames: ['localhost'], addresses: ['127.0.0.1'] });
  const listener = await startSubmissionServer(
    { store, users, log: silentLogger, tls, hostname: 'mail.home.test', relay },
    { host: '127.0.0.1', port: 0, implicitTls: false },
  );
  const base = peerAccepted();
  const t0 = Date.now();
  await submitAll({ port: listener.port, auth: { user: 'alice@home.test', pass: 'bench-password' } });
  const submitted = Date.now();
  const done = await waitForPeer(base + N, 30 * 60_000);
  await listener.close();
  await relay.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { total: (N * 1000) / (done - t0), submit: (N * 1000) / (submitted - t0) };
}

/** Delivery alone: N messages queued first (relay paused), then the time to drain the queue. */
async function runHearthDeliveryOnly(reuse: boolean): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-'));
  const resolver: MxResolver = {
    resolveMx: async () => [{ exchange: 'mx.far.test', priority: 10 }],
    resolve4: async () => ['127.0.0.1'],
    resolve6: async () => {
      throw Object.assign(new Error('ENODATA'), { code: 'ENODATA' });
    },
  };
  const relay = new Relay({
    dataDir: dir,
    hostname: 'mail.home.test',
    resolver,
    portOverrides: { 'mx.far.test': PEER_PORT },
    reuseConnections: reuse,
    autoRun: false,
    dkim: null,
    log: silentLogger,
  });
  await relay.start();
  for (let i = 0; i < N; i++) await relay.submit({ from: 'alice@home.test', recipients: [`r${i % 50}@far.test`], body: Buffer.from(message(i)) });
  const base = peerAccepted();
  const t0 = Date.now();
  while (relay.size > 0) await relay.runDue();
  const done = await waitForPeer(base + N, 30 * 60_000);
  await relay.stop();
  rmSync(dir, { recursive: true, force: true });
  return (N * 1000) / (done - t0);
}

async function runExim(): Promise<{ total: number; submit: number }> {
  const dir = path.join(STATE, 'exim');
  execFileSync(path.join(PEERS, 'stop-exim.sh'), [dir], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
  execFileSync(path.join(PEERS, 'start-exim.sh'), [dir], {
    env: { ...process.env, EXIM_SMARTHOST: `127.0.0.1:${PEER_PORT}`, EXIM_PORT: String(EXIM_PORT), EXIM_LOCAL_DOMAINS: 'home.test' },
    stdio: 'ignore',
  });
  try {
    const base = peerAccepted();
    const t0 = Date.now();
    await submitAll({ port: EXIM_PORT });
    const submitted = Date.now();
    const done = await waitForPeer(base + N, 30 * 60_000);
    return { total: (N * 1000) / (done - t0), submit: (N * 1000) / (submitted - t0) };
  } finally {
    execFileSync(path.join(PEERS, 'stop-exim.sh'), [dir], { stdio: 'ignore' });
  }
}

execFileSync(path.join(PEERS, 'stop-smtp-sink.sh'), [STATE, String(PEER_PORT)], { stdio: 'ignore' });
rmSync(peerLog, { force: true });
execFileSync(path.join(PEERS, 'start-smtp-sink.sh'), [STATE, 'accept', String(PEER_PORT)], { stdio: 'ignore' });
try {
  console.log(
    `relay benchmark: ${N} messages of ${message(0).length} bytes, ${CLIENT_CONNECTIONS} submitting connections, aiosmtpd accept peer on ${PEER_PORT}`,
  );
  const reuse = await runHearth(true);
  console.log(`hearth, connection reuse:      ${reuse.total.toFixed(0)} msg/s end to end (submission alone ${reuse.submit.toFixed(0)} msg/s)`);
  const single = await runHearth(false);
  console.log(`hearth, connection per message: ${single.total.toFixed(0)} msg/s end to end (submission alone ${single.submit.toFixed(0)} msg/s)`);
  const drainReuse = await runHearthDeliveryOnly(true);
  console.log(`hearth delivery alone (queue drained), connection reuse:      ${drainReuse.toFixed(0)} msg/s`);
  const drainSingle = await runHearthDeliveryOnly(false);
  console.log(`hearth delivery alone (queue drained), connection per message: ${drainSingle.toFixed(0)} msg/s`);
  const exim = await runExim();
  console.log(`exim 4.96:                      ${exim.total.toFixed(0)} msg/s end to end (submission alone ${exim.submit.toFixed(0)} msg/s)`);
  console.log(`ratio reuse / per-message, end to end: ${(reuse.total / single.total).toFixed(2)}`);
  console.log(`ratio reuse / per-message, delivery alone: ${(drainReuse / drainSingle).toFixed(2)}`);
  console.log(`ratio hearth (reuse) / exim: ${(reuse.total / exim.total).toFixed(2)}`);
  console.log(`ratio hearth (per-message) / exim: ${(single.total / exim.total).toFixed(2)}`);
} finally {
  execFileSync(path.join(PEERS, 'stop-smtp-sink.sh'), [STATE, String(PEER_PORT)], { stdio: 'ignore' });
}
