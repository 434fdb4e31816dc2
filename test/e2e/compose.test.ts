// Writing mail in Chromium: a new message goes out through the SMTP peer into Dovecot after the
// undo window; Undo brings a message back into the editor; a reply is addressed, quoted and
// threaded (In-Reply-To) the way mail programs do it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { simpleParser } from 'mailparser';
import { callApiFromPage, launchChromium } from '../support/browser.ts';
import { startHostProcess, ROOT, type HostProcess } from '../support/web-host-process.ts';
import { createDovecotUser, dovecot, smtpPeers } from '../support/peers.ts';
import { rfc822 } from '../support/messages.ts';
import { deliverToDovecot, dovecotMessages } from '../support/dovecot-mail.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

let browser: Browser;
let host: HostProcess | null = null;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await host?.stop();
  await browser?.close();
});

describe('writing mail in the browser host', () => {
  it('sends a new message, undoes another, and replies with quote and threading', async () => {
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
    host = await startHostProcess(['--data', tempDir('compose'), '--port', '0', '--no-server', '--undo-seconds', '2']);
    const page = await (await browser.newContext()).newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    const added = await callApiFromPage(page, 'accounts.add', {
      name: 'Me',
      email: `${me.user}@example.test`,
      incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user: me.user, password: me.password },
      outgoing: { host: '127.0.0.1', port: smtpPeers.accept, tls: 'plain' },
    });
    expect(added.ok).toBe(true);
    await poll(() => page.getByTestId('message-row').count()).toBe(1);

    // A new message: Write, fill, Send; the outbox shows it held, then it arrives.
    await page.getByTestId('compose').click();
    await page.getByTestId('compose-to').fill(`${you.user}@example.test`);
    await page.getByTestId('compose-subject').fill('Hello from Hearth');
    await page.getByTestId('compose-body').fill('Written in the browser host.');
    await page.getByTestId('compose-send').click();
    await poll(() => page.getByTestId('outbox').textContent()).toContain('Sending “Hello from Hearth”');
    await poll(async () => (await dovecotMessages(you.user, you.password)).length).toBe(1);
    await poll(() => page.getByTestId('outbox').count()).toBe(0);

    // Undo: the message comes back into the editor instead of going out.
    await page.keyboard.press('c');
    await page.getByTestId('compose-to').fill(`${you.user}@example.test`);
    await page.getByTestId('compose-subject').fill('Second thoughts');
    await page.getByTestId('compose-body').fill('Never mind.');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('undo-send').click();
    await poll(() => page.getByTestId('compose-subject').inputValue()).toBe('Second thoughts');
    await page.getByRole('button', { name: 'Discard' }).click();
    await poll(() => page.getByTestId('compose-subject').count()).toBe(0);

    // Reply: addressed to the sender, "Re:", quoted, In-Reply-To the original.
    await page.getByTestId('message-row').first().click();
    await page.keyboard.press('a');
    await poll(() => page.getByTestId('compose-subject').inputValue()).toBe('Re: Dinner?');
    expect(await page.getByTestId('compose-to').inputValue()).toBe(`Yolanda <${you.user}@example.test>`);
    expect(await page.getByTestId('compose-body').inputValue()).toContain('> Thursday at eight?');
    await page.getByTestId('compose-body').press('Control+Home');
    await page.keyboard.type('Yes, see you then.');
    await page.screenshot({ path: path.join(ROOT, 'test-results/compose-reply.png') });
    await page.getByTestId('compose-send').click();
    await poll(async () => (await dovecotMessages(you.user, you.password)).length).toBe(2);
    const messages = await Promise.all((await dovecotMessages(you.user, you.password)).map((m) => simpleParser(m)));
    expect(messages.map((m) => m.subject).sort()).toEqual(['Hello from Hearth', 'Re: Dinner?']);
    const reply = messages.find((m) => m.subject === 'Re: Dinner?')!;
    expect(reply.inReplyTo).toBe('<dinner-1@t>');
    expect(reply.text).toMatch(/^Yes, see you then\./);
    expect(reply.text).toContain('> Thursday at eight?');
  });
});
