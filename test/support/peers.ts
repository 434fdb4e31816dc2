// Real third-party peers from ../shared/peers: the shared ones, started once per test run (see
// global-setup.ts), and the SMTP peers a test file starts for itself.
import { execFileSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

export const PEERS_DIR = path.resolve(import.meta.dirname, '../../../shared/peers');
export const PEER_STATE = process.env.HEARTH_PEER_STATE ?? '/tmp/hearth-peers';
export const DOVECOT_STATE = path.join(PEER_STATE, 'dovecot');
export const SMTP_STATE = path.join(PEER_STATE, 'smtp');

export const dovecot = {
  host: '127.0.0.1',
  imapPort: 10143,
  imapsPort: 10993,
  pop3Port: 10110,
  pop3sPort: 10995,
  lmtpPort: 10024,
  caCertPath: path.join(DOVECOT_STATE, 'ssl/cert.pem'),
  maildir: (user: string) => path.join(DOVECOT_STATE, 'mail', user, 'Maildir'),
};

export const smtpPeers = {
  accept: 10025,
  tempfail: 10026,
  reject: 10027,
  flaky: 10028,
} as const;

/** Whether the process named in a pid file is alive. */
function pidFileAlive(pidFile: string): boolean {
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

export function dovecotRunning(): boolean {
  return pidFileAlive(path.join(DOVECOT_STATE, 'run/master.pid'));
}

/**
 * Runs one of ../shared/peers' scripts. Output goes to a log file, never a pipe: the daemons
 * they start inherit stdout/stderr, and a pipe held open by a daemon would make the call wait
 * forever. The timeout turns a stuck script into an error that names the log.
 */
export function runPeerScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  mkdirSync(PEER_STATE, { recursive: true });
  const logPath = path.join(PEER_STATE, 'scripts.log');
  const log = openSync(logPath, 'a');
  try {
    execFileSync(path.join(PEERS_DIR, script), args, { stdio: ['ignore', log, log], timeout: 120_000, env: { ...process.env, ...env } });
  } catch (err) {
    throw new Error(`${script} ${args.join(' ')} failed (see ${logPath}): ${(err as Error).message}`, { cause: err });
  } finally {
    closeSync(log);
  }
}

export function startDovecot(): void {
  runPeerScript('start-dovecot.sh', [DOVECOT_STATE]);
}

export function stopDovecot(): void {
  runPeerScript('stop-dovecot.sh', [DOVECOT_STATE]);
}

export function startSmtpPeer(mode: keyof typeof smtpPeers, args: string[] = []): void {
  runPeerScript('start-smtp-sink.sh', [SMTP_STATE, mode, String(smtpPeers[mode]), ...args]);
}

export function smtpPeerRunning(mode: keyof typeof smtpPeers): boolean {
  return pidFileAlive(path.join(SMTP_STATE, `smtp-${smtpPeers[mode]}.pid`));
}

export function stopSmtpPeers(): void {
  runPeerScript('stop-smtp-sink.sh', [SMTP_STATE]);
}

export interface SmtpPeer {
  port: number;
  state: string;
  spool: string;
  log: string;
  stop(): void;
  /** Messages the accept peer spooled: raw bytes and envelope. */
  received(): Array<{ eml: Buffer; env: { from: string; to: string[]; peer: [string, number] } }>;
  events(): Array<Record<string, unknown>>;
}

/** Starts a test file's own aiosmtpd peer, in its own state folder, on a fixed `port` no other test file uses. */
export function startOwnSmtpPeer(name: string, mode: 'accept' | 'tempfail' | 'reject' | 'flaky', port: number, args: string[] = []): SmtpPeer {
  const state = `/tmp/hearth-peers/relay-${name}`;
  const spool = path.join(state, 'spool');
  runPeerScript('stop-smtp-sink.sh', [state, String(port)]);
  rmSync(state, { recursive: true, force: true });
  mkdirSync(spool, { recursive: true });
  const extra = mode === 'accept' ? ['--spool', spool, ...args] : args;
  runPeerScript('start-smtp-sink.sh', [state, mode, String(port), ...extra]);
  const log = path.join(state, `smtp-${port}.log`);
  return {
    port,
    state,
    spool,
    log,
    stop: () => runPeerScript('stop-smtp-sink.sh', [state, String(port)]),
    received: () => {
      if (!existsSync(spool)) return [];
      const out = [];
      for (const n of readdirSync(spool)
        .filter((f) => f.endsWith('.eml'))
        .sort()) {
        try {
          // the peer writes .eml then .json; a message whose .json is not complete yet is skipped
          out.push({ eml: readFileSync(path.join(spool, n)), env: JSON.parse(readFileSync(path.join(spool, n.replace(/\.eml$/, '.json')), 'utf8')) });
        } catch {
          continue;
        }
      }
      return out;
    },
    events: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>)
        : [],
  };
}

/** Users added per test run, so every test file gets mailboxes no other test touches. */
export const DOVECOT_POOL_SIZE = 400;

/**
 * Adds a pool of users for this test run. Dovecot re-reads its passwd-file at most once a
 * second, so users are added up front (and we wait out that second once) rather than per test.
 */
export async function addDovecotUserPool(prefix: string): Promise<void> {
  const lines = Array.from({ length: DOVECOT_POOL_SIZE }, (_, i) => `${prefix}${i}:{PLAIN}${poolPassword(prefix, i)}`).join('\n') + '\n';
  appendFileSync(path.join(DOVECOT_STATE, 'etc/passwd'), lines);
  await new Promise((r) => setTimeout(r, 1100));
}

/**
 * Removes the mail of a pool's users and their claims (their passwd lines stay: other runs may be
 * appending to the file). Called when the run ends; each run's users left ~120 MiB behind before.
 */
export function removeDovecotUserPool(prefix: string): void {
  for (let i = 0; i < DOVECOT_POOL_SIZE; i++) {
    removeDovecotMail(`${prefix}${i}`);
    rmSync(path.join(PEER_STATE, 'claims', `${prefix}${i}`), { recursive: true, force: true });
  }
}

/** Removes everything Dovecot keeps for `user` (its home: the Maildir and Dovecot's indexes). */
export function removeDovecotMail(user: string): void {
  rmSync(path.dirname(dovecot.maildir(user)), { recursive: true, force: true });
}

function poolPassword(prefix: string, i: number): string {
  return `pw-${prefix}-${i}`;
}

/** A Dovecot user with an empty mailbox, unique across all test files of this run. */
export function createDovecotUser(_label?: string): { user: string; password: string } {
  const prefix = process.env.HEARTH_DOVECOT_POOL;
  if (!prefix) throw new Error('HEARTH_DOVECOT_POOL is not set: run tests through vitest (test/support/global-setup.ts)');
  const claims = path.join(PEER_STATE, 'claims');
  mkdirSync(claims, { recursive: true });
  for (let i = 0; i < DOVECOT_POOL_SIZE; i++) {
    try {
      mkdirSync(path.join(claims, `${prefix}${i}`)); // atomic: exactly one caller gets each user
      return { user: `${prefix}${i}`, password: poolPassword(prefix, i) };
    } catch {
      /* taken */
    }
  }
  throw new Error('Dovecot user pool exhausted; raise DOVECOT_POOL_SIZE');
}
