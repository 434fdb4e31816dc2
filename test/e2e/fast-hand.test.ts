// What makes the app fast to the hand (#13.9) and its modal Settings, in Chromium against the
// browser host and Dovecot: delete and flag show before main answers (optimistic) and come back
// when main refuses (the page's calls held and refused on the WebSocket), as do read/unread; the Settings dialog
// keeps Tab inside, closes with Escape and gives the focus back; the message frame follows a
// theme change while the message is open.
import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { addDovecotImapAccount, browserSession } from '../support/browser-session.ts';
import { ROOT } from '../support/web-host-process.ts';
import { createDovecotUser } from '../support/peers.ts';
import { rfc822 } from '../support/messages.ts';
import { imaplib, putIntoDovecotMaildir } from '../support/dovecot-mail.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const session = browserSession();
const SHOTS = path.join(ROOT, 'test-results');
/** An expression evaluated in the page (this file is typed without the DOM). */
const inPage = <T = unknown>(page: Page, expression: string) => page.evaluate<T>(expression);

describe('fast to the hand', () => {
  it('shows delete and flag at once, brings them back when main refuses; Settings is a modal dialog; the frame follows the theme', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const { user, password } = createDovecotUser();
    const start = Date.UTC(2026, 10, 1, 8);
    putIntoDovecotMaildir(
      user,
      Array.from({ length: 6 }, (_, i) =>
        rfc822({
          from: 'Ann Baker <ann@example.test>',
          to: 'me@example.test',
          subject: `Quick ${i + 1}`,
          body: `Quick note ${i + 1}.`,
          date: new Date(start + i * 60_000),
        }),
      ),
    );
    putIntoDovecotMaildir(user, [], 'Trash');
    const host = await session.startHost(['--data', tempDir('e2e-fast-hand'), '--port', '0', '--no-server']);
    const page = await (await session.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    // Between the page and the host: while `held.on`, calls that act on messages stop here, and
    // `held.refuse()` answers them with an error as main would.
    const held = {
      on: false,
      frames: [] as { id: number; method: string; answer(text: string): void }[],
      refuse() {
        for (const f of held.frames.splice(0))
          f.answer(JSON.stringify({ id: f.id, ok: false, error: { code: 'SERVER_ERROR', message: 'Refused by the test' } }));
      },
    };
    await page.routeWebSocket(/.*/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        const frame = JSON.parse(String(m)) as { id: number; method: string };
        if (held.on && /^messages\.(setFlags|delete|archive|move)$/.test(frame.method)) held.frames.push({ ...frame, answer: (text) => ws.send(text) });
        else server.send(m);
      });
      server.onMessage((m) => ws.send(m));
    });
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, user, password);
    await poll(() => page.getByTestId('message-count').textContent(), 60_000).toBe('6 messages');
    await poll(() => page.getByTestId('offline-copy').textContent(), 60_000).toMatch(/^Offline copy: 6 messages/);
    const row = (subject: string) => page.locator('[data-testid=message-row]', { hasText: subject });

    // Online: delete takes the row out, and the server has the message in Trash.
    await row('Quick 6').click();
    await poll(() => page.getByTestId('reader-subject').textContent()).toBe('Quick 6');
    await page.keyboard.press('#');
    await poll(() => row('Quick 6').count()).toBe(0);
    await poll(() => imaplib(user, password, `print(c.select('Trash')[1][0].decode())`).trim(), 30_000).toBe('1');

    // The theme: the open message's frame takes dark colours when the app turns dark, and back.
    await poll(() => page.getByTestId('reader-subject').textContent()).toBe('Quick 5');
    const frameIsDark = () => inPage<boolean>(page, `document.querySelector('[data-testid=body-frame]')?.srcdoc.includes('color-scheme: light dark') ?? null`);
    await poll(() => frameIsDark()).toBe(false);
    const settingsButton = page.getByTestId('open-settings');
    await settingsButton.click();
    await page.getByRole('tab', { name: 'Appearance' }).click();
    await page.getByLabel('Dark').check();
    await poll(() => frameIsDark()).toBe(true);
    await page.getByLabel('Light').check();
    await poll(() => frameIsDark()).toBe(false);
    // Back to the system's (the screenshots below emulate light and dark), which follows too.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByLabel('Same as the system').check();
    await poll(() => frameIsDark()).toBe(true);
    await page.emulateMedia({ colorScheme: 'light' });
    await poll(() => frameIsDark()).toBe(false);

    // Settings is a modal dialog: Tab and Shift+Tab cycle inside it; Escape closes it and the
    // focus returns to the button that opened it.
    const inSettings = () => inPage<boolean>(page, `document.querySelector('[data-testid=settings]').contains(document.activeElement)`);
    await page.getByRole('tab', { name: 'Accounts' }).click();
    const focusedTexts = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      expect(await inSettings()).toBe(true);
      focusedTexts.add(await inPage<string>(page, `document.activeElement.outerHTML.slice(0, 60)`));
    }
    // It did move (through the tab, the account list and the editor), not stay put.
    expect(focusedTexts.size).toBeGreaterThan(5);
    await page.getByRole('tab', { name: 'Accounts' }).focus();
    await page.keyboard.press('Shift+Tab');
    expect(await inSettings()).toBe(true);
    expect(await inPage(page, `document.activeElement.getAttribute('role')`)).not.toBe('tab');
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('settings').count()).toBe(0);
    expect(await inPage(page, `document.activeElement?.dataset.testid`)).toBe('open-settings');

    // Main slow, then refusing: the page's calls to act on messages are held on their way to the
    // host (routeWebSocket), so what shows meanwhile is the page's own doing. The row goes at once
    // and the flag shows at once; when main says no, both come back as they were.
    const idOf = async (subject: string) => Number(await row(subject).getAttribute('data-message-id'));
    const isUnread = async () => ((await row('Quick 4').getAttribute('class')) ?? '').split(' ').includes('unread');
    await row('Quick 4').click();
    await poll(() => page.getByTestId('reader-subject').textContent()).toBe('Quick 4');
    // Opening it marked it read (the offline copy, then main): that call goes before any is held.
    await poll(() => isUnread()).toBe(false);
    const id = await idOf('Quick 4');
    held.on = true;
    await page.keyboard.press('#');
    await poll(() => held.frames.map((f) => f.method)).toEqual(['messages.delete']);
    await poll(() => row('Quick 4').count()).toBe(0);
    expect(await inPage(page, `document.querySelector('[data-message-id="${id}"]')`)).toBeNull();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: path.join(SHOTS, `fast-hand-delete-pending-${scheme}.png`) });
    }
    held.refuse();
    await poll(() => row('Quick 4').count()).toBe(1);
    await poll(() => page.locator('.status .notice').textContent()).toContain('Refused by the test');

    await row('Quick 4').click();
    await poll(() => page.getByTestId('reader-subject').textContent()).toBe('Quick 4');
    expect(await row('Quick 4').locator('.flag').count()).toBe(0);
    await page.keyboard.press('s');
    await poll(() => held.frames.map((f) => f.method)).toEqual(['messages.setFlags']);
    await poll(() => row('Quick 4').locator('.flag').count()).toBe(1);
    held.refuse();
    await poll(() => row('Quick 4').locator('.flag').count()).toBe(0);
    // Unread the same way: at once, and read again when main refuses.
    expect(await isUnread()).toBe(false);
    await page.keyboard.press('u');
    await poll(() => held.frames.map((f) => f.method)).toEqual(['messages.setFlags']);
    await poll(() => isUnread()).toBe(true);
    held.refuse();
    await poll(() => isUnread()).toBe(false);
    // Nothing reached the server: Quick 4 is still in the inbox, unflagged.
    held.on = false;
    expect(imaplib(user, password, `c.select('INBOX')\nprint(len(c.search(None, 'FLAGGED')[1][0].split()))`).trim()).toBe('0');
    expect(imaplib(user, password, `print(c.select('INBOX')[1][0].decode())`).trim()).toBe('5');
  }, 240_000);
});

describe('deletes one after another', () => {
  it('keeps the reader on the selected message, never the one read before', async () => {
    const { user, password } = createDovecotUser();
    const start = Date.UTC(2026, 10, 2, 8);
    const subject = (i: number) => `Rapid ${String(i).padStart(2, '0')}`;
    putIntoDovecotMaildir(
      user,
      Array.from({ length: 40 }, (_, i) =>
        rfc822({
          from: 'Ann Baker <ann@example.test>',
          to: 'me@example.test',
          subject: subject(39 - i),
          body: `Note ${i}.`,
          date: new Date(start + i * 60_000),
        }),
      ),
    );
    putIntoDovecotMaildir(user, [], 'Trash');
    const host = await session.startHost(['--data', tempDir('e2e-rapid-delete'), '--port', '0', '--no-server']);
    const page = await (await session.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, user, password);
    await poll(() => page.getByTestId('offline-copy').textContent(), 60_000).toMatch(/^Offline copy: 40 messages/);
    const readerSubject = () => page.getByTestId('reader-subject').textContent();
    const selectedSubject = () => page.locator('[data-testid=message-row].selected .subject').first().textContent();
    // Walk down with j (as the latency bench does), then delete one message after another.
    await page.locator('[data-testid=message-row]', { hasText: subject(0) }).click();
    for (let i = 1; i <= 10; i++) {
      await page.keyboard.press('j');
      await poll(readerSubject).toBe(subject(i));
    }
    const deleted: string[] = [];
    for (let n = 0; n < 15; n++) {
      const before = (await readerSubject()) ?? '';
      deleted.push(before);
      await page.keyboard.press('#');
      await poll(() => page.locator('[data-testid=message-row] .subject', { hasText: before }).count()).toBe(0);
      await poll(async () => (await readerSubject()) === (await selectedSubject())).toBe(true);
    }
    expect(new Set(deleted).size).toBe(15);
    await poll(() => imaplib(user, password, `print(c.select('Trash')[1][0].decode())`).trim(), 30_000).toBe('15');
  });
});
