// The browser host keeps its promises (#13.7): every synced message in the offline window reads
// with the host stopped, never opened before, inline images included; and the open page goes back
// online by itself when the host restarts on the same data folder — no reload, no new address.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { callApiFromPage } from '../support/browser.ts';
import { ROOT } from '../support/web-host-process.ts';
import { addDovecotImapAccount, browserSession } from '../support/browser-session.ts';
import { createDovecotUser } from '../support/peers.ts';
import { redated, rfc822 } from '../support/messages.ts';
import { corpusMessage } from '../support/corpus.ts';
import { readFileSync } from 'node:fs';
import { deliverToDovecot } from '../support/dovecot-mail.ts';
import { freePort } from '../support/ports.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const SHOTS = path.join(ROOT, 'test-results');
const session = browserSession();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
});

/** The loaded images in the message frame (naturalWidth > 0 means the data: URL decoded). */
async function frameImages(page: Page): Promise<number[]> {
  const frame = page.frames().find((f) => f !== page.mainFrame());
  if (!frame) return [];
  return frame.evaluate<number[]>('Array.from(document.images, (i) => (i.complete ? i.naturalWidth : 0))');
}

describe('offline reading and reconnect in Chromium against Dovecot', () => {
  it('reads 10 never-opened messages and inline images with the host stopped, then reconnects by itself', async () => {
    const { user, password } = createDovecotUser();
    const now = Date.now();
    const plain = Array.from({ length: 10 }, (_, i) =>
      rfc822({
        from: `Sender ${i} <s${i}@example.test>`,
        to: `${user}@example.test`,
        subject: `Offline ${i}`,
        body: `Body of offline message ${i}.`,
        date: new Date(now - (i + 1) * 3_600_000),
      }),
    );
    await deliverToDovecot(user, [
      ...plain,
      // HTML whose only content is an inline image; HTML with two inline images (and a Latin-1 subject).
      redated(corpusMessage('thirdparty-016.eml'), new Date(now - 20 * 3_600_000)),
      redated(corpusMessage('legacy-015.eml'), new Date(now - 21 * 3_600_000)),
      // UTF-7 subject and body; raw 8-bit Latin-1 headers; a raw 8-bit byte inside an encoded word.
      ...['utf7.eml', 'raw-8bit-latin1-headers.eml', 'raw-8bit-in-encoded-word.eml'].map((f, i) =>
        redated(readFileSync(path.join(ROOT, 'test/fixtures/mime', f)), new Date(now - (22 + i) * 3_600_000)),
      ),
    ]);
    const dataDir = tempDir('e2e-offline');
    const port = await freePort();
    const args = ['--data', dataDir, '--port', String(port), '--no-server'];
    const host = await session.startHost(args);

    const context = await session.browser.newContext({ viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, user, password, 'Offline');
    await poll(() => page.getByTestId('message-row').count()).toBe(15);
    // The background fill keeps every body (nothing was opened).
    await poll(() => page.getByTestId('offline-copy').textContent(), 60_000).toMatch(/^Offline copy: 15 messages/);

    await host.stop();
    await poll(() => page.getByTestId('connection').textContent()).toBe('Offline — showing cached mail');

    for (let i = 0; i < 10; i++) {
      await page
        .getByTestId('message-row')
        .filter({ hasText: `Offline ${i}` })
        .click();
      await poll(() => page.getByTestId('reader-subject').textContent()).toBe(`Offline ${i}`);
      await poll(() => page.frameLocator('[data-testid="body-frame"]').locator('body').textContent()).toContain(`Body of offline message ${i}.`);
      expect(await page.getByRole('alert').count()).toBe(0);
    }

    // Decoded once, in the list, the reader and the body (from the offline copy).
    for (const [subject, sender, text] of [
      ['Die Frösche', 'Jürgen', 'Die Frösche springen & tauchen. 1+1=2'],
      ['Die Frösche im Teich', 'Jürgen Müller', 'Die Frösche quaken.'],
    ]) {
      const row = page.getByTestId('message-row').filter({ has: page.locator('.from', { hasText: new RegExp(`^${sender}$`) }) });
      expect(await row.locator('.subject').textContent()).toBe(subject);
      expect(await row.locator('.snippet').textContent()).toBe(text);
      await row.click();
      await poll(() => page.getByTestId('reader-subject').textContent()).toBe(subject);
      await poll(() => page.frameLocator('[data-testid="body-frame"]').locator('body').textContent()).toContain(text);
    }
    expect(await page.getByTestId('message-row').filter({ hasText: 'Heinz Müller' }).filter({ hasText: 'Die Hasen und die Frösche' }).count()).toBe(1);
    expect(await page.getByTestId('message-row').filter({ hasText: 'Doug Sauder' }).filter({ hasText: 'Die Hasen und die Frösche' }).count()).toBe(1);
    expect(await page.locator('body').textContent()).not.toMatch(/ï¿½|\uFFFD|\+APY-/);

    // The search box searches the offline copy and says so: a word only in a body, typed without its accent.
    await page.getByTestId('search').fill('ersaufen');
    await poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBe('Search: ersaufen — local results (offline copy)');
    await poll(() => page.getByTestId('message-row').allTextContents()).toEqual([expect.stringContaining('Doug Sauder')]);
    await page.getByTestId('search').fill('');
    await poll(() => page.getByTestId('message-row').count()).toBe(15);

    await page.getByTestId('message-row').filter({ hasText: '25 HTML + embedded image' }).click();
    await poll(() => frameImages(page)).toEqual([expect.any(Number)]);
    expect((await frameImages(page))[0]).toBeGreaterThan(0);

    await page.getByTestId('message-row').filter({ hasText: 'Doug Sauder' }).click();
    await poll(() => frameImages(page).then((w) => w.length === 2 && w.every((x) => x > 0))).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'offline-inline-images-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SHOTS, 'offline-inline-images-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Same data folder, same port: the page finds the host again with the secret it holds.
    await session.startHost(args);
    await poll(() => page.getByTestId('connection').textContent(), 30_000).toBe('Connected');
    expect(page.url()).toBe(`http://127.0.0.1:${port}/`);
    expect((await callApiFromPage(page, 'app.info', {})).ok).toBe(true);
    await context.close();
  }, 180_000);
});
