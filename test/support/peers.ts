// Real third-party peers from ../shared/peers, started once per test run (see global-setup.ts).
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
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

export function dovecotRunning(): boolean {
  const pidFile = path.join(DOVECOT_STATE, 'run/master.pid');
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

export function startDovecot(): void {
  execFileSync(path.join(PEERS_DIR, 'start-dovecot.sh'), [DOVECOT_STATE], { stdio: 'pipe' });
}

export function stopDovecot(): void {
  execFileSync(path.join(PEERS_DIR, 'stop-dovecot.sh'), [DOVECOT_STATE], { stdio: 'pipe' });
}

export function startSmtpPeer(mode: keyof typeof smtpPeers, args: string[] = []): void {
  execFileSync(path.join(PEERS_DIR, 'start-smtp-sink.sh'), [SMTP_STATE, mode, String(smtpPeers[mode]), ...args], { stdio: 'pipe' });
}

export function stopSmtpPeers(): void {
  execFileSync(path.join(PEERS_DIR, 'stop-smtp-sink.sh'), [SMTP_STATE], { stdio: 'pipe' });
}

/**
 * A fresh Dovecot user with an empty mailbox, so test files never share mail state.
 * Dovecot's passwd-file is re-read when it changes; the home and Maildir are created on first login.
 */
export function createDovecotUser(prefix = 't'): { user: string; password: string } {
  const user = `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const password = randomBytes(9).toString('base64url');
  appendFileSync(path.join(DOVECOT_STATE, 'etc/passwd'), `${user}:{PLAIN}${password}\n`);
  return { user, password };
}
