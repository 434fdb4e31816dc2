// Working with mail in Chromium against Dovecot: keyboard actions, a conversation, a new folder,
// and a wiped IndexedDB that main refills. python imaplib checks what reached the server.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ROOT } from '../support/web-host-process.ts';
import { addDovecotImapAccount, browserSession } from '../support/browser-session.ts';
import { createDovecotUser } from '../support/peers.ts';
import { rfc822 } from '../support/messages.ts';
import { deliverToDovecot, imaplib } from '../support/dovecot-mail.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const session = browserSession();

describe('working with mail in the browser host', () => {
  it('flags, deletes, shows a conversation, creates a folder, and survives a wiped IndexedDB', async () => {
    const { user, password } = createDovecotUser();
    const day = (d: number) => new Date(Date.UTC(2026, 10, d, 9));
    await deliverToDovecot(user, [
      rfc822({ from: 'Ann <ann@example.test>', to: 'me@example.test', subject: 'Garden plan', body: 'Tomatoes?', messageId: '<p1@t>', date: day(18) }),
      Buffer.from(
        `From: Bob <bob@example.test>\r\nTo: me@example.test\r\nSubject: Re: Garden plan\r\nMessage-ID: <p2@t>\r\nIn-Reply-To: <p1@t>\r\nReferences: <p1@t>\r\nDate: ${day(19).toUTCString()}\r\n\r\nAnd beans.\r\n`,
      ),
      rfc822({ from: 'Shop <shop@example.test>', to: 'me@example.test', subject: 'Your receipt', body: 'Thanks', date: day(20) }),
    ]);
    const host = await session.startHost(['--data', tempDir('actions'), '--port', '0', '--no-server']);
    const page = await (await session.browser.newContext()).newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, user, password);
    const rows = page.getByTestId('message-row');
    await poll(() => rows.count()).toBe(3);

    // The reply opens with its conversation of two.
    await rows.filter({ hasText: 'Re: Garden plan' }).click();
    await poll(() => page.getByTestId('conversation').textContent()).toContain('2 messages in this conversation');

    // Keyboard: s flags, Delete moves to Trash; the server sees both.
    await page.keyboard.press('s');
    await poll(() => page.getByTestId('action-flag').textContent()).toBe('Unflag');
    await rows.filter({ hasText: 'Your receipt' }).click();
    await page.keyboard.press('Delete');
    await poll(() => rows.count()).toBe(2);
    const server = () =>
      imaplib(
        user,
        password,
        `c.select('INBOX')
print(c.search(None, 'FLAGGED')[1][0].decode(), '|', c.search(None, 'SEEN')[1][0].decode())
c.select('Trash')
print(c.fetch('1:*', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')[1][0][1].decode().strip() if c.select('Trash')[1][0] != b'0' else 'empty')`,
      );
    await poll(server).toMatch(/^\d+ \| [\d ]+\nSubject: Your receipt\s*$/);

    // A new folder, made on the server.
    await page.getByTestId('new-folder').click();
    await page.getByTestId('folder-name-input').fill('Receipts');
    await page.getByRole('button', { name: 'Create' }).click();
    await poll(() => page.getByRole('navigation', { name: 'Folders' }).getByText('Receipts', { exact: true }).count()).toBe(1);
    expect(imaplib(user, password, `print(c.list()[1])`)).toContain('Receipts');

    // Search from the toolbar; Escape returns to the folder.
    await page.keyboard.press('/');
    await page.keyboard.type('beans');
    await poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Re: Garden plan');
    await page.keyboard.press('Escape');
    await poll(() => rows.count()).toBe(2);

    // Wiping the renderer's cache loses nothing: main replays its journal.
    await page.evaluate('new Promise((r) => { indexedDB.deleteDatabase("hearth").onsuccess = r; setTimeout(r, 2000); })');
    await page.reload();
    await poll(() => rows.count()).toBe(2);
    await page.screenshot({ path: path.join(ROOT, 'test-results/actions.png') });
  });
});
