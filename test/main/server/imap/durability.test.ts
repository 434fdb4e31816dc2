// Mail acknowledged is mail kept: APPEND, kill -9 the `hearth serve` process, restart it on the
// same data folder, and the message is there and the next APPEND gets a greater UID.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { CORPUS } from '../../../support/imap-harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const CLI = path.join(ROOT, 'src/main/server/cli.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'hearth-imap-durable-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Start `hearth serve` with only the IMAP listener on an ephemeral port; resolve with the port. */
function serve(): Promise<{ child: ChildProcess; port: number }> {
  const off = ['smtp', 'imaps', 'pop3', 'pop3s', 'submission', 'submissions'].flatMap((l) => [`--${l}-port`, 'off']);
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dir, '--imap-port', '0', ...off], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening imap [^:\s]+:(\d+)/.exec(out);
      if (m && /ready /.test(out)) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`hearth serve exited ${code}: ${err.slice(-2000)}`)));
  });
}

async function login(port: number): Promise<ImapFlow> {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: 'dana@home.arpa', pass: 'dana-password-1' },
    logger: false,
  } as ConstructorParameters<typeof ImapFlow>[0]);
  await c.connect();
  return c;
}

describe('durability across kill -9', () => {
  it('keeps an acknowledged APPEND and continues with a greater UID', async () => {
    execFileSync(process.execPath, [CLI, 'user', 'add', 'dana@home.arpa', '--data', dir, '--password', 'dana-password-1'], { stdio: 'pipe' });
    const first = await serve();
    const c1 = await login(first.port);
    const msg = readFileSync(path.join(CORPUS, 'rfc-003.eml'));
    const a1 = (await c1.append('INBOX', msg, ['\\Flagged'])) as { uid: number; uidValidity: bigint };
    expect(a1.uid).toBeGreaterThan(0);
    // No LOGOUT, no shutdown: the process dies right after the OK.
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    c1.close();

    const second = await serve();
    const c2 = await login(second.port);
    const box = await c2.mailboxOpen('INBOX');
    expect(BigInt(box.uidValidity)).toBe(BigInt(a1.uidValidity));
    const msgs = await c2.fetchAll('1:*', { uid: true, flags: true, source: true });
    const kept = msgs.find((m) => m.uid === a1.uid);
    expect(kept).toBeTruthy();
    expect(kept!.source!.equals(msg)).toBe(true);
    expect(kept!.flags!.has('\\Flagged')).toBe(true);
    const a2 = (await c2.append('INBOX', msg)) as { uid: number };
    expect(a2.uid).toBeGreaterThan(a1.uid);
    await c2.logout();
    second.child.kill('SIGTERM');
  });
});
