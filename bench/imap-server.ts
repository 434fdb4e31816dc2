// IMAP server benchmark: the same imapflow program, N parallel sessions doing APPEND, SELECT +
// FETCH flags/envelopes, FETCH bodies, STORE and EXPUNGE, against our server and against Dovecot
// (../shared/peers), loaded with the same messages (../shared/bench/gen-corpus.py), in one run.
// Each session is its own worker thread (bench/support/imap-bench-session.ts), as each device of a
// household parses on its own CPU: one event loop for all clients made them the bottleneck.
//
//   node bench/imap-server.ts            BENCH_MESSAGES=600 BENCH_SESSIONS=4 BENCH_ROUNDS=5
//   BENCH_CPU=1                          also the servers' CPU time per phase (see below)
//   BENCH_TREES=pre=/work/wt/pre,...     also run `hearth serve` from other checkouts, same workload
//   BENCH_DOVECOT=0                      leave Dovecot out (to compare checkouts only)
//   BENCH_QRESYNC=1                      the clients enable QRESYNC (then Dovecot, too, puts UIDs
//                                        in the FETCH lines a change causes; see bench/README.md)
//   BENCH_PROFILE=DIR                    CPU profiles of the Hearth servers into DIR/<name>/, and
//                                        DIR/phases.json: when each measured phase ran (profile clock)
//
// Each server runs one unmeasured warm-up round, then BENCH_ROUNDS measured ones (alternating).
// Prints msg/s per phase for each server and the ratio Hearth / Dovecot (> 1: Hearth faster).
// Not a test: numbers on a shared 2-vCPU machine are noisy; compare ratios from one run.
// Server CPU time (from /proc: the `hearth serve` process; Dovecot's `imap` processes of the bench
// user) changes little with the load of the machine, unlike wall-clock time: with BENCH_CPU=1 the
// least of the rounds is printed per phase, in ms, and so is this process's (the clients').
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ImapFlow } from 'imapflow';
import { plainImapflow } from './support/plain-imapflow.ts';
import { connect } from 'node:net';
import { dovecot } from '../test/support/peers.ts';
import { benchDovecotUser } from './support/dovecot-user.ts';
import { startHearthServe, type HearthServe } from './support/hearth-serve.ts';
import { benchTrees, processCpu } from './support/process-cpu.ts';
import { formatInterval, median, pairedRatio } from './support/stats.ts';
import type { Phase, SessionData, SessionRequest } from './support/imap-bench-session.ts';
import { Worker } from 'node:worker_threads';

const SESSION_WORKER = path.join(import.meta.dirname, 'support/imap-bench-session.ts');

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 600);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const GEN = path.resolve(import.meta.dirname, '../../shared/bench/gen-corpus.py');

interface Target {
  name: string;
  port: number;
  user: string;
  pass: string;
  /** CPU time (ms) the server has spent so far on this target's sessions. */
  cpu(): number;
}

/** CPU (ms) of Dovecot's `imap` processes (one per session) that serve the user whose home is `home`. */
function dovecotCpu(home: string): number {
  let ms = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'latin1').trim() !== 'imap') continue;
      // Dovecot clears the environment; an imap process works in the user's home directory.
      if (readlinkSync(`/proc/${pid}/cwd`) !== home) continue;
      ms += processCpu(pid);
    } catch {
      // The process ended while we looked.
    }
  }
  return ms;
}

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
  return plainImapflow(t.port, t.user, t.pass);
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

interface RoundResult {
  /** msg/s per phase. */
  rate: Record<Phase, number>;
  /** Server CPU ms per phase. */
  cpu: Record<Phase, number>;
  /** CPU ms of this process (the imapflow clients) per phase. */
  clientCpu: Record<Phase, number>;
  /** When each phase ran, on the monotonic clock of V8's CPU profiles (µs). */
  span: Record<Phase, [number, number]>;
}

/** The monotonic clock that node --cpu-prof's timestamps use, in µs. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** The client sessions of one server: a worker thread each, kept for all its rounds. */
function startSessions(t: Target, messages: Buffer[]): Worker[] {
  // Enough APPENDs (each fsynced) that the phase is not over before the noise of the machine is.
  const perSession = Math.max(1, Math.floor(200 / SESSIONS));
  const slice = Math.max(1, Math.floor(messages.length / SESSIONS));
  return Array.from({ length: SESSIONS }, (_, i) => {
    const data: SessionData = {
      port: t.port,
      user: t.user,
      pass: t.pass,
      index: i,
      appends: Array.from({ length: perSession }, (_, j) => messages[(i * perSession + j) % messages.length]!),
      slice,
      qresync: process.env.BENCH_QRESYNC === '1',
    };
    return new Worker(SESSION_WORKER, { workerData: data });
  });
}

/** Asks a session to do something; resolves to the number of messages it handled. */
function ask(w: Worker, msg: SessionRequest): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    w.once('error', onError);
    w.once('message', (m: { count: number }) => {
      w.off('error', onError);
      resolve(m.count);
    });
    w.postMessage(msg);
  });
}

/** One round: every session logs in, runs the phases in step, and logs out. */
async function round(t: Target, sessions: Worker[]): Promise<RoundResult> {
  await Promise.all(sessions.map((w) => ask(w, { connect: true })));
  const result: RoundResult = {
    rate: {} as Record<Phase, number>,
    cpu: {} as Record<Phase, number>,
    clientCpu: {} as Record<Phase, number>,
    span: {} as Record<Phase, [number, number]>,
  };
  for (const phase of PHASES) {
    const cpu0 = t.cpu();
    // This process's CPU: the worker threads are the clients (the main thread only waits).
    const client0 = process.cpuUsage();
    const us0 = monotonicUs();
    const t0 = performance.now();
    const counts = await Promise.all(sessions.map((w) => ask(w, { phase })));
    const secs = (performance.now() - t0) / 1000;
    const client = process.cpuUsage(client0);
    result.clientCpu[phase] = (client.user + client.system) / 1000;
    result.cpu[phase] = t.cpu() - cpu0;
    result.span[phase] = [us0, monotonicUs()];
    result.rate[phase] = counts.reduce((a, b) => a + b, 0) / secs;
  }
  await Promise.all(sessions.map((w) => ask(w, { logout: true })));
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

async function main(): Promise<void> {
  const messages = corpus();
  const bytes = messages.reduce((a, m) => a + m.length, 0);
  const withCpu = process.env.BENCH_CPU === '1';
  const withDovecot = process.env.BENCH_DOVECOT !== '0';
  console.log(`corpus: ${messages.length} messages, ${(bytes / 1048576).toFixed(1)} MiB; ${SESSIONS} sessions; ${ROUNDS} rounds`);

  // Ours: `hearth serve` in its own process (as deployed; Dovecot runs in its own processes too),
  // with only the IMAP listener.
  const hearthUser = { address: 'bench@home.arpa', password: 'bench-password' };
  const listeners: Array<{ name: string; serve: HearthServe }> = [];
  try {
    for (const t of benchTrees())
      listeners.push({
        name: t.name,
        serve: await startHearthServe('imap', hearthUser, {
          tree: t.dir,
          ...(process.env.BENCH_PROFILE ? { profileDir: path.join(process.env.BENCH_PROFILE, t.name) } : {}),
        }),
      });
  } catch (err) {
    await Promise.all(listeners.map((l) => l.serve.close()));
    throw err;
  }
  const targets: Target[] = listeners.map((l) => ({
    name: l.name,
    port: l.serve.port,
    user: hearthUser.address,
    pass: hearthUser.password,
    cpu: () => processCpu(l.serve.pid),
  }));
  if (withDovecot) {
    // The Dovecot peer is shared with test runs: started if needed, never stopped.
    const du = await benchDovecotUser('bench');
    targets.push({ name: 'dovecot', port: dovecot.imapPort, user: du.user, pass: du.password, cpu: () => dovecotCpu(path.dirname(dovecot.maildir(du.user))) });
  }
  // Ratios against Dovecot, or against the first checkout when Dovecot is left out.
  const reference = targets.at(-1)!.name;
  const sessions = new Map<string, Worker[]>();
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
    for (const t of targets) sessions.set(t.name, startSessions(t, messages));
    for (const t of targets) await round(t, sessions.get(t.name)!);
    const runs: Record<string, RoundResult[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
    // Rotate the order each round so no server always runs on a warmer (or busier) machine.
    for (let r = 0; r < ROUNDS; r++)
      for (let k = 0; k < targets.length; k++) {
        const t = targets[(r + k) % targets.length]!;
        runs[t.name]!.push(await round(t, sessions.get(t.name)!));
      }
    // For reading the profiles phase by phase: when each measured phase of each server ran.
    const profiles = process.env.BENCH_PROFILE;
    if (profiles) {
      mkdirSync(profiles, { recursive: true });
      writeFileSync(path.join(profiles, 'phases.json'), JSON.stringify(runs));
    }
    const others = targets.filter((t) => t.name !== reference).map((t) => t.name);
    const width = Math.max(12, ...others.map((n) => `${n}/${reference}`.length + 2));
    const col = (x: string) => x.padStart(width);
    /** One table: a value per phase and server, and each other server's ratio to the reference. */
    const table = (title: string, value: (r: RoundResult, p: Phase) => number, pick: (xs: number[]) => number, ratio: (v: number, ref: number) => number) => {
      console.log(`\n${title.padEnd(26)}${targets.map((t) => col(t.name)).join('')}${others.map((n) => col(`${n}/${reference}`)).join('')}`);
      const logSum: Record<string, number> = Object.fromEntries(others.map((n) => [n, 0]));
      for (const p of PHASES) {
        const v = Object.fromEntries(targets.map((t) => [t.name, pick(runs[t.name]!.map((x) => value(x, p)))]));
        for (const n of others) logSum[n]! += Math.log(ratio(v[n]!, v[reference]!));
        console.log(
          `${p.padEnd(26)}${targets.map((t) => col(v[t.name]!.toFixed(0))).join('')}${others.map((n) => col(ratio(v[n]!, v[reference]!).toFixed(2))).join('')}`,
        );
      }
      console.log(
        `${'geometric mean ratio'.padEnd(26 + width * targets.length)}${others.map((n) => col(Math.exp(logSum[n]! / PHASES.length).toFixed(2))).join('')}`,
      );
    };
    table(
      'msg/s (median of rounds)',
      (r, p) => r.rate[p],
      median,
      (v, ref) => v / ref,
    );
    // Rounds alternate, so round i of one server and of the reference ran on the same machine:
    // the median of those paired ratios, with a 95% bootstrap interval. An interval that holds
    // 1.00 is no measured difference.
    const pairedWidth = 22;
    // Each other server against the reference, and this checkout against each other checkout.
    const pairs: Array<[string, string]> = [
      ...others.map((n): [string, string] => [n, reference]),
      ...targets.slice(1).flatMap((t): Array<[string, string]> => (t.name === reference ? [] : [[targets[0]!.name, t.name]])),
    ];
    console.log(`\n${'msg/s, paired rounds'.padEnd(26)}${pairs.map(([a, b]) => `${a}/${b} [95%]`.padStart(pairedWidth)).join('')}`);
    for (const p of PHASES)
      console.log(
        `${p.padEnd(26)}${pairs
          .map(([a, b]) =>
            formatInterval(
              pairedRatio(
                runs[a]!.map((x) => x.rate[p]),
                runs[b]!.map((x) => x.rate[p]),
              ),
            ).padStart(pairedWidth),
          )
          .join('')}`,
      );
    if (withCpu) {
      // Less CPU is better: the ratio is the reference's CPU over this one's (> 1: this one spends less).
      table(
        'server CPU ms (least)',
        (r, p) => r.cpu[p],
        (xs) => Math.min(...xs),
        (v, ref) => ref / v,
      );
      table(
        'client CPU ms (least)',
        (r, p) => r.clientCpu[p],
        (xs) => Math.min(...xs),
        (v, ref) => ref / v,
      );
      console.log(`(CPU ratios: ${reference}'s CPU / this one's, > 1: this one spends less; the client is imapflow in this process)`);
    }
  } finally {
    await Promise.all([...sessions.values()].flat().map((w) => w.terminate()));
    await Promise.all(listeners.map((l) => l.serve.close()));
  }
}

await main();
