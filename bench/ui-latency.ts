// How fast the app answers the hand (#13.9), in Debian's Chromium against the browser host and a
// Dovecot account: the time from a key press or click to its effect in the page, per action, for
// messages already cached (the case people live in). Budget: 100 ms for each.
//
//   node bench/ui-latency.ts              BENCH_MESSAGES=300 BENCH_SAMPLES=30
//   BENCH_PROFILE=/tmp/ui.cpuprofile      also records the renderer's CPU profile (Chrome DevTools format)
//
// Measured inside the page: the event is dispatched at t0; a MutationObserver sees the effect in
// the DOM at t1 ("dom"), and the next animation frame after it is when it can be on screen
// ("frame"). Printed: median and 95th percentile of each, and the ratio budget / p95 (> 1: within).
// There is no peer for this one (no other mail client runs in Chromium here): the budget is the peer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { callApiFromPage, launchChromium } from '../test/support/browser.ts';
import { dovecot } from '../test/support/peers.ts';
import { benchDovecotUser } from './support/dovecot-user.ts';
import { putIntoDovecotMaildir } from '../test/support/dovecot-mail.ts';
import { rfc822 } from '../test/support/messages.ts';
import { startHostProcess } from '../test/support/web-host-process.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 300);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const BUDGET_MS = 100;

type Action = { click: number } | { key: string };
type Done = { subject: string } | { flagged: boolean } | { unread: boolean } | { gone: string } | { reader: true };

/** Dispatches `action` in the page and resolves when `done` holds in the DOM: [dom ms, frame ms]. */
function measure(page: Page, action: Action, done: Done): Promise<[number, number]> {
  return page.evaluate(
    ([action, done]) => {
      // Page globals, typed here: this file is type-checked without the DOM library.
      type El = { textContent: string | null; click(): void };
      const w = globalThis as unknown as {
        document: { body: unknown; querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El> };
        dispatchEvent(e: unknown): void;
        KeyboardEvent: new (t: string, init: unknown) => unknown;
        MutationObserver: new (cb: () => void) => { observe(n: unknown, o: unknown): void; disconnect(): void };
        requestAnimationFrame(cb: () => void): void;
      };
      const q = (sel: string) => w.document.querySelector(sel);
      const isDone = (): boolean => {
        if ('subject' in done) return q('[data-testid=reader-subject]')?.textContent === done.subject;
        if ('reader' in done) return !!q('[data-testid=reader-subject]');
        if ('flagged' in done) return !!q('[data-testid=message-row].selected .flag') === done.flagged;
        if ('unread' in done) return !!q('[data-testid=message-row].selected.unread') === done.unread;
        return !Array.from(w.document.querySelectorAll('[data-testid=message-row] .subject')).some((e) => e.textContent?.includes(done.gone));
      };
      return new Promise<[number, number]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not done after 10 s: ${JSON.stringify(done)}`)), 10_000);
        let t0 = 0;
        const finish = () => {
          const dom = performance.now() - t0;
          observer.disconnect();
          clearTimeout(timer);
          w.requestAnimationFrame(() => resolve([dom, performance.now() - t0]));
        };
        const observer = new w.MutationObserver(() => isDone() && finish());
        observer.observe(w.document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        t0 = performance.now();
        if ('click' in action) w.document.querySelectorAll('[data-testid=message-row]')[action.click]!.click();
        else w.dispatchEvent(new w.KeyboardEvent('keydown', { key: action.key, bubbles: true }));
        if (isDone()) finish();
      });
    },
    [action, done] as const,
  );
}

/** Waits until `done` holds (without timing it). */
type Until = { count: number } | { offline: number } | { connected: true } | { reader: true };
const until = (page: Page, done: Until, timeoutMs = 30_000) =>
  page.waitForFunction(
    (done) => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
      if ('count' in done) return d.querySelector('[data-testid=message-count]')?.textContent === `${done.count} messages`;
      if ('offline' in done) return (d.querySelector('[data-testid=offline-copy]')?.textContent ?? '').startsWith(`Offline copy: ${done.offline} messages`);
      if ('connected' in done) return d.querySelector('[data-testid=connection]')?.textContent === 'Connected';
      return !!d.querySelector('[data-testid=reader-subject]');
    },
    done,
    { timeout: timeoutMs },
  );

function stats(xs: number[]): { median: number; p95: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]! };
}

async function main(): Promise<void> {
  const { user, password } = await benchDovecotUser('ui');
  const now = Date.now();
  putIntoDovecotMaildir(
    user,
    Array.from({ length: MESSAGES }, (_, i) =>
      rfc822({
        from: `Sender ${i % 17} <s${i % 17}@example.test>`,
        to: `${user}@example.test`,
        subject: `Latency ${String(i).padStart(4, '0')}`,
        body: `Message ${i}.\n\n${'Some text of an ordinary length. '.repeat(40)}`,
        date: new Date(now - (i + 1) * 600_000),
      }),
    ),
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-ui-bench-'));
  const host = await startHostProcess(['--data', dataDir, '--port', '0', '--no-server', '--no-welcome']);
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(host.url);
    await until(page, { connected: true });
    const added = await callApiFromPage(page, 'accounts.add', {
      name: 'Bench',
      email: `${user}@example.test`,
      incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user, password },
    });
    if (!added.ok) throw new Error(`accounts.add: ${JSON.stringify(added.error)}`);
    await until(page, { count: MESSAGES }, 120_000);
    // Every body kept offline (the background fill): "cached" is what is measured.
    await until(page, { offline: MESSAGES }, 300_000);
    const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const subject = (i: number) => `Latency ${String(i).padStart(4, '0')}`;
    const results: Record<string, [number, number][]> = { 'open (click)': [], 'next (j)': [], 'flag (s)': [], 'read/unread (u)': [], 'delete (#)': [] };
    // Open by click: the row of message i (newest first, rows in view), to its subject in the reader.
    for (let n = 0; n < SAMPLES; n++) {
      await page.keyboard.press('Escape');
      results['open (click)']!.push(await measure(page, { click: n % 8 }, { subject: subject(n % 8) }));
    }
    // Next with j, from message k to k+1.
    await page.locator('[data-testid=message-row]').first().click();
    for (let n = 0; n < SAMPLES; n++) results['next (j)']!.push(await measure(page, { key: 'j' }, { subject: subject(n + 1) }));
    // Flag and unread toggles on the open message: the row shows it.
    for (let n = 0; n < SAMPLES; n++) {
      results['flag (s)']!.push(await measure(page, { key: 's' }, { flagged: n % 2 === 0 }));
      const wasUnread = (await page.locator('[data-testid=message-row].selected.unread').count()) > 0;
      results['read/unread (u)']!.push(await measure(page, { key: 'u' }, { unread: !wasUnread }));
    }
    // Delete (to Trash): the open message's row leaves the list.
    for (let n = 0; n < Math.min(SAMPLES, 20); n++) {
      const s = (await page.locator('[data-testid=reader-subject]').textContent()) ?? '';
      results['delete (#)']!.push(await measure(page, { key: '#' }, { gone: s }));
      // Open the next one (whether or not the app moved on by itself).
      if (!(await page.locator('[data-testid=reader-subject]').count())) await page.locator('[data-testid=message-row]').first().click();
      await until(page, { reader: true });
    }
    if (cdp) writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    console.log(`${MESSAGES} cached messages, ${SAMPLES} samples per action, Chromium ${browser.version()}`);
    console.log(
      `${'action'.padEnd(18)} ${'dom p50'.padStart(8)} ${'dom p95'.padStart(8)} ${'frame p50'.padStart(10)} ${'frame p95'.padStart(10)}  budget/p95 ratio`,
    );
    for (const [name, xs] of Object.entries(results)) {
      const dom = stats(xs.map((x) => x[0]));
      const frame = stats(xs.map((x) => x[1]));
      console.log(
        `${name.padEnd(18)} ${dom.median.toFixed(1).padStart(8)} ${dom.p95.toFixed(1).padStart(8)} ${frame.median.toFixed(1).padStart(10)} ${frame.p95.toFixed(1).padStart(10)}  ${(BUDGET_MS / frame.p95).toFixed(2)} ratio`,
      );
    }
  } finally {
    await browser.close();
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
