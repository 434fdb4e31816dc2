// Reading a message with attachments in Chromium against Dovecot (#13.2): each attachment with
// its name, size and type, an image thumbnail that opens full size, Save giving the exact bytes;
// all headers and the raw source on demand, shown as text. Screenshots in light and dark.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addDovecotImapAccount, browserSession } from '../support/browser-session.ts';
import { ROOT } from '../support/web-host-process.ts';
import { createDovecotUser } from '../support/peers.ts';
import { deliverToDovecot } from '../support/dovecot-mail.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const session = browserSession();

// A 2x2 PNG and a small PDF-like file; base64 lines as mail programs write them.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n% Hearth test file\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const b64 = (b: Buffer) => b.toString('base64').replace(/.{1,76}/g, '$&\r\n');

function withAttachments(to: string): Buffer {
  return Buffer.from(
    [
      'From: Ann Example <ann@example.test>',
      `To: ${to}`,
      'Subject: Holiday photos',
      `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
      'Message-ID: <reading-e2e@example.test>',
      'X-Mailer: Hearth e2e',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Here are the photos and the plan.',
      '--b1',
      'Content-Type: image/png; name="beach.png"',
      'Content-Disposition: attachment; filename="beach.png"',
      'Content-Transfer-Encoding: base64',
      '',
      b64(PNG),
      '--b1',
      'Content-Type: application/pdf; name="plan.pdf"',
      'Content-Disposition: attachment; filename="plan.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      b64(PDF),
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

describe('reading a message in the browser host', () => {
  it('shows attachments with previews and saves them exactly; shows all headers and the source', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [withAttachments(`${user}@example.test`)]);
    const dir = tempDir('e2e-reading');
    const host = await session.startHost(['--data', path.join(dir, 'data'), '--port', '0', '--no-server']);
    const context = await session.browser.newContext({ viewport: { width: 1024, height: 700 }, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, user, password);
    await poll(() => page.getByTestId('message-row').count(), 30_000).toBe(1);
    await page.getByTestId('message-row').first().click();
    await poll(() => page.getByTestId('reader-subject').textContent()).toBe('Holiday photos');

    const items = page.getByTestId('attachment');
    await poll(() => items.count()).toBe(2);
    expect(await items.nth(0).textContent()).toMatch(/beach\.png.*\d+ B · image\/png/);
    expect(await items.nth(1).textContent()).toMatch(/plan\.pdf.*\d+ B · application\/pdf/);
    // The image's thumbnail decodes; the PDF gets none (only raster images are ever shown).
    const thumb = items.nth(0).locator('img');
    await poll(() => thumb.evaluate((i: { complete: boolean; naturalWidth: number }) => (i.complete ? i.naturalWidth : 0))).toBe(2);
    expect(await items.nth(1).locator('img').count()).toBe(0);
    await page.screenshot({ path: path.join(ROOT, 'test-results/reading-attachments-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(ROOT, 'test-results/reading-attachments-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // The thumbnail opens the image full size, Escape closes it.
    await items.nth(0).getByRole('button', { name: 'View beach.png' }).click();
    const viewer = page.getByRole('dialog', { name: 'beach.png' });
    await poll(() => viewer.count()).toBe(1);
    await page.keyboard.press('Escape');
    await poll(() => viewer.count()).toBe(0);
    // Only the viewer closed: the message is still open.
    expect(await page.getByTestId('reader-subject').textContent()).toBe('Holiday photos');

    // Save hands over exactly the bytes that were sent.
    const [download] = await Promise.all([page.waitForEvent('download'), items.nth(1).getByRole('button', { name: 'Save' }).click()]);
    expect(download.suggestedFilename()).toBe('plan.pdf');
    expect(readFileSync((await download.path())!)).toEqual(PDF);

    // All headers: the header block only, as text; then the whole source.
    await page.getByRole('button', { name: 'All headers' }).click();
    const text = page.getByTestId('source-text');
    await poll(() => text.textContent()).toContain('X-Mailer: Hearth e2e');
    expect(await text.textContent()).not.toContain('Here are the photos');
    await page.screenshot({ path: path.join(ROOT, 'test-results/reading-headers-light.png') });
    await page.getByRole('tab', { name: 'Source' }).click();
    await poll(() => text.textContent()).toContain('Here are the photos and the plan.');
    expect(await text.textContent()).toContain('Content-Disposition: attachment; filename="plan.pdf"');
    await page.getByRole('button', { name: 'Close' }).click();
    await poll(() => text.count()).toBe(0);
    await context.close();
  }, 120_000);
});
