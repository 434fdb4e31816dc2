// `hearth serve` as an admin meets it: a few human lines on the terminal, the JSON log in a file,
// and a stop on SIGTERM within 5 s that loses no message it answered 250 for.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePorts, hearthSync, startServe, type ServeProcess } from '../../support/hearth-serve-process.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { RawSmtp } from '../../support/smtp-client.ts';
import { smtpBurst, storedSubjects } from '../../support/smtp-burst.ts';

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
    console.log(`hearth serve, a client on each of 8 listeners: SIGTERM to exit ${stop.ms.toFixed(0)} ms`);
    expect(stop.code).toBe(0);
    expect(stop.ms).toBeLessThan(5000);
    for (const sock of sockets) sock.destroy();
    c.close();
  });

  it('during a burst of deliveries: every message answered 250 is in the store after a restart', { timeout: 90_000 }, async () => {
    const data = newDataDir();
    const s = await serve(data, SMTP_ONLY);
    const { accepted, sent, stopped } = await smtpBurst({ port: s.ports.smtp!, to: 'alice@home.arpa', stopAfter: 20, stop: () => terminate(s) });
    expect(stopped).not.toBeNull();
    const stop = await stopped!;
    console.log(`hearth serve, SIGTERM during a burst (6 clients): exit after ${stop.ms.toFixed(0)} ms, ${accepted.length} of ${sent} answered 250`);
    expect(stop.code).toBe(0);
    expect(stop.ms).toBeLessThan(5000);
    expect(accepted.length).toBeGreaterThanOrEqual(20);

    // Restart (the server reconciles its index with the folders), stop it, then look in the store.
    const again = await serve(data, SMTP_ONLY);
    expect((await terminate(again)).code).toBe(0);
    const stored = await storedSubjects(path.join(data, 'mail'), 'alice@home.arpa');
    const lost = accepted.filter((id) => !stored.has(id));
    expect(lost, `${accepted.length} accepted, ${sent} sent, ${stored.size} stored`).toEqual([]);
  });
});
