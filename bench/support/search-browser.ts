// The Chromium half of bench/search.ts (#14's benchmark, end to end): the browser host on the data
// folder the Node half synced, Debian's Chromium on its page, and in one run:
//   - the IndexedDB mirror filled from main (first load of the page);
//   - first paint of the cached inbox after a cold start: the host stopped and started again on
//     the same data folder and port, the page loaded again, navigation start to the first rows
//     painted (the frame after they are in the DOM);
//   - search end to end: the query typed into the search box and Enter pressed (which searches at
//     once; typing alone waits for a pause, TYPING_PAUSE_MS in SearchBox.tsx) to the results painted;
//   - the unified inbox (All Inboxes) scrolled to its end, then the renderer's JS heap (after a
//     garbage collection, and before) and its process's resident memory.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../test/support/browser.ts';
import { startHostProcess, type HostProcess } from '../../test/support/web-host-process.ts';

/** The page's globals, typed here: this file is type-checked without the DOM library. */
interface El {
  textContent: string | null;
  classList: { contains(c: string): boolean };
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  dispatchEvent(e: unknown): void;
}
interface Win {
  document: { body: unknown; querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El> };
  HTMLInputElement: { prototype: object };
  Event: new (t: string, init: unknown) => unknown;
  KeyboardEvent: new (t: string, init: unknown) => unknown;
  MutationObserver: new (cb: (r: unknown, o: { disconnect(): void }) => void) => { observe(n: unknown, o: unknown): void; disconnect(): void };
  requestAnimationFrame(cb: () => void): void;
  __firstRowsPainted?: number;
}

export interface BrowserFigures {
  /** First load of the page until the mirror holds the inbox, ms. */
  mirrorMs: number;
  /** Host process start (spawn to listening) on the cold start, ms. */
  hostStartMs: number;
  /** Navigation start to the first rows painted, ms. */
  firstPaintMs: number;
  /** Per kind, ms per query (keystroke to results painted), in query order. */
  search: Record<string, number[]>;
  /** Rows of the first page of each query's results, summed per kind. */
  hits: Record<string, number>;
  /** Scrolling the unified inbox from top to end, ms. */
  scrollMs: number;
  heapUsedBytes: number;
  heapAfterGcBytes: number;
  rendererRssBytes: number;
  /** Main (the host process) resident memory at the end, and its peak. */
  hostRssBytes: number;
  hostPeakRssBytes: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM (peak) of a process, bytes (0 when it is gone). */
export function processMemory(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

const text = (page: Page, testId: string) =>
  page.evaluate((id) => (globalThis as unknown as Win).document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '', testId);

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`search bench: ${what} not reached within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Types `query` into the search box and presses Enter inside the page at t0, and resolves with the
 * time to the frame after the results are in the DOM: the list titled "Search: query" with its
 * first rows filled in (no placeholder), or "Nothing found."; and the rows shown.
 */
function searchOnce(page: Page, query: string): Promise<[number, number]> {
  return page.evaluate((q) => {
    const { document, MutationObserver, HTMLInputElement, Event, KeyboardEvent } = globalThis as unknown as Win;
    const requestAnimationFrame = (cb: () => void) => (globalThis as unknown as Win).requestAnimationFrame(cb);
    const title = `Search: ${q.trim()}`;
    const painted = (): number | null => {
      if (document.querySelector('[data-testid="message-list"] h1')?.textContent !== title) return null;
      if (document.querySelector('[data-testid="message-list"] .empty')) return 0;
      const rows = document.querySelectorAll('[data-testid="message-list"] li');
      if (rows.length === 0 || rows[0]!.classList.contains('message-placeholder')) return null;
      return document.querySelectorAll('[data-testid="message-row"]').length;
    };
    return new Promise<[number, number]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no results painted for ${q} after 60 s`)), 60_000);
      let t0 = 0;
      let done = false;
      const finish = (rows: number) => {
        done = true;
        observer.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() => resolve([performance.now() - t0, rows]));
      };
      const observer = new MutationObserver(() => {
        const rows = painted();
        if (!done && rows !== null) finish(rows);
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      const input = document.querySelector('[data-testid="search"]')!;
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      t0 = performance.now();
      setValue.call(input, q);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    });
  }, query);
}

/**
 * Empties the search box and waits until the folder's rows are back and painted: the next query
 * starts from a page at rest, as a user's next search does (typing alone waits for a pause far
 * longer than a frame). Without the frames the next query's time held the style, layout and paint
 * of the list it replaced, and main's search ran beside that work on the same cores.
 */
async function clearSearch(page: Page): Promise<void> {
  await page.evaluate(() => {
    const { document, HTMLInputElement, Event } = globalThis as unknown as Win;
    const input = document.querySelector('[data-testid="search"]')!;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, '');
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(
    () => {
      const { document } = globalThis as unknown as Win;
      if (document.querySelector('[data-testid="message-list"] h1')?.textContent?.startsWith('Search:')) return false;
      const first = document.querySelector('[data-testid="message-list"] li');
      return first !== null && !first.classList.contains('message-placeholder');
    },
    null,
    { timeout: 30_000 },
  );
  await page.evaluate(async () => {
    const w = globalThis as unknown as Win;
    await new Promise<void>((r) => w.requestAnimationFrame(() => w.requestAnimationFrame(() => r())));
  });
}

export async function searchInChromium(opts: { dataDir: string; messages: number; queries: Record<string, string[]> }): Promise<BrowserFigures> {
  const port = await freePort();
  const args = ['--data', opts.dataDir, '--port', String(port), '--no-server', '--no-welcome'];
  let host: HostProcess = await startHostProcess(args);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const count = `${opts.messages.toLocaleString('en-US')} messages`;

    // First load: the mirror fills from main's journal.
    let t = performance.now();
    await page.goto(host.url);
    await waitFor(`the mirror holding ${count}`, 30 * 60_000, async () => (await text(page, 'message-count')) === count);
    const mirrorMs = performance.now() - t;
    // Whatever the browser keeps offline in the background settles first (its text stops changing).
    let last = '';
    let stableSince = performance.now();
    await waitFor('the offline copy settling', 10 * 60_000, async () => {
      const now = await text(page, 'offline-copy');
      if (now !== last) [last, stableSince] = [now, performance.now()];
      return performance.now() - stableSince > 3000;
    });

    // Cold start: the host again on the same folder and port; the page loaded again.
    await host.stop();
    t = performance.now();
    host = await startHostProcess(args);
    const hostStartMs = performance.now() - t;
    await page.addInitScript(() => {
      const w = globalThis as unknown as Win;
      const { document, MutationObserver } = w;
      new MutationObserver((_, o) => {
        if (document.querySelector('[data-testid="message-row"]')) {
          o.disconnect();
          w.requestAnimationFrame(() => (w.__firstRowsPainted = performance.now()));
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto('about:blank'); // (the same URL again would only be a same-document hash change)
    await page.goto(host.url);
    await page.waitForFunction(() => (globalThis as unknown as Win).__firstRowsPainted !== undefined, null, { timeout: 60_000 });
    const firstPaintMs = await page.evaluate(() => (globalThis as unknown as Win).__firstRowsPainted!);
    await waitFor('the host connected again', 60_000, async () => (await text(page, 'connection')) === 'Connected');
    await waitFor(`the inbox of ${count}`, 60_000, async () => (await text(page, 'message-count')) === count);

    // Search, end to end. One query first, untimed (the page's first search loads its code paths).
    await searchOnce(page, 'warm');
    await clearSearch(page);
    const search: Record<string, number[]> = {};
    const hits: Record<string, number> = {};
    for (const [kind, list] of Object.entries(opts.queries)) {
      search[kind] = [];
      hits[kind] = 0;
      for (const q of list) {
        const [ms, rows] = await searchOnce(page, q);
        search[kind].push(ms);
        hits[kind] += rows;
        await clearSearch(page);
      }
    }

    // The unified inbox scrolled to its end, 50 screens at a time (a flung scroll bar), then the memory.
    await page.getByTestId('smart-inbox').click();
    await page.waitForFunction(() => (globalThis as unknown as Win).document.querySelector('[data-testid="message-list"] h1')?.textContent === 'All Inboxes');
    await waitFor(`All Inboxes with ${count}`, 120_000, async () => (await text(page, 'message-count')) === count);
    t = performance.now();
    await page.evaluate(async () => {
      const w = globalThis as unknown as Win;
      const { document } = w;
      const l = document.querySelector('[data-testid="message-list"]')!;
      for (let top = 0; top < l.scrollHeight; top += l.clientHeight * 50) {
        l.scrollTop = top;
        await new Promise<void>((r) => w.requestAnimationFrame(() => w.requestAnimationFrame(() => r())));
      }
      l.scrollTop = l.scrollHeight;
      await new Promise<void>((r) => w.requestAnimationFrame(() => w.requestAnimationFrame(() => r())));
    });
    await page.waitForFunction(() => {
      const rows = (globalThis as unknown as Win).document.querySelectorAll('[data-testid="message-list"] li');
      return rows.length > 0 && !rows[rows.length - 1]!.classList.contains('message-placeholder');
    });
    const scrollMs = performance.now() - t;
    const cdp = await context.newCDPSession(page);
    const heapUsedBytes = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    await cdp.send('HeapProfiler.collectGarbage');
    const heapAfterGcBytes = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const browserCdp = await browser.newBrowserCDPSession();
    const info = (await browserCdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    const renderers = info.processInfo.filter((p) => p.type === 'renderer').map((p) => processMemory(p.id).rss);
    const hostMem = processMemory(host.child.pid!);
    return {
      mirrorMs,
      hostStartMs,
      firstPaintMs,
      search,
      hits,
      scrollMs,
      heapUsedBytes,
      heapAfterGcBytes,
      rendererRssBytes: Math.max(0, ...renderers),
      hostRssBytes: hostMem.rss,
      hostPeakRssBytes: hostMem.peak,
    };
  } finally {
    await browser.close();
    await host.stop();
  }
}
