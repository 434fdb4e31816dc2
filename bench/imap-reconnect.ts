// Reconnect-heavy IMAP mix (issue #12): CLIENTS clients each loop LOGIN, SELECT INBOX, FETCH of
// every message's flags and envelope, LOGOUT, as phones and mail programs that poll do. Against
// `hearth serve` with users made by `hearth user add` (scrypt on disk, login cache in memory) and
// a Dovecot of its own set up like production: ARGON2ID hashes, auth_cache_size=1M and login
// processes reused (DOVECOT_PASS_SCHEME, DOVECOT_AUTH_CACHE, DOVECOT_LOGIN_REUSE of ../shared/peers).
//
//   node bench/imap-reconnect.ts     BENCH_CLIENTS=10 BENCH_LOOPS=5 BENCH_ROUNDS=3 BENCH_MESSAGES=20
//
// Prints sessions/s (one session = LOGIN..LOGOUT) per server and the ratio Hearth / Dovecot.
// Not a test: numbers on a shared 2-vCPU machine are noisy; compare ratios from one run.
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { plainImapflow } from './support/plain-imapflow.ts';
import { runPeerScript } from '../test/support/peers.ts';
import { freePort } from '../test/support/ports.ts';
import { startHearthServe } from './support/hearth-serve.ts';
import { median } from './support/stats.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10);
const LOOPS = Number(process.env.BENCH_LOOPS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20);

interface Target {
  name: string;
  port: number;
  users: { user: string; pass: string }[];
}

/** A small realistic message; both servers get the same bytes. */
function message(i: number): Buffer {
  return Buffer.from(
    `From: Sender ${i} <sender${i}@example.test>\r\nTo: user@example.test\r\nSubject: Poll test ${i}\r\n` +
      `Date: Wed, 02 Dec 2026 08:${String(i % 60).padStart(2, '0')}:00 +0000\r\nMessage-ID: <poll-${i}@example.test>\r\n\r\n` +
      `Body of message ${i}.\r\n`.repeat(20),
  );
}

async function load(t: Target): Promise<void> {
  await Promise.all(
    t.users.map(async (u) => {
      const c = plainImapflow(t.port, u.user, u.pass);
      await c.connect();
      for (let i = 0; i < MESSAGES; i++) await c.append('INBOX', message(i), i % 3 ? ['\\Seen'] : []);
      await c.logout();
    }),
  );
}

/**
 * One LOGIN..LOGOUT session over a raw socket, as a polling client sends it: no client library,
 * so the figure is the server's, not imapflow's connection set-up.
 */
function session(t: Target, u: { user: string; pass: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock: Socket = connect({ host: '127.0.0.1', port: t.port });
    let buf = '';
    let step = 0;
    const script: [string | null, RegExp][] = [
      [null, /^\* OK/m],
      [`a LOGIN "${u.user}" "${u.pass}"\r\n`, /^a (OK|NO|BAD)/m],
      ['b SELECT INBOX\r\n', /^b (OK|NO|BAD)/m],
      ['c FETCH 1:* (FLAGS ENVELOPE)\r\n', /^c (OK|NO|BAD)/m],
      ['d LOGOUT\r\n', /^d (OK|NO|BAD)/m],
    ];
    const next = () => {
      const [, done] = script[step]!;
      const m = done.exec(buf);
      if (!m) return;
      if (m[1] && m[1] !== 'OK') return reject(new Error(`${t.name}: ${buf.slice(m.index, m.index + 200)}`));
      buf = '';
      step++;
      if (step === script.length) {
        sock.end();
        return resolve();
      }
      sock.write(script[step]![0]!);
    };
    sock.on('data', (d: Buffer) => {
      buf = (buf + d.toString('latin1')).slice(-8192);
      next();
    });
    sock.on('error', reject);
  });
}

/** CLIENTS clients, each its own user, LOOPS sessions each; returns sessions per second. */
async function round(t: Target): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      for (let j = 0; j < LOOPS; j++) await session(t, t.users[i % t.users.length]!);
    }),
  );
  return (CLIENTS * LOOPS) / ((performance.now() - t0) / 1000);
}

async function startProductionDovecot(): Promise<{ port: number; stop(): void }> {
  const state = mkdtempSync(path.join(tmpdir(), 'hearth-bench-dovecot-'));
  const [imap, imaps, pop3, pop3s, lmtp] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  runPeerScript('start-dovecot.sh', [state], {
    DOVECOT_IMAP_PORT: String(imap),
    DOVECOT_IMAPS_PORT: String(imaps),
    DOVECOT_POP3_PORT: String(pop3),
    DOVECOT_POP3S_PORT: String(pop3s),
    DOVECOT_LMTP_PORT: String(lmtp),
    DOVECOT_BENCH_USERS: String(CLIENTS),
    DOVECOT_PASS_SCHEME: 'ARGON2ID',
    DOVECOT_AUTH_CACHE: '1M',
    DOVECOT_LOGIN_REUSE: '1',
  });
  return { port: imap, stop: () => runPeerScript('stop-dovecot.sh', [state, '--purge']) };
}

async function main(): Promise<void> {
  console.log(`${CLIENTS} clients x ${LOOPS} sessions (LOGIN, SELECT, FETCH ${MESSAGES} envelopes, LOGOUT); ${ROUNDS} rounds`);
  const hearthUsers = Array.from({ length: CLIENTS }, (_, i) => ({ user: `user${i + 1}@home.arpa`, pass: `pass-${i + 1}-poll` }));
  const hearth = await startHearthServe(
    'imap',
    hearthUsers.map((u) => ({ address: u.user, password: u.pass })),
  );
  const dovecot = await startProductionDovecot();
  const targets: Target[] = [
    { name: 'hearth', port: hearth.port, users: hearthUsers },
    { name: 'dovecot', port: dovecot.port, users: Array.from({ length: CLIENTS }, (_, i) => ({ user: `user${i + 1}`, pass: 'pass' })) },
  ];
  try {
    for (const t of targets) await load(t);
    // One unmeasured round: both servers' caches filled (a polling household is in steady state).
    for (const t of targets) await round(t);
    const runs: Record<string, number[]> = { hearth: [], dovecot: [] };
    for (let r = 0; r < ROUNDS; r++) for (const t of r % 2 ? [...targets].reverse() : targets) runs[t.name]!.push(await round(t));
    const h = median(runs.hearth!);
    const d = median(runs.dovecot!);
    console.log('\nsessions/s (median of rounds)   hearth     dovecot   hearth/dovecot');
    console.log(`${'reconnect mix'.padEnd(29)} ${h.toFixed(0).padStart(8)} ${d.toFixed(0).padStart(11)} ${(h / d).toFixed(2).padStart(16)}`);
    console.log(`reconnect ratio (hearth/dovecot): ${(h / d).toFixed(2)}`);
  } finally {
    await hearth.close();
    dovecot.stop();
  }
}

await main();
