// Import and export from the folder pane in Chromium against Dovecot: "Import…" an mbox into a
// folder with progress, drag a message out (its DownloadURL gives the exact bytes), "Export…" the
// folder as .eml files. Screenshots in light and dark.
import { describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { callApiFromPage } from '../support/browser.ts';
import { addDovecotImapAccount, browserSession } from '../support/browser-session.ts';
import { ROOT } from '../support/web-host-process.ts';
import { createDovecotUser } from '../support/peers.ts';
import { dovecotMessages } from '../support/dovecot-mail.ts';
import { corpusMessage, corpusNames, toCrlf } from '../support/corpus.ts';
import { mboxEntry } from '../../src/main/mail/mbox.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const session = browserSession();

describe('import and export in the browser host', () => {
  it('imports an mbox with progress, drags a message out, exports the folder', async () => {
    const { user, password } = createDovecotUser();
    const dir = tempDir('e2e-transfer');
    const names = corpusNames().slice(0, 40);
    const source = path.join(dir, 'Old mail.mbox');
    writeFileSync(source, Buffer.concat(names.map((n, i) => mboxEntry(toCrlf(corpusMessage(n)), 'a@example.test', new Date(Date.UTC(2019, 4, 1 + i))))));

    const host = await session.startHost(['--data', path.join(dir, 'data'), '--port', '0', '--no-server']);
    const context = await session.browser.newContext({ viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    const accountId = await addDovecotImapAccount(page, user, password);
    expect((await callApiFromPage(page, 'mailboxes.create', { accountId, parentId: null, name: 'Old mail' })).ok).toBe(true);
    const folders = page.getByRole('navigation', { name: 'Folders' });
    await poll(() => folders.getByText('Old mail', { exact: true }).count()).toBe(1);
    await folders.getByText('Old mail', { exact: true }).click();

    await page.getByTestId('import-folder').click();
    await page.getByTestId('transfer-path').fill(source);
    await page.screenshot({ path: path.join(ROOT, 'test-results/import-dialog.png') });
    await page.getByTestId('transfer-start').click();
    await poll(() => page.getByTestId('transfers').textContent(), 60_000).toContain(`Imported ${names.length} messages`);
    // The list is virtual (only the rows in view exist): its count says how many the folder holds.
    await poll(() => page.getByTestId('message-count').textContent(), 60_000).toBe(`${names.length} messages`);
    const rows = page.getByTestId('message-row');
    // The rows in view are read from IndexedDB just after the count shows.
    await poll(async () => (await rows.count()) > 0).toBe(true);
    expect((await dovecotMessages(user, password, 'Old mail')).length).toBe(names.length);
    await page.screenshot({ path: path.join(ROOT, 'test-results/import-done-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(ROOT, 'test-results/import-done-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Dragging a row out: its DownloadURL serves the message's bytes as the server keeps them.
    expect(await rows.first().getAttribute('draggable')).toBe('true');
    const downloadUrl = await rows.first().evaluate((el: { dispatchEvent(e: unknown): boolean }) => {
      // Page globals, typed here: this file is type-checked without the DOM library.
      const page = globalThis as unknown as { DataTransfer: new () => { getData(t: string): string }; DragEvent: new (t: string, init: unknown) => unknown };
      const dt = new page.DataTransfer();
      el.dispatchEvent(new page.DragEvent('dragstart', { dataTransfer: dt, bubbles: true }));
      return dt.getData('DownloadURL');
    });
    const [, type, fileName, url] = /^([^:]+\/[^:]+):(.+?\.eml):(http:.*)$/.exec(downloadUrl) ?? [];
    expect(type).toBe('message/rfc822');
    expect(fileName).toMatch(/^\d{4}-\d\d-\d\d \d{4} .+\.eml$/);
    const dragged = Buffer.from(await (await fetch(url!)).arrayBuffer());
    expect((await dovecotMessages(user, password, 'Old mail')).some((m) => m.equals(dragged))).toBe(true);

    // Export… the folder as .eml files.
    const out = path.join(dir, 'exported');
    await page.getByTestId('export-folder').click();
    await page.getByLabel('A folder of .eml files').check();
    await page.getByTestId('transfer-path').fill(out);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(ROOT, 'test-results/export-dialog-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('transfer-start').click();
    await poll(() => page.getByTestId('transfers').textContent(), 60_000).toContain(`Exported ${names.length} messages`);
    expect(readdirSync(out).length).toBe(names.length);
  }, 240_000);

  it('shows a long import under way, stops it from the bar, and goes on without duplicates', async () => {
    const { user, password } = createDovecotUser();
    const dir = tempDir('e2e-transfer-stop');
    const count = 600;
    const source = path.join(dir, 'Archive 2019.mbox');
    const message = (i: number) =>
      Buffer.from(
        `From: Sender ${i} <s${i}@example.test>\r\nTo: me@example.test\r\nSubject: Old message ${i}\r\nMessage-ID: <${i}@stop.test>\r\n\r\nBody ${i}\r\n`,
      );
    writeFileSync(
      source,
      Buffer.concat(Array.from({ length: count }, (_, i) => mboxEntry(message(i), 'a@example.test', new Date(Date.UTC(2019, 0, 1, 0, i))))),
    );

    const host = await session.startHost(['--data', path.join(dir, 'data'), '--port', '0', '--no-server']);
    const page = await (await session.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    const accountId = await addDovecotImapAccount(page, user, password);
    expect((await callApiFromPage(page, 'mailboxes.create', { accountId, parentId: null, name: 'Archive 2019' })).ok).toBe(true);
    const folders = page.getByRole('navigation', { name: 'Folders' });
    await poll(() => folders.getByText('Archive 2019', { exact: true }).count()).toBe(1);
    await folders.getByText('Archive 2019', { exact: true }).click();

    const bar = page.getByTestId('transfers');
    const startImport = async () => {
      await page.getByTestId('import-folder').click();
      await page.getByTestId('transfer-path').fill(source);
      await page.getByTestId('transfer-start').click();
    };
    await startImport();
    // Under way: a progress bar, messages and bytes done, and Stop.
    await poll(async () => /Importing [1-9]\d* of 600 · [\d.]+ MB of [\d.]+ MB/.test((await bar.textContent()) ?? ''), 60_000).toBe(true);
    expect(await bar.getByRole('progressbar').count()).toBe(1);
    await page.screenshot({ path: path.join(ROOT, 'test-results/import-progress-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(ROOT, 'test-results/import-progress-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await bar.getByRole('button', { name: 'Stop' }).click();
    await poll(() => bar.textContent(), 60_000).toMatch(/Import stopped at \d+ of 600 — import again to go on/);
    const stoppedAt = Number(/stopped at (\d+)/.exec((await bar.textContent()) ?? '')![1]);
    expect(stoppedAt).toBeLessThan(count);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(ROOT, 'test-results/import-stopped-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await bar.getByRole('button', { name: 'Dismiss' }).click();

    // The same import again goes on where it stopped: each message once, in order.
    await startImport();
    await poll(() => bar.textContent(), 120_000).toContain(`Imported ${count} messages`);
    const stored = await dovecotMessages(user, password, 'Archive 2019');
    expect(stored.map((m) => /Subject: (.*)\r\n/.exec(m.toString())![1])).toEqual(Array.from({ length: count }, (_, i) => `Old message ${i}`));
  }, 240_000);
});
