// Writing mail in Chromium: drafts open in a pane beside the list (which stays usable), several at
// once; rich text with bold, a link and a pasted image goes out as HTML with its plain-text twin
// and the image as a cid: part, a dropped file as an attachment, a recipient picked from
// autocomplete; Undo brings a message back; a reply is addressed, quoted and threaded.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { simpleParser } from 'mailparser';
import { callApiFromPage } from '../support/browser.ts';
import { ROOT } from '../support/web-host-process.ts';
import { browserSession } from '../support/browser-session.ts';
import { createDovecotUser, dovecot, smtpPeers } from '../support/peers.ts';
import { rfc822 } from '../support/messages.ts';
import { deliverToDovecot, dovecotMessages, imaplib } from '../support/dovecot-mail.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const session = browserSession();

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const CSV = 'name,amount\nÆbleskiver,3\n';

/** The draft being edited (others are minimised in the tab strip). */
const draft = (page: Page): Locator => page.locator('[data-testid="compose-form"]:not([hidden])');
/** Whether the message editor has the keyboard (tiptap focuses it a frame after it shows). */
const editorHasFocus = (page: Page) => page.evaluate('!!document.activeElement?.closest(\'[data-testid="compose-body"]\')');

// Page globals, typed here: this file is type-checked without the DOM library.
interface PageGlobals {
  DataTransfer: new () => { items: { add(f: unknown): void } };
  File: new (bits: unknown[], name: string, opts: { type: string }) => unknown;
  ClipboardEvent: new (type: string, init: unknown) => unknown;
  DragEvent: new (type: string, init: unknown) => unknown;
  TextEncoder: new () => { encode(s: string): Uint8Array };
  atob(s: string): string;
}
type Target = { dispatchEvent(e: unknown): boolean };

/** Hands the editor a pasted image, as a paste from the clipboard does. */
async function pasteImage(editor: Locator, base64: string): Promise<void> {
  await editor.evaluate((el: Target, b64) => {
    const g = globalThis as unknown as PageGlobals;
    const bytes = Uint8Array.from(g.atob(b64), (c) => c.charCodeAt(0));
    const dt = new g.DataTransfer();
    dt.items.add(new g.File([bytes], 'dot.png', { type: 'image/png' }));
    el.dispatchEvent(new g.ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, base64);
}

/** Drops a file on the draft, as dragging it from a file manager does. */
async function dropFile(target: Locator, name: string, type: string, text: string): Promise<void> {
  await target.evaluate(
    (el: Target, [n, t, body]) => {
      const g = globalThis as unknown as PageGlobals;
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([new g.TextEncoder().encode(body)], n, { type: t }));
      for (const kind of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new g.DragEvent(kind, { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [name, type, text] as const,
  );
}

describe('writing mail in the browser host', () => {
  it('sends rich text with an inline image and a dropped attachment, keeps two drafts open, undoes, replies', async () => {
    const me = createDovecotUser();
    const you = createDovecotUser();
    await deliverToDovecot(me.user, [
      rfc822({
        from: `Yolanda <${you.user}@example.test>`,
        to: `${me.user}@example.test`,
        subject: 'Dinner?',
        body: 'Thursday at eight?',
        messageId: '<dinner-1@t>',
      }),
    ]);
    const host = await session.startHost(['--data', tempDir('compose'), '--port', '0', '--no-server', '--undo-seconds', '2']);
    const page = await (await session.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    const added = await callApiFromPage(page, 'accounts.add', {
      name: 'Me',
      email: `${me.user}@example.test`,
      incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user: me.user, password: me.password },
      outgoing: { host: '127.0.0.1', port: smtpPeers.accept, tls: 'plain' },
      identities: [{ name: 'Me', email: `${me.user}@example.test`, signature: 'Me\nhttps://home.arpa/me' }],
    });
    expect(added.ok).toBe(true);
    await poll(() => page.getByTestId('message-row').count()).toBe(1);

    // A rich message: the recipient picked from autocomplete (Yolanda wrote to me), bold, a link,
    // a pasted image, a dropped file; the identity's signature is already below.
    await page.getByTestId('compose').click();
    await draft(page).getByTestId('compose-to').pressSequentially('Yol');
    await draft(page).getByTestId('suggestion').first().click();
    await poll(() => draft(page).getByTestId('recipient-chip').allTextContents()).toEqual(['Yolanda×']);
    await draft(page).getByTestId('compose-subject').fill('Rich from Hearth');
    const editor = draft(page).getByTestId('compose-body');
    expect(await editor.innerText()).toContain('https://home.arpa/me');
    await editor.locator('p').first().click(); // the empty line above the signature
    await page.keyboard.type('Hello ');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('bold');
    await page.keyboard.press('Control+b');
    await page.keyboard.type(', see our site');
    for (let i = 0; i < 'our site'.length; i++) await page.keyboard.press('Shift+ArrowLeft');
    await draft(page).getByTestId('format-link').click();
    await draft(page).getByTestId('link-url').fill('https://example.org/cake');
    await draft(page).getByTestId('link-url').press('Enter');
    // The caret lands after the link once the editor has focus back: typing goes on after it.
    await poll(() => editor.locator('a[href="https://example.org/cake"]').textContent()).toBe('our site');
    await poll(() => editorHasFocus(page)).toBe(true);
    await page.keyboard.type('. Look:');
    await pasteImage(editor, PNG);
    await poll(() => editor.locator('img:not(.ProseMirror-separator)').count()).toBe(1);
    await dropFile(draft(page), 'amounts.csv', 'text/csv', CSV);
    await poll(() => draft(page).getByTestId('compose-attachments').textContent()).toContain('amounts.csv');

    // A second draft while the first is open: the list stays clickable, the first waits in the tab strip.
    await page.getByTestId('message-row').first().click();
    await poll(() => page.getByTestId('reader-subject').textContent()).toBe('Dinner?');
    await page.getByTestId('compose').click();
    await poll(() => page.getByTestId('compose-tab').count()).toBe(2);
    await draft(page).getByTestId('compose-subject').fill('Second draft');
    // Send later fits the pane at 1024x700 (it used to overflow the dialog).
    await draft(page).getByRole('button', { name: 'Later…' }).click();
    const dock = (await page.getByTestId('compose-dock').boundingBox())!;
    const sendAt = (await draft(page).getByTestId('compose-send-at').boundingBox())!;
    const sendButton = (await draft(page).getByTestId('compose-send').boundingBox())!;
    expect(sendAt.x + sendAt.width).toBeLessThanOrEqual(dock.x + dock.width);
    expect(sendButton.y + sendButton.height).toBeLessThanOrEqual(700);
    expect(dock.x).toBeGreaterThanOrEqual((await page.getByTestId('message-list').boundingBox())!.x + 300);
    await page.screenshot({ path: path.join(ROOT, 'test-results/compose-pane-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('compose-tab').first().click();
    await poll(() => draft(page).getByTestId('compose-subject').inputValue()).toBe('Rich from Hearth');
    expect(await draft(page).getByTestId('compose-body').locator('strong').textContent()).toBe('bold');
    await page.screenshot({ path: path.join(ROOT, 'test-results/compose-pane-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    await draft(page).getByTestId('compose-body').press('Control+Enter');
    await poll(() => page.getByTestId('outbox').textContent()).toContain('Sending “Rich from Hearth”');
    await poll(async () => (await dovecotMessages(you.user, you.password)).length).toBe(1);
    await poll(() => page.getByTestId('outbox').count()).toBe(0);
    expect(await page.getByTestId('compose-tab').count()).toBe(1);

    // What arrived: text/plain and text/html alternatives, the image a cid: part of multipart/related, the file intact.
    const structure = imaplib(you.user, you.password, "c.select('INBOX')\ntyp, d = c.fetch('1', '(BODYSTRUCTURE)')\nprint(d[0].decode())");
    expect(structure).toMatch(/"alternative"/i);
    expect(structure).toMatch(/"related"/i);
    expect(structure).toMatch(/\("text" "plain"/i);
    expect(structure).toMatch(/\("text" "html"/i);
    expect(structure).toMatch(/\("image" "png"/i);
    const rich = await simpleParser((await dovecotMessages(you.user, you.password))[0]!);
    expect(rich.to && !Array.isArray(rich.to) ? rich.to.value[0] : null).toMatchObject({ name: 'Yolanda', address: `${you.user}@example.test` });
    expect(rich.html).toContain('<strong>bold</strong>');
    expect(rich.html).toContain('href="https://example.org/cake"');
    expect(rich.text).toContain('Hello bold, see our site <https://example.org/cake>. Look:[dot]');
    expect(rich.text).toContain('-- \nMe\nhttps://home.arpa/me');
    const image = rich.attachments.find((a) => a.contentType === 'image/png')!;
    expect(image.contentId).toBeTruthy();
    // mailparser swaps cid: references for data: URLs in .html; the raw HTML part names the cid.
    expect(rich.textAsHtml ?? '').not.toContain('data:');
    expect(image.content.toString('base64')).toBe(PNG);
    const csv = rich.attachments.find((a) => a.filename === 'amounts.csv')!;
    expect(csv.content.toString('utf8')).toBe(CSV);

    // The second draft: Esc asks before throwing it away (it has a subject), then it is gone.
    await page.getByTestId('compose-tab').first().click();
    await draft(page).getByTestId('compose-subject').press('Escape');
    await draft(page).getByTestId('compose-confirm-discard').click();
    await poll(() => page.getByTestId('compose-dock').count()).toBe(0);

    // Undo: the message comes back into the editor instead of going out.
    await page.keyboard.press('c');
    await draft(page).getByTestId('compose-to').fill(`${you.user}@example.test`);
    await draft(page).getByTestId('compose-subject').fill('Second thoughts');
    await draft(page).getByTestId('compose-subject').press('Control+Enter');
    await page.getByTestId('undo-send').click();
    await poll(() => draft(page).getByTestId('compose-subject').inputValue()).toBe('Second thoughts');
    await draft(page).getByRole('button', { name: 'Discard', exact: true }).click();
    await poll(() => page.getByTestId('compose-dock').count()).toBe(0);

    // Reply: addressed to the sender, "Re:", quoted, In-Reply-To the original.
    await page.getByTestId('message-row').first().click();
    await poll(() => page.getByTestId('reader-subject').textContent()).toBe('Dinner?');
    await page.keyboard.press('a');
    await poll(() => draft(page).getByTestId('compose-subject').inputValue()).toBe('Re: Dinner?');
    expect(await draft(page).getByTestId('recipient-chip').first().getAttribute('title')).toBe(`Yolanda <${you.user}@example.test>`);
    expect(await draft(page).getByTestId('compose-body').innerText()).toContain('Thursday at eight?');
    // The editor takes focus a frame after it shows (tiptap); keys before that would be shortcuts.
    await poll(() => editorHasFocus(page)).toBe(true);
    await page.keyboard.type('Yes, see you then.'); // the cursor starts above the quote
    await page.screenshot({ path: path.join(ROOT, 'test-results/compose-reply.png') });
    await draft(page).getByTestId('compose-send').click();
    await poll(async () => (await dovecotMessages(you.user, you.password)).length).toBe(2);
    const messages = await Promise.all((await dovecotMessages(you.user, you.password)).map((m) => simpleParser(m)));
    expect(messages.map((m) => m.subject).sort()).toEqual(['Re: Dinner?', 'Rich from Hearth']);
    const reply = messages.find((m) => m.subject === 'Re: Dinner?')!;
    expect(reply.inReplyTo).toBe('<dinner-1@t>');
    expect(reply.text).toMatch(/^Yes, see you then\./);
    expect(reply.text).toContain('> Thursday at eight?');
  }, 120_000);
});
