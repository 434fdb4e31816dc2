// `npm run web` as a person meets it: a few human lines (the address to open, the data folder, the
// log file), the JSON log in DATA/logs/hearth.log, and a stop on SIGTERM within 5 s that loses no
// message the embedded server answered 250 for.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { smtpBurst, storedSubjects } from '../../support/smtp-burst.ts';
import { tempDir } from '../../support/temp-dir.ts';

const WEB_MAIN = path.resolve(import.meta.dirname, '../../../src/main/host/web-main.ts');

interface WebProcess {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function startWeb(args: string[]): Promise<WebProcess> {
  const child = spawn(process.execPath, [WEB_MAIN, '--port', '0', ...args], {
    env: { ...process.env, HEARTH_SCRYPT_LN: '10' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`web host did not start: ${out} ${err}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`web host exited early (${code}): ${err}`)));
    child.stdout!.on('data', () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#\S+)/.exec(out);
      if (!m || !/^Log file: /m.test(out)) return;
      clearTimeout(t);
      resolve({ child, url: m[1]!, stdout: () => out, stderr: () => err, exited });
    });
  });
}

async function terminate(p: WebProcess): Promise<{ code: number | null; ms: number }> {
  const started = performance.now();
  p.child.kill('SIGTERM');
  const code = await p.exited;
  return { code, ms: performance.now() - started };
}

/** One API call over the page's WebSocket, as the browser makes it. */
function call(url: string, method: string): Promise<{ ok: boolean; result: Record<string, unknown> }> {
  const u = new URL(url);
  const ws = new WebSocket(`ws://${u.host}/api`, ['hearth.v1', `hearth.token.${u.hash.slice(1)}`], { origin: u.origin });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, method, args: {} })));
    ws.on('message', (d) => {
      const frame = JSON.parse(d.toString()) as { id?: number; ok: boolean; result: Record<string, unknown> };
      if (frame.id !== 1) return;
      ws.close();
      resolve(frame);
    });
  });
}

describe('npm run web: terminal, log file, SIGTERM', () => {
  it('prints the address, the data folder and the log file; logs JSON only to the file', async () => {
    const data = tempDir('hearth-web-main-');
    const web = await startWeb(['--data', data, '--no-server']);
    const logFile = path.join(data, 'logs', 'hearth.log');
    expect(web.stdout().split('\n')).toEqual([
      "Hearth is running. Open this address in a browser (it carries this data folder's secret):",
      '',
      `  ${web.url}`,
      '',
      `Data folder: ${data}`,
      `Log file: ${logFile}`,
      '',
    ]);
    expect(await call(web.url, 'app.info')).toMatchObject({ ok: true, result: { host: 'web', dataDir: data, logFile } });
    const stop = await terminate(web);
    expect(stop).toMatchObject({ code: 0 });
    expect(stop.ms).toBeLessThan(5000);
    expect(web.stderr()).toBe('');
    const msgs = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs).toEqual(expect.arrayContaining(['web host started', 'shutting down', 'stopped']));
    // the secret is for the terminal only, never the log
    expect(readFileSync(logFile, 'utf8')).not.toContain(new URL(web.url).hash.slice(1));
  });

  it('keeps one secret per data folder: a restart on the same folder takes the same address, another folder another', async () => {
    const data = tempDir('hearth-web-main-');
    const first = await startWeb(['--data', data, '--no-server']);
    const secret = new URL(first.url).hash.slice(1);
    await terminate(first);
    const again = await startWeb(['--data', data, '--no-server']);
    expect(new URL(again.url).hash.slice(1)).toBe(secret);
    expect(await call(again.url, 'app.info')).toMatchObject({ ok: true });
    await terminate(again);
    const other = await startWeb(['--data', tempDir('hearth-web-main-'), '--no-server']);
    expect(new URL(other.url).hash.slice(1)).not.toBe(secret);
    await terminate(other);
    expect(readFileSync(path.join(data, 'logs', 'hearth.log'), 'utf8')).not.toContain(secret);
  });

  it('with the embedded server: one line for it, --verbose puts the JSON log on stderr, and SIGTERM stops all within 5 s', async () => {
    const data = tempDir('hearth-web-main-');
    const web = await startWeb(['--data', data, '--ephemeral-server-ports', '--verbose']);
    expect(web.stdout()).toMatch(
      /^Household server on 127\.0\.0\.1: smtp \d+, imap \d+, imaps \d+, pop3 \d+, pop3s \d+, submission \d+, submissions \d+, https \d+$/m,
    );
    // A new data folder: the welcome decides (--no-welcome gets the demo mailbox: test/e2e/embedded-default.test.ts).
    expect(web.stdout()).toMatch(/^First run: the app asks how to start \(your own account, a household mailbox, or a demo\)\.$/m);
    expect(web.stdout()).not.toContain('demo mailbox:');
    const stop = await terminate(web);
    expect(stop.code).toBe(0);
    expect(stop.ms).toBeLessThan(5000);
    const lines = web.stderr().trim().split('\n');
    for (const l of lines) expect(JSON.parse(l)).toHaveProperty('msg');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(expect.arrayContaining(['web host started', 'stopped']));
  });

  it('SIGTERM during a burst of deliveries to the embedded server: every message answered 250 is in the store', { timeout: 90_000 }, async () => {
    const data = tempDir('hearth-web-main-');
    const web = await startWeb(['--data', data, '--ephemeral-server-ports', '--no-welcome']);
    const smtp = Number(/^Household server on 127\.0\.0\.1: smtp (\d+),/m.exec(web.stdout())![1]);
    const { accepted, sent, stopped } = await smtpBurst({ port: smtp, to: 'demo@home.arpa', stopAfter: 20, stop: () => terminate(web) });
    expect(stopped).not.toBeNull();
    const stop = await stopped!;
    console.log(`npm run web, SIGTERM during a burst (6 clients): exit after ${stop.ms.toFixed(0)} ms, ${accepted.length} of ${sent} answered 250`);
    expect(stop.code).toBe(0);
    expect(stop.ms).toBeLessThan(5000);
    expect(accepted.length).toBeGreaterThanOrEqual(20);
    const stored = await storedSubjects(path.join(data, 'server', 'mail'), 'demo@home.arpa');
    expect(accepted.filter((id) => !stored.has(id))).toEqual([]);
  });
});
