// The Settings screen in Chromium against the browser host and Dovecot, as a person uses it: it
// opens with Ctrl+,; an account is renamed, given a wrong password (its error offers "Re-enter
// password", which leads back to the field) and the right one; two accounts swap places (the
// folder pane follows); one is removed after a confirmation; a signature set here appears in a new
// message; the theme changes; and an account moved to Dovecot's self-signed IMAPS port connects
// after "Trust this certificate", as does a new account in the add dialog. Screenshots of every
// section, light and dark, at 1024x700 in test-results/. A sender on the remote-content list gets
// their images loaded without asking.
import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverToDovecot } from '../support/dovecot-mail.ts';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { callApiFromPage } from '../support/browser.ts';
import { browserSession } from '../support/browser-session.ts';
import { startHostProcess, ROOT } from '../support/web-host-process.ts';
import { addDovecotImapAccount } from '../support/browser-session.ts';
import { fillDovecotAccount } from '../support/account-dialog.ts';
import { createDovecotUser, dovecot } from '../support/peers.ts';
import { probeCertificate } from '../../src/main/base/tls-probe.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const session = browserSession();

/** An expression evaluated in the page (this file is typed without the DOM). */
const inPage = (page: Page, expression: string) => page.evaluate<unknown>(expression);
const folderPaneAccounts = (page: Page) => page.locator('.folders .account h2').allTextContents();
const settingsAccounts = (page: Page) => page.getByTestId('settings-account').locator('.account-pick strong').allTextContents();
const stateOf = async (page: Page, name: string) => {
  const r = await callApiFromPage(page, 'accounts.list', {});
  return (r.result as Array<{ name: string; state: string; error?: { code: string } }>).find((a) => a.name === name);
};

describe('settings', () => {
  it('edits, reorders and removes accounts, sets a signature and the theme, and trusts a self-signed certificate', async () => {
    const [ann, bob] = [createDovecotUser(), createDovecotUser()];
    const host = await session.startHost(['--data', tempDir('settings-e2e'), '--port', '0', '--no-server']);
    mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
    const page = await (await session.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, ann.user, ann.password);
    const second = await callApiFromPage(page, 'accounts.add', {
      name: 'Second',
      email: `${bob.user}@example.test`,
      incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user: bob.user, password: bob.password },
    });
    expect(second.ok).toBe(true);
    // Accounts are listed in the order added.
    await poll(() => folderPaneAccounts(page)).toEqual(['Me', 'Second']);

    // Ctrl+, opens Settings on the accounts, focus on the tabs.
    await page.keyboard.press('Control+,');
    await poll(() => page.getByTestId('settings').isVisible()).toBe(true);
    expect(await inPage(page, 'document.activeElement?.getAttribute("role")')).toBe('tab');
    await poll(() => settingsAccounts(page)).toEqual(['Me', 'Second']);

    // Reorder: Second moves up, here and in the folder pane.
    await page.getByRole('button', { name: 'Move Second up' }).click();
    await poll(() => settingsAccounts(page)).toEqual(['Second', 'Me']);
    await poll(() => folderPaneAccounts(page)).toEqual(['Second', 'Me']);

    // Rename "Me" and give it a wrong password: the account's error offers to re-enter it.
    await page.getByRole('button', { name: /^Me / }).click();
    const editor = page.getByTestId('account-editor');
    await editor.getByLabel('Account name').fill('Work');
    await editor.getByLabel('Incoming password').fill('wrong-password');
    await editor.getByRole('button', { name: 'Save' }).click();
    await poll(() => settingsAccounts(page)).toEqual(['Second', 'Work']);
    await poll(() => page.getByTestId('account-problem').textContent()).toContain('rejected the user name or password');
    await poll(() => page.getByTestId('fix-account').textContent()).toBe('Re-enter password');
    await page.screenshot({ path: path.join(ROOT, 'test-results/settings-account-wrong-password.png') });
    await page.getByTestId('reenter-password').click();
    expect(await inPage(page, 'document.activeElement?.type')).toBe('password');
    await page.keyboard.type(ann.password);
    await editor.getByRole('button', { name: 'Save' }).click();
    await poll(async () => (await stateOf(page, 'Work'))?.state).toBe('online');
    await poll(() => page.getByTestId('account-problem').count()).toBe(0);

    // Remove "Second" after a confirmation; Cancel keeps it.
    await page.getByRole('button', { name: /^Second / }).click();
    await page.getByRole('button', { name: 'Remove account…' }).click();
    await poll(() => page.getByRole('alertdialog').isVisible()).toBe(true);
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await settingsAccounts(page)).toEqual(['Second', 'Work']);
    await page.getByRole('button', { name: 'Remove account…' }).click();
    await page.getByTestId('confirm-remove').click();
    await poll(() => settingsAccounts(page)).toEqual(['Work']);
    await poll(() => folderPaneAccounts(page)).toEqual(['Work']);

    // A signature set here goes below a new message.
    await page.getByRole('tab', { name: 'Identities & signatures' }).click();
    await page.getByRole('textbox', { name: 'Signature', exact: true }).fill('Ann\nsent from Hearth');
    await page.getByRole('button', { name: 'Save identities' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(1);
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('settings').count()).toBe(0);
    await page.keyboard.press('c');
    // The rich editor shows it after the "-- " line that marks a signature.
    await poll(() => page.getByTestId('compose-body').innerText()).toMatch(/^\s*--\s*\n+Ann\n+sent from Hearth\s*$/);
    await page.getByRole('button', { name: 'Discard' }).click();
    await poll(() => page.getByTestId('compose-body').count()).toBe(0);

    // The theme: dark, whatever the system says (Chromium's default here is light).
    await page.getByTestId('open-settings').click();
    await page.getByRole('tab', { name: 'Appearance' }).click();
    await page.getByLabel('Dark').check();
    await poll(() => inPage(page, 'document.documentElement.dataset.theme')).toBe('dark');
    expect(await inPage(page, 'getComputedStyle(document.body).backgroundColor')).toBe('rgb(27, 26, 25)');
    await page.getByLabel('Light').check();
    await poll(() => inPage(page, 'getComputedStyle(document.body).backgroundColor')).toBe('rgb(255, 255, 255)');

    // Trusting a self-signed certificate: the account moves to Dovecot's IMAPS port, whose
    // certificate is refused and shown; the button trusts exactly that one and the account connects.
    const shown = (await probeCertificate('127.0.0.1', dovecot.imapsPort, null))!.fingerprint256;
    await page.getByRole('tab', { name: 'Accounts' }).click();
    await editor.getByLabel('Incoming security').selectOption('tls');
    await editor.getByLabel('Incoming port').fill(String(dovecot.imapsPort));
    await editor.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByTestId('cert-fingerprint').textContent()).toBe(shown);
    await page.screenshot({ path: path.join(ROOT, 'test-results/settings-account-certificate.png') });
    await page.getByTestId('trust-certificate').click();
    await poll(async () => (await stateOf(page, 'Work'))?.state).toBe('online');
    await poll(() => page.getByTestId('account-problem').count()).toBe(0);

    // Every section, light and dark.
    for (const theme of ['light', 'dark'] as const) {
      await page.getByRole('tab', { name: 'Appearance' }).click();
      await page.getByLabel(theme === 'light' ? 'Light' : 'Dark').check();
      await poll(() => inPage(page, 'document.documentElement.dataset.theme')).toBe(theme);
      for (const tab of ['Accounts', 'Identities & signatures', 'Checking & offline', 'Notifications', 'Remote content', 'Appearance', 'Desktop app']) {
        await page.getByRole('tab', { name: tab }).click();
        const file = `settings-${tab.toLowerCase().replace(/[^a-z]+/g, '-')}-${theme}.png`;
        await page.screenshot({ path: path.join(ROOT, 'test-results', file) });
      }
    }
    await page.keyboard.press('Escape');

    // The add dialog: a refused certificate shows its fingerprint and "Trust this certificate" adds the account.
    const cy = createDovecotUser();
    await page.getByRole('button', { name: 'Add account' }).click();
    await fillDovecotAccount(page, { name: 'Cy', user: cy.user, password: cy.password, tls: 'starttls' });
    await page.getByRole('button', { name: 'Add account' }).last().click();
    await poll(() => page.getByTestId('account-error').textContent()).toContain('not trusted');
    await page.getByTestId('account-error').getByTestId('trust-certificate').click();
    await poll(() => page.getByTestId('account-error').count()).toBe(0);
    await poll(async () => (await stateOf(page, 'Cy'))?.state).toBe('online');
    await poll(() => folderPaneAccounts(page)).toEqual(['Work', 'Cy']);
  }, 240_000);

  it('loads remote content without asking from senders on the list ("Always load from …" adds one)', async () => {
    const hits: string[] = [];
    // Plain http on loopback stands in for a remote server (the network here is loopback only).
    const tracker = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/gif' }).end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
    });
    await new Promise<void>((r) => tracker.listen(0, '127.0.0.1', () => r()));
    const remote = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}`;
    const news = (n: number) =>
      Buffer.from(
        `From: News <news@shop.example>\r\nTo: you@example.test\r\nSubject: Issue ${n}\r\nDate: Mon, 23 Nov 2026 1${n}:00:00 +0000\r\nMessage-ID: <issue-${n}@shop.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p id="t">Issue ${n}</p><img src="${remote}/issue-${n}.gif" alt="">\r\n`,
      );
    const me = createDovecotUser();
    await deliverToDovecot(me.user, [news(1), news(2)]);
    const h = await startHostProcess(['--data', tempDir('settings-remote'), '--port', '0', '--no-server']);
    try {
      const page = await (await session.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
      await page.goto(h.url);
      await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
      await addDovecotImapAccount(page, me.user, me.password);
      await poll(() => page.getByTestId('message-row').count()).toBe(2);
      await page.getByTestId('message-row').filter({ hasText: 'Issue 1' }).click();
      await poll(() => page.frameLocator('[data-testid="body-frame"]').locator('#t').textContent()).toBe('Issue 1');
      await poll(() => page.getByText(/Hearth blocked 1 remote resource/).count()).toBe(1);
      expect(hits).toEqual([]);
      await page.getByTestId('always-allow-remote').click();
      await poll(() => hits).toEqual(['/issue-1.gif']);

      // The next message from that sender loads at once, and Settings lists the sender.
      await page.getByTestId('message-row').filter({ hasText: 'Issue 2' }).click();
      await poll(() => hits).toEqual(['/issue-1.gif', '/issue-2.gif']);
      expect(await page.getByText(/Hearth blocked/).count()).toBe(0);
      await page.keyboard.press('Control+,');
      await page.getByRole('tab', { name: 'Remote content' }).click();
      await poll(() => page.getByRole('list', { name: 'Senders whose remote content loads' }).textContent()).toContain('news@shop.example');

      // A POP3 account's editor has its own options (what happens to mail on the server).
      const pop = createDovecotUser();
      const added = await callApiFromPage(page, 'accounts.add', {
        name: 'Downloads',
        email: `${pop.user}@example.test`,
        incoming: { protocol: 'pop3', host: '127.0.0.1', port: dovecot.pop3Port, tls: 'plain', user: pop.user, password: pop.password },
      });
      expect(added.ok).toBe(true);
      await page.getByRole('tab', { name: 'Accounts' }).click();
      await page.getByRole('button', { name: /^Downloads / }).click();
      await page.getByLabel('Delete them from the server after (days, empty: never)').fill('14');
      await page.getByTestId('account-editor').getByRole('button', { name: 'Save' }).click();
      await poll(async () => {
        const list = (await callApiFromPage(page, 'accounts.list', {})).result as Array<{
          name: string;
          incoming: { pop3?: { deleteAfterDays: number | null } };
        }>;
        return list.find((x) => x.name === 'Downloads')?.incoming.pop3?.deleteAfterDays;
      }).toBe(14);
      await page.getByTestId('account-editor').locator('.pop3-fields').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ROOT, 'test-results/settings-account-pop3.png') });
    } finally {
      await h.stop();
      tracker.close();
    }
  }, 120_000);
});
