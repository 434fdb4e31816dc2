// The list's layout in Chromium against Dovecot (#13.1): all inboxes of two accounts, the Unread
// and Flagged smart folders, sorting by sender, subject, size and date both ways, conversations
// (count, participants, expanded in place, Sent included) and the conversation view, the reading
// pane below or off, a dark theme by choice (a setting), and pane sizes, sort, reading pane, theme and the
// folder shown remembered over a reload.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { callApiFromPage } from '../support/browser.ts';
import { addDovecotImapAccount, browserSession } from '../support/browser-session.ts';
import { ROOT } from '../support/web-host-process.ts';
import { createDovecotUser } from '../support/peers.ts';
import { rfc822 } from '../support/messages.ts';
import { deliverToDovecot, imaplib, putIntoDovecotMaildir } from '../support/dovecot-mail.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const session = browserSession();
const SHOTS = path.join(ROOT, 'test-results');
const day = (d: number, h = 9) => new Date(Date.UTC(2026, 10, d, h));

/** The list's rows, top to bottom, as "sender|subject". */
const rowTexts = (page: Page) =>
  page
    .getByTestId('message-row')
    .evaluateAll((rows) => rows.map((r) => `${r.querySelector('.from')?.textContent}|${r.querySelector('.subject')?.textContent}`));

async function shoot(page: Page, name: string) {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: path.join(SHOTS, `${name}-light.png`) });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(SHOTS, `${name}-dark.png`) });
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('the message list layout', () => {
  it('shows smart folders, sorts, groups conversations, moves the reading pane and remembers it all', async () => {
    const a = createDovecotUser();
    const b = createDovecotUser();
    const me = `${a.user}@example.test`;
    await deliverToDovecot(a.user, [
      rfc822({ from: 'Ann Lee <ann@example.test>', to: me, subject: 'Garden plan', body: 'Tomatoes?', messageId: '<g1@t>', date: day(18) }),
      Buffer.from(
        `From: Bob Stone <bob@example.test>\r\nTo: ${me}\r\nSubject: Re: Garden plan\r\nMessage-ID: <g2@t>\r\nIn-Reply-To: <g1@t>\r\nReferences: <g1@t>\r\nDate: ${day(19).toUTCString()}\r\n\r\nAnd beans.\r\n\r\nOn Wednesday Ann wrote:\r\n> Tomatoes?\r\n`,
      ),
      rfc822({ from: 'Shop <shop@example.test>', to: me, subject: 'Your receipt', body: 'Thanks\r\n'.repeat(400), date: day(20) }),
      rfc822({ from: 'Zed <zed@example.test>', to: me, subject: 'apples', body: 'Crisp.', date: day(17) }),
    ]);
    // My reply, in Sent: the conversation spans folders.
    putIntoDovecotMaildir(
      a.user,
      [
        Buffer.from(
          `From: Me <${me}>\r\nTo: ann@example.test\r\nSubject: Re: Garden plan\r\nMessage-ID: <g3@t>\r\nIn-Reply-To: <g2@t>\r\nReferences: <g1@t> <g2@t>\r\nDate: ${day(19, 12).toUTCString()}\r\n\r\nCarrots too.\r\n`,
        ),
      ],
      'Sent',
    );
    imaplib(a.user, a.password, `c.select('INBOX')\nc.store('4', '+FLAGS', '(\\\\Seen \\\\Flagged)')`);
    await deliverToDovecot(b.user, [
      rfc822({ from: 'Carol <carol@example.test>', to: `${b.user}@example.test`, subject: 'Hello from B', body: 'Hi', date: day(21) }),
    ]);

    const host = await session.startHost(['--data', tempDir('list-layout'), '--port', '0', '--no-server']);
    const page = await (await session.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, a.user, a.password);
    await addDovecotImapAccount(page, b.user, b.password);
    const rows = page.getByTestId('message-row');

    // All Inboxes: both accounts' inbox mail, newest first.
    await page.getByTestId('smart-inbox').click();
    await poll(() => rows.count(), 30_000).toBe(5);
    await poll(() => rowTexts(page)).toEqual(['Carol|Hello from B', 'Shop|Your receipt', 'Bob Stone|Re: Garden plan', 'Ann Lee|Garden plan', 'Zed|★ apples']);
    // Unread (not Sent, not the read "apples") and Flagged, across accounts.
    await page.getByTestId('smart-unread').click();
    await poll(() => rowTexts(page)).toEqual(['Carol|Hello from B', 'Shop|Your receipt', 'Bob Stone|Re: Garden plan', 'Ann Lee|Garden plan']);
    await page.getByTestId('smart-flagged').click();
    await poll(() => rowTexts(page)).toEqual(['Zed|★ apples']);

    // Sorting All Inboxes by each key, both ways.
    await page.getByTestId('smart-inbox').click();
    const sortBy = async (key: string, dir: 'asc' | 'desc') => {
      await page.getByTestId('sort-by').selectOption(key);
      if ((await page.getByTestId('sort-dir').getAttribute('data-dir')) !== dir) await page.getByTestId('sort-dir').click();
    };
    const senders = () => rowTexts(page).then((r) => r.map((t) => t.split('|')[0]));
    const subjects = () => rowTexts(page).then((r) => r.map((t) => t.split('|')[1]!.replace('★ ', '')));
    await sortBy('sender', 'asc');
    await poll(senders).toEqual(['Ann Lee', 'Bob Stone', 'Carol', 'Shop', 'Zed']);
    await sortBy('sender', 'desc');
    await poll(senders).toEqual(['Zed', 'Shop', 'Carol', 'Bob Stone', 'Ann Lee']);
    await sortBy('subject', 'asc');
    await poll(subjects).toEqual(['apples', 'Garden plan', 'Re: Garden plan', 'Hello from B', 'Your receipt']);
    await sortBy('subject', 'desc');
    await poll(subjects).toEqual(['Your receipt', 'Hello from B', 'Re: Garden plan', 'Garden plan', 'apples']);
    await sortBy('size', 'desc');
    await poll(() => subjects().then((s) => s[0])).toBe('Your receipt');
    await sortBy('size', 'asc');
    await poll(() => subjects().then((s) => s[4])).toBe('Your receipt');
    await sortBy('date', 'asc');
    await poll(subjects).toEqual(['apples', 'Garden plan', 'Re: Garden plan', 'Your receipt', 'Hello from B']);
    await sortBy('date', 'desc');
    await poll(subjects).toEqual(['Hello from B', 'Your receipt', 'Re: Garden plan', 'Garden plan', 'apples']);

    // Conversations: one row for the garden thread, with its count (Sent included) and participants.
    await page.getByTestId('group-toggle').click();
    await poll(() => rows.count()).toBe(4);
    expect(await page.getByTestId('message-count').textContent()).toBe('4 conversations');
    const thread = page.locator('.message-row', { has: page.getByTestId('thread-toggle') });
    await poll(() => thread.count()).toBe(1);
    await poll(() => thread.getByTestId('thread-count').textContent()).toBe('3');
    expect(await thread.getByTestId('participants').textContent()).toBe('Ann, Bob, me');
    // Expanded in place: its three messages under its row, my reply (to Ann) marked as from Sent.
    await thread.getByTestId('thread-toggle').click();
    const inThread = page.getByTestId('thread-message');
    await poll(() => inThread.count()).toBe(3);
    expect(await inThread.evaluateAll((r) => r.map((x) => x.querySelector('.from')?.textContent))).toEqual(['To: ann@example.test', 'Bob Stone', 'Ann Lee']);
    expect(await inThread.first().locator('.folder-tag').textContent()).toBe('Sent');
    // Rows after the conversation follow its messages.
    const order = await page.locator('.message-row').evaluateAll((r) => r.map((x) => x.querySelector('.subject')?.textContent));
    expect(order).toEqual(['Hello from B', 'Your receipt', 'Re: Garden plan', 'Re: Garden planSent', 'Re: Garden plan', 'Garden plan', '★ apples']);
    // Rows are not measured (list-metrics.ts): each one's content fits its fixed height, and the
    // rows, a conversation's shorter ones included, follow one another without a gap or overlap.
    const placed = await page.locator('ol.messages > li').evaluateAll((lis) =>
      lis.map((li) => {
        const row = li.firstElementChild!;
        return { top: li.getBoundingClientRect().top, height: li.getBoundingClientRect().height, fits: row.scrollHeight <= row.clientHeight + 1 };
      }),
    );
    expect(placed.map((p) => p.fits)).toEqual(placed.map(() => true));
    for (let i = 1; i < placed.length; i++) expect(placed[i]!.top).toBe(placed[i - 1]!.top + placed[i - 1]!.height);
    expect(new Set(placed.map((p) => p.height)).size).toBe(2);
    await shoot(page, 'list-grouped');
    // j and k step through an expanded conversation's messages too (its head row and the same
    // message under it are one step).
    const rowIds = [...new Set(await page.locator('.message-row [data-message-id]').evaluateAll((r) => r.map((x) => x.getAttribute('data-message-id'))))];
    const current = () => page.locator('.message.current').first().getAttribute('data-message-id');
    await page.locator('.message-row', { hasText: 'Your receipt' }).locator('[data-message-id]').click();
    await poll(current).toBe(rowIds[1]);
    for (const id of rowIds.slice(2)) {
      await page.keyboard.press('j');
      await poll(current).toBe(id);
    }
    await page.keyboard.press('k');
    await poll(current).toBe(rowIds.at(-2));

    // The conversation view: the thread stacked (Sent included); an earlier message opens in place
    // with its quoted text collapsed.
    await inThread.nth(1).click();
    await poll(() => page.getByTestId('reader-subject').textContent()).toBe('Re: Garden plan');
    const stack = page.getByTestId('conversation-message');
    await poll(() => stack.count()).toBe(3);
    expect(await page.getByTestId('conversation').textContent()).toContain('3 messages in this conversation');
    expect(await stack.nth(2).textContent()).toContain('Sent');
    const frame = page.frameLocator('[data-testid="body-frame"]').first();
    await poll(() => frame.locator('details.quoted').count()).toBe(1);
    expect(await frame.locator('details.quoted').getAttribute('open')).toBeNull();
    expect(await frame.locator('body').textContent()).toContain('And beans.');
    await stack.nth(0).locator('.conversation-toggle').click();
    await poll(() => page.frameLocator('.stacked-body iframe').locator('body').textContent()).toContain('Tomatoes?');
    await shoot(page, 'conversation-view');

    // Reading pane below the list, then off (the reader takes the list's place until Back).
    const box = async (sel: string) => (await page.locator(sel).first().boundingBox())!;
    expect((await box('.reader')).x).toBeGreaterThan((await box('.list')).x + 100);
    await page.getByTestId('reading-pane').selectOption('bottom');
    await poll(async () => (await box('.reader')).y > (await box('.list')).y + 100).toBe(true);
    expect(Math.abs((await box('.reader')).x - (await box('.list')).x)).toBeLessThan(2);
    await shoot(page, 'reading-pane-bottom');
    await page.getByTestId('reading-pane').selectOption('off');
    await poll(() => page.locator('.list').count()).toBe(0);
    await page.getByTestId('back-to-list').click();
    await poll(() => page.locator('.reader').count()).toBe(0);
    await rows.first().click();
    await poll(() => page.getByTestId('reader-subject').textContent()).toBe('Hello from B');
    await page.keyboard.press('Escape');
    await poll(() => page.locator('.list').count()).toBe(1);
    await page.getByTestId('reading-pane').selectOption('bottom');

    // Resize the folder pane by dragging its separator; a reload keeps sizes, sort, grouping and the pane.
    await sortBy('sender', 'asc');
    const sep = await box('[data-testid="folders-separator"]');
    const before = (await box('.folders')).width;
    await page.mouse.move(sep.x + sep.width / 2, sep.y + 200);
    await page.mouse.down();
    await page.mouse.move(sep.x + sep.width / 2 + 60, sep.y + 200, { steps: 8 });
    await page.mouse.up();
    const resized = (await box('.folders')).width;
    expect(resized).toBeGreaterThan(before + 40);
    // Dark chosen by hand, over the system's light.
    await page.emulateMedia({ colorScheme: 'light' });
    // The page's resolved background (--bg is light-dark(), resolved by the colour scheme).
    const bg = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(await bg()).toBe('rgb(255, 255, 255)');
    // The theme is a setting of the app (Settings › Appearance), kept by the background service.
    expect((await callApiFromPage(page, 'settings.set', { key: 'appearance.theme', value: 'dark' })).ok).toBe(true);
    await poll(bg).toBe('rgb(27, 26, 25)');
    await page.reload();
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await poll(bg).toBe('rgb(27, 26, 25)');
    await poll(() => page.locator('.list-header h1').textContent()).toBe('All Inboxes');
    await poll(async () => Math.round((await box('.folders')).width)).toBe(Math.round(resized));
    expect(await page.getByTestId('sort-by').inputValue()).toBe('sender');
    expect(await page.getByTestId('sort-dir').getAttribute('data-dir')).toBe('asc');
    expect(await page.getByTestId('group-toggle').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('reading-pane').inputValue()).toBe('bottom');
    expect((await box('.reader')).y).toBeGreaterThan((await box('.list')).y + 100);
  }, 180_000);
});
