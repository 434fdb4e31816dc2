// `hearth serve` as an admin meets it: a few human lines on the terminal, the JSON log in a file,
// and a stop on SIGTERM within 5 s that loses no message it answered 250 for.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { MaildirStore } from '../../../src/main/maildir/maildir-store.ts';
import { freePorts, hearthSync, startServe, type ServeProcess } from '../../support/hearth-serve-process.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { RawSmtp, dataBlock } from '../../support/smtp-client.ts';

const SMTP_ONLY = freePorts({ smtp: '0', imap: 'off', imaps: 'off', pop3: 'off', pop3s: 'off', submission: 'off', submissions: 'off', https: 'off' });
const EVERY_LISTENER = freePorts({ smtp: '0', imap: '0', imaps: '0', pop3: '0', pop3s: '0', submission: '0', submissions: '0', https: '0' });

const running: ServeProcess[] = [];
afterEach(() => {
  for (const s of running.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
});
async function serve(dataDir: string, args: string[]): Promise<ServeProcess> {
  const s = await startServe(dataDir, args);
  running.push(s);
  return s;
}

/** Sends SIGTERM and resolves with the exit code and how long the stop took. */
async function terminate(s: ServeProcess): Promise<{ code: number | null; ms: number }> {
  const started = performance.now();
  s.child.kill('SIGTERM');
  const code = await s.exited;
  return { code, ms: performance.now() - started };
}

function newDataDir(): string {
  const data = tempDir('hearth-serve-life-');
  expect(hearthSync(['user', 'add', 'alice@home.arpa', '--data', data, '--password', 'a']).status).toBe(0);
  return data;
}

describe('hearth serve: terminal and log', () => {
  it('prints only human lines; the JSON log goes to DATA/logs/hearth.log', async () => {
    const data = newDataDir();
    const s = await serve(data, SMTP_ONLY);
    const c = await RawSmtp.connect(s.ports.smtp!);
    await c.reply();
    await c.cmd('EHLO t');
    await c.cmd('QUIT');
    c.close();
    expect(await terminate(s)).toMatchObject({ code: 0 });
    const logFile = path.join(data, 'logs', 'hearth.log');
    expect(s.stdout()).toBe(`listening smtp 127.0.0.1:${s.ports.smtp}\nlogs ${logFile}\nready ${data}\n`);
    expect(s.stderr()).toBe('');
    const records = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; level: string });
    expect(records.map((r) => r.msg)).toEqual(expect.arrayContaining(['listening', 'shutting down', 'stopped']));
    expect(statSync(logFile).mode & 0o777).toBe(0o600);
  });

  it('--verbose also prints the JSON log on standard error', async () => {
    const data = newDataDir();
    const s = await serve(data, [...SMTP_ONLY, '--verbose']);
    expect(await terminate(s)).toMatchObject({ code: 0 });
    const lines = s.stderr().trim().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(JSON.parse(l)).toHaveProperty('msg');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('shutting down');
    // the file has the same lines
    expect(
      readFileSync(path.join(data, 'logs', 'hearth.log'), 'utf8')
        .trim()
        .split('\n'),
    ).toEqual(lines);
  });
});

describe('hearth serve: SIGTERM', () => {
  it('stops within 5 s with a client idling on every listener', async () => {
    const data = newDataDir();
    const s = await serve(data, EVERY_LISTENER);
    expect(Object.keys(s.ports)).toHaveLength(8);
    const sockets = Object.values(s.ports).map((port) => net.connect(port, '127.0.0.1').on('error', () => {}));
    await Promise.all(sockets.map((sock) => new Promise((r) => sock.once('connect', r))));
    // an SMTP client in the middle of a transaction, too
    const c = await RawSmtp.connect(s.ports.smtp!);
    await c.reply();
    await c.cmd('EHLO idle.test');
    await c.cmd('MAIL FROM:<x@example.org>');
    const stop = await terminate(s);
    expect(stop.code).toBe(0);
    expect(stop.ms).toBeLessThan(5000);
    for (const sock of sockets) sock.destroy();
    c.close();
  });

  it('during a burst of deliveries: every message answered 250 is in the store after a restart', { timeout: 90_000 }, async () => {
    const data = newDataDir();
    const s = await serve(data, SMTP_ONLY);
    const accepted: string[] = [];
    let sent = 0;
    let stopAt: Promise<{ code: number | null; ms: number }> | null = null;
    const body = 'x'.repeat(76) + '\r\n';
    const message = (id: string) =>
      Buffer.from(
        `From: <burst@example.org>\r\nTo: <alice@home.arpa>\r\nSubject: ${id}\r\nMessage-ID: <${id}@burst.test>\r\n\r\n${body.repeat(200)}`,
        'latin1',
      );
    // Six clients deliver one message after another until the server sends them away.
    const client = async (n: number) => {
      const c = await RawSmtp.connect(s.ports.smtp!);
      try {
        if (!(await c.reply()).startsWith('220')) return;
        await c.cmd(`EHLO burst${n}.test`);
        for (let i = 0; !c.closed && i < 1000; i++) {
          const id = `burst-${n}-${i}`;
          if (!(await c.cmd('MAIL FROM:<burst@example.org>')).startsWith('250')) return;
          if (!(await c.cmd('RCPT TO:<alice@home.arpa>')).startsWith('250')) return;
          if (!(await c.cmd('DATA')).startsWith('354')) return;
          sent++;
          c.write(dataBlock(message(id)));
          const reply = await c.reply();
          if (!reply.startsWith('250')) return;
          accepted.push(id);
          // SIGTERM mid-burst, while the other clients are between commands or inside DATA
          if (accepted.length === 20) stopAt = terminate(s);
        }
      } catch {
        // the server went away in the middle of a reply: that message was not acknowledged
      } finally {
        c.close();
      }
    };
    await Promise.all([0, 1, 2, 3, 4, 5].map(client));
    expect(stopAt).not.toBeNull();
    const stop = await stopAt!;
    expect(stop.code).toBe(0);
    expect(stop.ms).toBeLessThan(5000);
    expect(accepted.length).toBeGreaterThanOrEqual(20);

    // Restart (the server reconciles its index with the folders), stop it, then look in the store.
    const again = await serve(data, SMTP_ONLY);
    expect((await terminate(again)).code).toBe(0);
    const store = new MaildirStore({ root: path.join(data, 'mail') });
    try {
      const inbox = await (await store.user('alice@home.arpa')).openMailbox('INBOX');
      const stored = new Set<string>();
      for (const m of await inbox.listMessages()) {
        const raw = (await inbox.readMessageBuffer(m.uid)).toString('latin1');
        const id = /^Subject: (\S+)\r$/m.exec(raw)?.[1];
        if (id) stored.add(id);
      }
      const lost = accepted.filter((id) => !stored.has(id));
      expect(lost, `${accepted.length} accepted, ${sent} sent, ${stored.size} stored`).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
