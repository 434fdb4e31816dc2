// IMAP server benchmark: the same imapflow program, N parallel sessions doing APPEND, SELECT +
// FETCH flags/envelopes, FETCH bodies, STORE and EXPUNGE, against our server and against Dovecot
// (../shared/peers), loaded with the same messages (../shared/bench/gen-corpus.py), in one run.
//
//   node bench/imap-server.ts            BENCH_MESSAGES=600 BENCH_SESSIONS=4 BENCH_ROUNDS=5
//
// Each server runs one unmeasured warm-up round, then BENCH_ROUNDS measured ones (alternating).
// Prints msg/s per phase for each server and the ratio Hearth / Dovecot (> 1: Hearth faster).
// Not a test: numbers on a shared 2-vCPU machine are noisy; compare ratios from one run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { connect } from 'node:net';
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { DOVECOT_STATE, dovecot, dovecotRunning, startDovecot } from '../test/support/peers.ts';
import { startHearthServe } from './support/hearth-serve.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 600);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const GEN = path.resolve(import.meta.dirname, '../../shared/bench/gen-corpus.py');

interface Target {
  name: string;
  port: number;
  user: string;
  pass: string;
}

type Phase = 'append' | 'fetchEnvelope' | 'fetchBody' | 'store' | 'expunge';
const PHASES: Phase[] = ['append', 'fetchEnvelope', 'fetchBody', 'store', 'expunge'];

function corpus(): Buffer[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-bench-corpus-'));
  execFileSync('/usr/bin/python3', [GEN, dir, String(MESSAGES), '7'], { stdio: 'pipe' });
  const cur = path.join(dir, 'cur');
  // IMAP messages have CRLF line ends; both servers get the same bytes.
  const out = readdirSync(cur)
    .sort()
    .map((f) => Buffer.from(readFileSync(path.join(cur, f), 'latin1').replace(/\r?\n/g, '\r\n'), 'latin1'));
  rmSync(dir, { recursive: true, force: true });
  return out;
}

function client(t: Target): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: t.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: t.user, pass: t.pass },
    logger: false,
  } as ConstructorParameters<typeof ImapFlow>[0]);
}

async function load(t: Target, messages: Buffer[]): Promise<void> {
  const c = client(t);
  await c.connect();
  // Load INBOX with a few parallel connections to save time; not measured.
  const extra = await Promise.all(
    [1, 2, 3].map(async () => {
      const x = client(t);
      await x.connect();
      return x;
    }),
  );
  const all = [c, ...extra];
  await Promise.all(
    all.map(async (cl, i) => {
      for (let j = i; j < messages.length; j += all.length) await cl.append('INBOX', messages[j]!, j % 5 ? ['\\Seen'] : []);
    }),
  );
  for (let i = 0; i < SESSIONS; i++) await c.mailboxCreate(`Bench${i}`).catch(() => {});
  await Promise.all(all.map((x) => x.logout()));
}

/** One round: every session runs the phases in step; returns msg/s per phase. */
async function round(t: Target, messages: Buffer[]): Promise<Record<Phase, number>> {
  const clients = await Promise.all(
    Array.from({ length: SESSIONS }, async () => {
      const c = client(t);
      await c.connect();
      return c;
    }),
  );
  const result = {} as Record<Phase, number>;
  const timed = async (phase: Phase, work: (c: ImapFlow, i: number) => Promise<number>) => {
    const t0 = performance.now();
    const counts = await Promise.all(clients.map((c, i) => work(c, i)));
    const secs = (performance.now() - t0) / 1000;
    result[phase] = counts.reduce((a, b) => a + b, 0) / secs;
  };
  // Enough APPENDs (each fsynced) that the phase is not over before the noise of the machine is.
  const perSession = Math.max(1, Math.floor(200 / SESSIONS));
  await timed('append', async (c, i) => {
    for (let j = 0; j < perSession; j++) await c.append(`Bench${i}`, messages[(i * perSession + j) % messages.length]!);
    return perSession;
  });
  await timed('fetchEnvelope', async (c) => {
    await c.mailboxOpen('INBOX');
    const got = await c.fetchAll('1:*', { uid: true, flags: true, envelope: true, size: true });
    return got.length;
  });
  const slice = Math.max(1, Math.floor(messages.length / SESSIONS));
  await timed('fetchBody', async (c, i) => {
    let n = 0;
    for await (const m of c.fetch(`${i * slice + 1}:${(i + 1) * slice}`, { uid: true, source: true })) if (m.source) n++;
    return n;
  });
  await timed('store', async (c, i) => {
    const range = `${i * slice + 1}:${(i + 1) * slice}`;
    await c.messageFlagsAdd(range, ['$Bench']);
    await c.messageFlagsRemove(range, ['$Bench']);
    return slice * 2;
  });
  await timed('expunge', async (c, i) => {
    await c.mailboxOpen(`Bench${i}`);
    await c.messageDelete('1:*');
    return perSession;
  });
  await Promise.all(clients.map((c) => c.logout()));
  return result;
}

/** Logs in over a raw socket and times one FETCH of every body until its tagged OK. */
async function rawFetchAll(t: Target): Promise<number> {
  const sock = connect({ host: '127.0.0.1', port: t.port });
  let buf = '';
  const waitFor = (re: RegExp) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (re.test(buf)) {
          sock.off('data', onData);
          resolve();
        }
      };
      const onData = (d: Buffer) => {
        buf = (buf + d.toString('latin1')).slice(-4096);
        check();
      };
      sock.on('data', onData);
      check();
    });
  await waitFor(/^\* OK/m);
  buf = '';
  sock.write(`a LOGIN "${t.user}" "${t.pass}"\r\n`);
  await waitFor(/^a OK/m);
  buf = '';
  sock.write('b EXAMINE INBOX\r\n');
  await waitFor(/^b OK/m);
  buf = '';
  const t0 = performance.now();
  sock.write('c FETCH 1:* BODY.PEEK[]\r\n');
  await waitFor(/^c OK/m);
  const ms = performance.now() - t0;
  sock.destroy();
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const messages = corpus();
  const bytes = messages.reduce((a, m) => a + m.length, 0);
  console.log(`corpus: ${messages.length} messages, ${(bytes / 1048576).toFixed(1)} MiB; ${SESSIONS} sessions; ${ROUNDS} rounds`);

  // Ours: `hearth serve` in its own process (as deployed; Dovecot runs in its own processes too),
  // with only the IMAP listener.
  const listener = await startHearthServe('imap', { address: 'bench@home.arpa', password: 'bench-password' });
  // The Dovecot peer is shared with test runs: start it if needed, never stop it.
  if (!dovecotRunning()) startDovecot();
  // A fresh Dovecot user (Dovecot re-reads its passwd-file at most once a second).
  const du = { user: `bench${Date.now().toString(36)}${randomBytes(3).toString('hex')}`, password: randomBytes(9).toString('base64url') };
  appendFileSync(path.join(DOVECOT_STATE, 'etc/passwd'), `${du.user}:{PLAIN}${du.password}\n`);
  await new Promise((r) => setTimeout(r, 1100));
  const targets: Target[] = [
    { name: 'hearth', port: listener.port, user: 'bench@home.arpa', pass: 'bench-password' },
    { name: 'dovecot', port: dovecot.imapPort, user: du.user, pass: du.password },
  ];
  try {
    for (const t of targets) {
      const t0 = performance.now();
      await load(t, messages);
      console.log(`${t.name}: loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    // The wire alone, without imapflow: one session, FETCH 1:* BODY.PEEK[] over a raw socket.
    for (const t of targets) {
      const ms = await rawFetchAll(t);
      console.log(`${t.name}: raw FETCH 1:* BODY.PEEK[] (one session, no client library): ${ms.toFixed(0)} ms`);
    }
    // One unmeasured round each first: steady state is what a household server lives in (V8 has
    // compiled our hot paths, Dovecot has built its index caches), not the first second after start.
    for (const t of targets) await round(t, messages);
    const runs: Record<string, Array<Record<Phase, number>>> = { hearth: [], dovecot: [] };
    // Alternate servers each round so neither always runs on a warmer machine.
    for (let r = 0; r < ROUNDS; r++) for (const t of r % 2 ? [...targets].reverse() : targets) runs[t.name]!.push(await round(t, messages));
    console.log('\nmsg/s (median of rounds)      hearth     dovecot   hearth/dovecot');
    let logSum = 0;
    for (const p of PHASES) {
      const h = median(runs.hearth!.map((x) => x[p]));
      const d = median(runs.dovecot!.map((x) => x[p]));
      logSum += Math.log(h / d);
      console.log(`${p.padEnd(26)} ${h.toFixed(0).padStart(10)} ${d.toFixed(0).padStart(11)} ${(h / d).toFixed(2).padStart(16)}`);
    }
    console.log(
      `${'geometric mean ratio'.padEnd(49)} ${Math.exp(logSum / PHASES.length)
        .toFixed(2)
        .padStart(16)}`,
    );
  } finally {
    await listener.close();
  }
}

await main();
