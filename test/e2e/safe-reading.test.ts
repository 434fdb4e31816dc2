// Reading untrusted HTML in Chromium: scripts never run, remote content is blocked until the
// user allows it, and the frame cannot reach the app. The "remote" server is a local HTTP
// server that records every request it gets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ROOT } from '../support/web-host-process.ts';
import { addDovecotImapAccount, browserSession } from '../support/browser-session.ts';
import { createDovecotUser } from '../support/peers.ts';
import { deliverToDovecot } from '../support/dovecot-mail.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const session = browserSession();
let tracker: Server;
const hits: string[] = [];

beforeAll(async () => {
  tracker = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/gif' }).end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
  });
  await new Promise<void>((r) => tracker.listen(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
  tracker.close();
});

describe('safe reading', () => {
  it('blocks scripts always and remote images until allowed', async () => {
    const port = (tracker.address() as AddressInfo).port;
    // Plain http on loopback stands in for a remote server (the network here is loopback only).
    const remote = `http://127.0.0.1:${port}`;
    const html = [
      '<html><body>',
      '<h1 id="t">Newsletter</h1>',
      `<img src="${remote}/pixel.gif" alt="pixel">`,
      `<script>fetch("${remote}/script-ran")</script>`,
      `<img src="x" onerror="fetch('${remote}/onerror-ran')">`,
      `<a href="javascript:fetch('${remote}/js-link')">click</a>`,
      `<div style="background:url(${remote}/bg.png)">styled</div>`,
      '<form action="https://evil.example/"><input name="q"></form>',
      '</body></html>',
    ].join('\n');
    const raw = Buffer.from(
      `From: News <news@example.test>\r\nTo: you@example.test\r\nSubject: Weekly news\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <news-1@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`,
    );
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [raw]);
    const host = await session.startHost(['--data', tempDir('safe'), '--port', '0', '--no-server']);
    const context = await session.browser.newContext();
    const page = await context.newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, user, password, 'T');
    await poll(() => page.getByTestId('message-row').count()).toBe(1);
    await page.getByTestId('message-row').click();
    const frame = page.frameLocator('[data-testid="body-frame"]');
    await poll(() => frame.locator('#t').textContent(), 30_000).toBe('Newsletter');
    await poll(() => page.getByText(/Hearth blocked \d+ remote/).count()).toBe(1);
    await page.waitForTimeout(500); // give any stray request time to arrive before asserting none did
    expect(hits).toEqual([]);
    // The frame is sandboxed without scripts and same-origin.
    expect(await page.getByTestId('body-frame').getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    expect(await frame.locator('script, form, input').count()).toBe(0);

    await page.getByRole('button', { name: 'Load remote content' }).click();
    await poll(() => hits.includes('/pixel.gif')).toBe(true);
    await page.waitForTimeout(500);
    expect(hits.filter((h) => /ran|js-link/.test(h))).toEqual([]);
    await page.screenshot({ path: path.join(ROOT, 'test-results/safe-reading.png') });
    await context.close();
  }, 90_000);
});
