// Acting on many messages in Chromium against Dovecot (#13.4): click, ctrl+click, shift+click,
// x and select all; a context menu; flags on a selection; a bulk move of 500 messages and its
// undo (z), both checked on the server with python imaplib; a drag to a folder and its Undo
// button; Enter opens; ? lists the shortcuts. Screenshots (light and dark) of the selection with
// its menu and of the undo toast.
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

const COUNT = 500;
const SHOTS = path.join(ROOT, 'test-results');
const session = browserSession();

async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('acting on many messages in the browser host', () => {
  it('selects, flags, moves 500 and undoes it, drags to a folder, opens with Enter and shows the shortcuts', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const { user, password } = createDovecotUser();
    const start = Date.UTC(2026, 10, 1, 8);
    const senders = ['Ann Baker <ann@example.test>', 'Bob Stone <bob@example.test>', 'Cleo Park <cleo@example.test>', 'Dev Rao <dev@example.test>'];
    putIntoDovecotMaildir(
      user,
      Array.from({ length: COUNT }, (_, i) =>
        rfc822({
          from: senders[i % senders.length]!,
          to: 'me@example.test',
          subject: `Household note ${i + 1}`,
          body: `Note number ${i + 1} about the house.`,
          messageId: `<note-${i + 1}@example.test>`,
          date: new Date(start + i * 60_000),
        }),
      ),
    );
    putIntoDovecotMaildir(user, [], 'Keep');
    const count = (folder: string) => imaplib(user, password, `print(c.select('${folder}')[1][0].decode())`).trim();
    const flagged = () => imaplib(user, password, `c.select('INBOX')\nprint(len(c.search(None, 'FLAGGED')[1][0].split()))`).trim();

    const host = await session.startHost(['--data', tempDir('e2e-acting'), '--port', '0', '--no-server']);
    const page = await (await session.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, user, password);
    const total = page.getByTestId('message-count');
    await poll(() => total.textContent(), 60_000).toBe(`${COUNT} messages`);
    const list = page.getByRole('listbox', { name: 'Message list' });
    expect(await list.getAttribute('aria-multiselectable')).toBe('true');
    const rows = page.getByTestId('message-row');
    const picked = list.locator('[role=option][aria-selected=true]');
    const selectionCount = page.getByTestId('selection-count');
    await poll(() => rows.nth(5).textContent()).toContain(`Household note ${COUNT - 5}`);

    // Click opens one; ctrl+click adds; shift+click takes the range from there.
    await rows.nth(0).click();
    await poll(() => picked.count()).toBe(1);
    await rows.nth(2).click({ modifiers: ['Control'] });
    await poll(() => selectionCount.textContent()).toBe('2 messages selected');
    await rows.nth(4).click({ modifiers: ['Shift'] });
    await poll(() => selectionCount.textContent()).toBe('3 messages selected');
    expect(await picked.evaluateAll((els) => els.map((e) => e.textContent))).toEqual([
      expect.stringContaining(`Household note ${COUNT - 2}`),
      expect.stringContaining(`Household note ${COUNT - 3}`),
      expect.stringContaining(`Household note ${COUNT - 4}`),
    ]);

    // Esc clears; x picks the open message, j moves on, x picks that one too.
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('selection-pane').count()).toBe(0);
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    // The open message is not the picked one: the pane says what actions apply to.
    await poll(() => selectionCount.textContent()).toBe('1 message selected');
    await page.keyboard.press('x');
    await poll(() => selectionCount.textContent()).toBe('2 messages selected');

    // The context menu acts on the selection: both flagged on the server.
    await rows.nth(1).click({ button: 'right' });
    const menu = page.getByRole('menu');
    await poll(() => menu.getAttribute('aria-label')).toBe('Actions on 2 messages');
    await poll(() => page.evaluate<string | null>("document.activeElement?.getAttribute('role') ?? null")).toBe('menuitem');
    await page.getByTestId('menu-flag').click();
    await poll(() => menu.count()).toBe(0);
    await poll(flagged).toBe('2');

    // Select all (Ctrl+A), the menu on it: the screenshots; then move all 500 to Keep.
    await rows.nth(3).focus();
    await page.keyboard.press('Control+a');
    await poll(() => selectionCount.textContent()).toBe(`${COUNT} messages selected`);
    await rows.nth(3).click({ button: 'right', position: { x: 200, y: 30 } });
    await poll(() => menu.getAttribute('aria-label')).toBe(`Actions on ${COUNT} messages`);
    await shoot(page, 'acting-select-all-menu');
    const moveStart = Date.now();
    await page.getByTestId('menu-move-Keep').click();
    await poll(() => total.textContent()).toBe('0 messages');
    const toast = page.getByTestId('undo-toast');
    await poll(() => toast.textContent()).toContain(`${COUNT} messages moved to Keep`);
    await poll(() => `${count('INBOX')} ${count('Keep')}`, 60_000).toBe(`0 ${COUNT}`);
    const moveMs = Date.now() - moveStart;
    await shoot(page, 'acting-undo-toast');

    // z puts all 500 back, on the server too, flags and all.
    const undoStart = Date.now();
    await page.keyboard.press('z');
    await poll(() => total.textContent(), 60_000).toBe(`${COUNT} messages`);
    await poll(() => `${count('INBOX')} ${count('Keep')}`, 60_000).toBe(`${COUNT} 0`);
    // Measured, not asserted: from the click (or z) until the server holds the messages where they belong.
    console.log(
      `bulk move of ${COUNT}: ${moveMs} ms until on the server (incl. screenshots); undo: ${Date.now() - undoStart} ms until back in the list and on the server`,
    );
    expect(flagged()).toBe('2');
    await poll(() => toast.count()).toBe(0);

    // Drag a row onto Trash; the toast's Undo brings it back.
    const trash = page.getByTestId('folder').filter({ hasText: 'Trash' });
    // The newest first once every message is back (rows arrive in batches after the undo, and a
    // row taken while they still do may not be the first for long).
    await poll(() => rows.nth(0).textContent(), 60_000).toContain(`Household note ${COUNT}Note`);
    const dragged = (await rows.nth(0).textContent())!;
    await rows.nth(0).dragTo(trash);
    await poll(() => total.textContent()).toBe(`${COUNT - 1} messages`);
    await poll(() => toast.textContent()).toContain('1 message moved to Trash');
    await poll(() => count('Trash')).toBe('1');
    await page.getByTestId('undo').click();
    await poll(() => total.textContent(), 60_000).toBe(`${COUNT} messages`);
    await poll(() => count('Trash')).toBe('0');
    await poll(() => rows.nth(0).textContent()).toBe(dragged);

    // Enter opens the focused row.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await rows.nth(2).focus();
    const subject = /Household note \d+/.exec((await rows.nth(2).textContent())!)![0];
    await page.keyboard.press('Enter');
    await poll(() => page.getByRole('article', { name: 'Message' }).locator('h1').textContent()).toBe(subject);

    // ? lists every shortcut; Esc closes it.
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcut-help');
    await poll(() => help.textContent()).toContain('Undo the last move, archive or delete');
    await page.keyboard.press('Escape');
    await poll(() => help.count()).toBe(0);
  }, 240_000);
});
