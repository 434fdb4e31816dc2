// Drafts reopen from the Drafts folder (#13.3), in Chromium against the browser host and Dovecot:
// a draft saved in Hearth opens in compose as it was, and saving it again replaces its server copy
// (still one message there); a draft written elsewhere (found in the server's Drafts) opens as a
// new draft with its recipients, subject and text.
import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { addDovecotImapAccount, browserSession } from '../support/browser-session.ts';
import { ROOT } from '../support/web-host-process.ts';
import { createDovecotUser } from '../support/peers.ts';
import { rfc822 } from '../support/messages.ts';
import { imaplib, putIntoDovecotMaildir } from '../support/dovecot-mail.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const session = browserSession();
const SHOTS = path.join(ROOT, 'test-results');
/** The draft being edited (others are minimised in the tab strip). */
const draft = (page: Page): Locator => page.locator('[data-testid="compose-form"]:not([hidden])');

describe('drafts', () => {
  it('reopens a saved draft from the Drafts folder in compose, and one written elsewhere', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const { user, password } = createDovecotUser();
    putIntoDovecotMaildir(
      user,
      [rfc822({ from: `${user}@example.test`, to: 'sam@example.test', subject: 'From my phone', body: 'Typed on the bus.' })],
      'Drafts',
    );
    const host = await session.startHost(['--data', tempDir('e2e-drafts'), '--port', '0', '--no-server']);
    const page = await (await session.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, user, password);
    const drafts = page.locator('.folders').getByRole('button', { name: /^Drafts/ });
    await poll(() => drafts.count(), 60_000).toBe(1);

    // Written here, saved and closed: its copy lands in the server's Drafts.
    await page.getByTestId('compose').click();
    await draft(page).getByTestId('compose-to').fill('ann@example.test');
    await draft(page).getByTestId('compose-subject').fill('Plan for Sunday');
    await draft(page).getByTestId('compose-body').click();
    await page.keyboard.type('Bring the ladder.');
    await draft(page).getByRole('button', { name: 'Save draft and close' }).click();
    await poll(() => page.getByTestId('compose-form').count()).toBe(0);
    await drafts.click();
    const row = (subject: string) => page.locator('[data-testid=message-row]', { hasText: subject });
    await poll(() => row('Plan for Sunday').count(), 60_000).toBe(1);

    // Opened from the folder: in compose, as it was.
    await row('Plan for Sunday').click();
    await poll(() => draft(page).getByTestId('compose-subject').inputValue()).toBe('Plan for Sunday');
    expect(await draft(page).getByTestId('compose-body').textContent()).toContain('Bring the ladder.');
    expect(await draft(page).getByTestId('recipient-chip').allTextContents()).toEqual([expect.stringContaining('ann@example.test')]);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: path.join(SHOTS, `drafts-reopened-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    // Clicking it again brings the same draft forward instead of a second copy.
    await row('Plan for Sunday').click();
    await poll(() => page.getByTestId('compose-form').count()).toBe(1);
    // Saved again under a new subject: the server copy is replaced, not added to.
    await draft(page).getByTestId('compose-subject').fill('Plan for Sunday, 10 am');
    await draft(page).getByRole('button', { name: 'Save draft and close' }).click();
    await poll(() => row('Plan for Sunday, 10 am').count(), 60_000).toBe(1);
    await poll(() => imaplib(user, password, `print(c.select('Drafts')[1][0].decode())`).trim(), 30_000).toBe('2');
    await poll(() => page.locator('[data-testid=message-row]').count()).toBe(2);

    // Written elsewhere: opens as a new draft with what it had.
    await page.keyboard.press('Escape');
    await row('From my phone').focus();
    await page.keyboard.press('Enter');
    await poll(() => draft(page).getByTestId('compose-subject').inputValue()).toBe('From my phone');
    expect(await draft(page).getByTestId('compose-body').textContent()).toContain('Typed on the bus.');
    expect(await draft(page).getByTestId('recipient-chip').allTextContents()).toEqual([expect.stringContaining('sam@example.test')]);
  }, 240_000);
});
