// The search box end to end (#14.2): every account's folders by default, the open folder on
// request (This folder); Enter searches at once, typing after a pause; operators work from the
// box; Escape ends the search; results come in pages as the list scrolls. Against Dovecot.
import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { addDovecotImapAccount, browserSession } from '../support/browser-session.ts';
import { createDovecotUser } from '../support/peers.ts';
import { rfc822 } from '../support/messages.ts';
import { putIntoDovecotMaildir } from '../support/dovecot-mail.ts';
import { ROOT } from '../support/web-host-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';
import { SEARCH_FIRST_PAGE as FIRST_PAGE } from '../../src/renderer/src/list-metrics.ts';

const SHOTS = path.join(ROOT, 'test-results');
const session = browserSession();
/** Run in the page (a string: this file is typed without the DOM). */
const SCROLL_LIST_TO_END = `document.querySelector('[data-testid="message-list"]').scrollTo(0, 1e7)`;

describe('the search box in Chromium', () => {
  it('searches every folder by default and the open one on request', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const { user, password } = createDovecotUser();
    const now = Date.now();
    const msg = (subject: string, from: string, hours: number) =>
      rfc822({ from, to: `${user}@example.test`, subject, body: `About ${subject}.`, date: new Date(now - hours * 3_600_000) });
    putIntoDovecotMaildir(user, [msg('Heron at the pond', 'Ann <ann@example.test>', 1), msg('Lunch', 'Bob <bob@example.test>', 2)]);
    putIntoDovecotMaildir(user, [msg('Heron photos', 'Carol <carol@example.test>', 3), msg('Budget', 'Ann <ann@example.test>', 4)], 'Work');
    const host = await session.startHost(['--data', tempDir('e2e-search'), '--port', '0', '--no-server', '--no-welcome']);
    const page = await (await session.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, user, password);
    await poll(() => page.getByTestId('message-row').count(), 30_000).toBe(2);
    const heading = () => page.getByRole('heading', { level: 1 }).first().textContent();
    // Results come ranked; the tests compare them as sets.
    const subjects = async () => (await page.getByTestId('message-row').locator('.subject').allTextContents()).sort();

    // Enter searches at once; from the inbox, the Work folder's match comes too.
    await page.getByTestId('search').fill('heron');
    await page.getByTestId('search').press('Enter');
    await poll(heading).toBe('Search: heron');
    await poll(subjects).toEqual(['Heron at the pond', 'Heron photos']);
    expect(await page.getByTestId('search-scope').getAttribute('aria-pressed')).toBe('false');
    await page.screenshot({ path: path.join(SHOTS, 'search-all-light.png') });

    // This folder only.
    await page.getByTestId('search-scope').click();
    await poll(heading).toBe('Search: heron — in Inbox');
    await poll(subjects).toEqual(['Heron at the pond']);
    expect(await page.getByTestId('search-scope').getAttribute('aria-pressed')).toBe('true');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SHOTS, 'search-folder-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Back to every folder; operators combine in the box.
    await page.getByTestId('search-scope').click();
    await page.getByTestId('search').fill('from:ann -heron');
    await page.getByTestId('search').press('Enter');
    await poll(heading).toBe('Search: from:ann -heron');
    await poll(subjects).toEqual(['Budget']);

    // Cleared, the folder is back.
    await page.getByTestId('search').fill('');
    await poll(heading).toBe('Inbox');
    await poll(subjects).toEqual(['Heron at the pond', 'Lunch']);

    // Typing alone searches after a pause; Escape ends the search and empties the box.
    await page.getByTestId('search').pressSequentially('lunch');
    await poll(heading).toBe('Search: lunch');
    await poll(subjects).toEqual(['Lunch']);
    await page.getByTestId('search').press('Escape');
    await poll(heading).toBe('Inbox');
    expect(await page.getByTestId('search').inputValue()).toBe('');
  }, 120_000);

  it('shows a first page of results at once and the rest as the list scrolls to its end', async () => {
    const { user, password } = createDovecotUser();
    const now = Date.now();
    const COUNT = FIRST_PAGE + 80;
    putIntoDovecotMaildir(
      user,
      Array.from({ length: COUNT }, (_, i) =>
        rfc822({
          from: 'Ann <ann@example.test>',
          to: `${user}@example.test`,
          subject: `Quarterly report ${i}`,
          body: `Figures ${i}.`,
          date: new Date(now - i * 60_000),
        }),
      ),
    );
    const host = await session.startHost(['--data', tempDir('e2e-search-pages'), '--port', '0', '--no-server', '--no-welcome']);
    const page = await (await session.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, user, password);
    await poll(() => page.getByTestId('message-count').textContent(), 30_000).toBe(`${COUNT} messages`);

    // Main indexes a folder just synced in the background: search again until it holds every message.
    const searchToEnd = async () => {
      await page.getByTestId('search').fill('');
      await poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBe('Inbox');
      await page.getByTestId('search').fill('quarterly');
      await page.getByTestId('search').press('Enter');
      await poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBe('Search: quarterly');
      // The first page only, until the list nears its end.
      expect(await page.getByTestId('message-count').textContent()).toBe(`${FIRST_PAGE}+ messages`);
      await page.evaluate(SCROLL_LIST_TO_END);
      await page.waitForTimeout(300);
      return page.getByTestId('message-count').textContent();
    };
    await poll(searchToEnd, 30_000).toBe(`${COUNT} messages`);
    // Every message once: the oldest is the last row.
    await page.evaluate(SCROLL_LIST_TO_END);
    await poll(() => page.getByTestId('message-row').last().locator('.subject').textContent()).toBe(`Quarterly report ${COUNT - 1}`);
  }, 120_000);
});
