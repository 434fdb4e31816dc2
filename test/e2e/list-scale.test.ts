// A list that scales (#14.5): 100,000 messages seeded into the page's IndexedDB open in the
// virtualized list (ids from the [mailboxId+date] index, rows read as they come into view) and
// scroll to the end. Prints first paint and scroll-to-end times (measured, not asserted).
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/web-host-process.ts';
import { browserSession } from '../support/browser-session.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const SHOTS = path.join(ROOT, 'test-results');
const COUNT = 100_000;
const session = browserSession();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
});

/** Seeds one account, its INBOX and `count` messages straight into the app's IndexedDB (what a synced mirror holds). */
const SEED = `async (count) => {
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open('hearth');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const put = (stores, fill) =>
    new Promise((resolve, reject) => {
      const tx = db.transaction(stores, 'readwrite');
      fill(tx);
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  await put(['accounts', 'mailboxes'], (tx) => {
    tx.objectStore('accounts').put({ id: 'big', name: 'Big', email: 'big@example.test', incoming: { protocol: 'imap', host: '127.0.0.1', port: 1, tls: 'plain', user: 'big' }, identities: [{ name: 'Big', email: 'big@example.test' }], state: 'offline' });
    tx.objectStore('mailboxes').put({ id: 1, accountId: 'big', path: 'INBOX', name: 'Inbox', delimiter: '/', parentPath: null, specialUse: 'inbox', subscribed: true, total: count, unseen: count / 2 });
  });
  const start = Date.UTC(2026, 0, 1);
  for (let base = 0; base < count; base += 10000) {
    await put(['messages'], (tx) => {
      const store = tx.objectStore('messages');
      for (let i = base; i < Math.min(count, base + 10000); i++)
        store.put({ id: i + 1, accountId: 'big', mailboxId: 1, uid: i + 1, messageId: null, subject: 'Message ' + i, from: [{ name: 'Sender ' + (i % 97), address: 's' + (i % 97) + '@example.test' }], to: [], cc: [], date: start + i * 60000, flags: i % 2 ? ['\\\\Seen'] : [], size: 2000, snippet: 'Snippet of message ' + i, hasAttachments: false, threadId: i + 1 });
    });
  }
  db.close();
}`;

describe('a list of 100,000 messages in Chromium', () => {
  it('opens and scrolls to the end, rendering only the rows in view', async () => {
    const host = await session.startHost(['--data', tempDir('e2e-scale'), '--port', '0', '--no-server']);
    const context = await session.browser.newContext({ viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await page.evaluate(`(${SEED})(${COUNT})`);

    // First paint of the cached inbox after a (re)load: navigation start to the first row in the
    // DOM (a MutationObserver notes the moment), and to the app's script having run at all. It
    // also counts rows blanked (placeholders) once rows showed: the first screen giving way to
    // all of the folder's keys must not blank the rows in view.
    await page.addInitScript(`window.__blanked = 0; new MutationObserver(() => {
      if (!window.__firstRowAt && document.querySelector('[data-testid="message-row"]')) window.__firstRowAt = performance.now();
      else if (window.__firstRowAt && document.querySelector('.message-placeholder')) window.__blanked++;
      if (!window.__appAt && document.querySelector('.app')) window.__appAt = performance.now();
    }).observe(document, { childList: true, subtree: true });`);
    await page.reload();
    await poll(() => page.getByTestId('message-count').textContent(), 60_000).toBe('100,000 messages');
    await poll(() => page.getByTestId('message-row').count()).toBeGreaterThan(0);
    const firstPaintMs = await page.evaluate<number>('window.__firstRowAt');
    const appShellMs = await page.evaluate<number>('window.__appAt');
    expect(await page.getByTestId('message-row').first().locator('.subject').textContent()).toBe(`Message ${COUNT - 1}`);
    // Only the rows in view (and a few either side) exist.
    expect(await page.getByTestId('message-row').count()).toBeLessThan(60);
    expect(await page.evaluate<number>('window.__blanked')).toBe(0);

    // Scroll to the end: the oldest message shows.
    const scrollStart = await page.evaluate<number>('performance.now()');
    await page.evaluate(`(() => { const l = document.querySelector('[data-testid="message-list"]'); l.scrollTop = l.scrollHeight; })()`);
    await poll(() => page.getByTestId('message-row').last().locator('.subject').textContent()).toBe('Message 0');
    const scrollEndMs = (await page.evaluate<number>('performance.now()')) - scrollStart;

    // Scroll through in screen-sized steps, as a person flinging the list would (every 50th screen).
    const steps = await page.evaluate<number>(`(async () => {
      const l = document.querySelector('[data-testid="message-list"]');
      l.scrollTop = 0;
      let n = 0;
      for (let top = 0; top < l.scrollHeight; top += l.clientHeight * 50) {
        l.scrollTop = top;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        n++;
      }
      return n;
    })()`);
    const heapMb = await page.evaluate<number>('Math.round((performance.memory?.usedJSHeapSize ?? 0) / 1048576)');
    // Keyboard: k moves the selection up from the oldest message.
    await page.evaluate(`(() => { const l = document.querySelector('[data-testid="message-list"]'); l.scrollTop = l.scrollHeight; })()`);
    await poll(() => page.getByTestId('message-row').last().locator('.subject').textContent()).toBe('Message 0');
    await page.getByTestId('message-row').last().click();
    await poll(() => page.getByTestId('reader-subject').textContent()).toBe('Message 0');
    await page.keyboard.press('k');
    await poll(() => page.getByTestId('reader-subject').textContent()).toBe('Message 1');
    await page.screenshot({ path: path.join(SHOTS, 'list-100k-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SHOTS, 'list-100k-dark.png') });
    console.log(
      `100,000 messages: app shell ${Math.round(appShellMs)} ms, first rows ${Math.round(firstPaintMs)} ms after navigation; scroll to end ${Math.round(scrollEndMs)} ms; ${steps} jumps of 50 screens; JS heap ${heapMb} MB`,
    );
    await context.close();
  }, 240_000);
});
