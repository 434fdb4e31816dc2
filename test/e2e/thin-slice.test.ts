// The foundation's thin slice, end to end: the browser host in a child process, the built
// renderer in Debian's Chromium, a real Dovecot. Adding an IMAP account shows its folders and
// INBOX from IndexedDB; with the host stopped, a reload still shows them.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/web-host-process.ts';
import { browserSession } from '../support/browser-session.ts';
import { fillDovecotAccount } from '../support/account-dialog.ts';
import { createDovecotUser } from '../support/peers.ts';
import { rfc822 } from '../support/messages.ts';
import { corpusMessage } from '../support/corpus.ts';
import { deliverToDovecot } from '../support/dovecot-mail.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const SHOTS = path.join(ROOT, 'test-results');
const session = browserSession();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
});

describe('thin slice in Chromium against Dovecot', () => {
  it('adds an IMAP account, lists folders and INBOX, and reads them offline after the host stops', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [
      rfc822({
        from: 'Grace Hopper <grace@example.test>',
        to: `${user}@example.test`,
        subject: 'Compiler notes',
        body: 'The notes are attached in spirit.',
        date: new Date('2026-10-02T09:30:00Z'),
      }),
      rfc822({
        from: 'Alan Turing <alan@example.test>',
        to: `${user}@example.test`,
        subject: 'Tea at four?',
        body: 'Bring the biscuits.',
        date: new Date('2026-11-20T16:00:00Z'),
      }),
      corpusMessage('legacy-003.eml'),
    ]);
    const dataDir = tempDir('e2e');
    const host = await session.startHost(['--data', dataDir, '--port', '0', '--no-server']);

    const context = await session.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    // The secret is moved out of the address bar.
    expect(new URL(page.url()).hash).toBe('');

    // A new data folder opens on the welcome: "Add my email account" is the account dialog.
    await page.getByTestId('welcome-add-account').click();
    await fillDovecotAccount(page, { name: 'Test User', user, password, tls: 'starttls', trustCa: true });
    await page.getByRole('button', { name: 'Add account', exact: true }).last().click();
    await poll(() => page.getByRole('dialog').count()).toBe(0);

    const folders = page.getByRole('navigation', { name: 'Folders' });
    for (const name of ['Inbox', 'Sent', 'Drafts', 'Trash', 'Junk']) await poll(() => folders.getByText(name, { exact: true }).count()).toBe(1);
    const rows = page.getByTestId('message-row');
    await poll(() => rows.count()).toBe(3);
    const listText = await page.getByRole('region', { name: 'Messages' }).textContent();
    expect(listText).toContain('Alan Turing');
    expect(listText).toContain('Tea at four?');
    expect(listText).toContain('Grace Hopper');
    // An ISO-8859-1 encoded-word subject from the corpus, decoded.
    expect(listText).toContain('Die Hasen und die Frösche');
    // Newest first.
    expect(await rows.first().textContent()).toContain('Tea at four?');

    await rows.first().click();
    await poll(() => page.getByTestId('reader-subject').textContent()).toBe('Tea at four?');
    const frame = page.frameLocator('[data-testid="body-frame"]');
    await poll(() => frame.locator('body').textContent()).toContain('Bring the biscuits.');
    await page.screenshot({ path: path.join(SHOTS, 'thin-slice-online.png') });

    // Offline: the host goes away; the reload is served by the service worker and the data by IndexedDB.
    await host.stop();
    await page.reload();
    await poll(() => page.getByTestId('connection').textContent()).toContain('Offline');
    await poll(() => page.getByTestId('message-row').count()).toBe(3);
    for (const name of ['Inbox', 'Sent', 'Drafts', 'Trash', 'Junk'])
      await poll(() => page.getByRole('navigation', { name: 'Folders' }).getByText(name, { exact: true }).count()).toBe(1);
    // The message read before is readable offline too.
    await page.getByTestId('message-row').first().click();
    await poll(() => page.frameLocator('[data-testid="body-frame"]').locator('body').textContent()).toContain('Bring the biscuits.');
    await page.screenshot({ path: path.join(SHOTS, 'thin-slice-offline.png') });
    // The editor is loaded on first use: the service worker has it too, so writing works offline.
    await page.keyboard.press('c');
    await poll(() => page.getByTestId('compose-body').count()).toBe(1);
    await page.getByRole('button', { name: 'Discard' }).click();
    await poll(() => page.getByTestId('compose-body').count()).toBe(0);
    expect(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
    await context.close();
  }, 90_000);

  it('shows a clear message for a wrong password and keeps the dialog open', async () => {
    const { user } = createDovecotUser();
    const dataDir = tempDir('e2e');
    const h = await session.startHost(['--data', dataDir, '--port', '0', '--no-server']);
    const context = await session.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(h.url);
      await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
      await page.getByTestId('welcome-add-account').click();
      await fillDovecotAccount(page, { user, password: 'not-the-password', tls: 'plain' });
      await page.getByRole('button', { name: 'Add account', exact: true }).last().click();
      await poll(() => page.getByTestId('account-error').textContent()).toContain('rejected the user name or password');
      expect(await page.getByRole('dialog').count()).toBe(1);
      await page.screenshot({ path: path.join(SHOTS, 'wrong-password.png') });
    } finally {
      await context.close();
      await h.stop();
    }
  });
});
