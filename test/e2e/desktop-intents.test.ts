// What the desktop shell hands the window, end to end in Chromium through the browser host, which
// takes the same launch arguments: a mailto: link opens compose filled in (RFC 6068), and an .eml
// file opens in a read-only reader, sanitised like any message. Screenshots in light and dark.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/web-host-process.ts';
import { browserSession } from '../support/browser-session.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const SHOTS = path.join(ROOT, 'test-results');
const slowPoll = <T>(read: () => Promise<T> | T) => poll(read, 30_000);
const session = browserSession();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
});

const EML = [
  'From: Grace Hopper <grace@example.test>',
  'To: Ann <ann@example.test>',
  'Subject: =?UTF-8?Q?Caf=C3=A9_notes?=',
  'Date: Tue, 01 Dec 2026 10:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p id="text">Notes from the caf\u00e9.</p><img src="https://tracker.example/pixel.gif"><script>document.title="pwned"</script>',
  '--b1',
  'Content-Type: text/csv; name="notes.csv"',
  'Content-Disposition: attachment; filename="notes.csv"',
  '',
  'a,b',
  '--b1--',
  '',
].join('\r\n');

describe('desktop intents in the browser host', { timeout: 240_000 }, () => {
  it('opens compose for a mailto: link and a reader for an .eml file', async () => {
    const dir = tempDir('intents');
    const eml = path.join(dir, 'cafe notes.eml');
    writeFileSync(eml, EML);
    const host = await session.startHost([
      '--data',
      path.join(dir, 'data'),
      '--port',
      '0',
      '--ephemeral-server-ports',
      '--no-welcome',
      'mailto:friend@example.test,%22Smith%2C%20Bo%22%20%3Cbo@example.test%3E?subject=Caf%C3%A9%20tonight&cc=carol@example.test&body=Line%201%0D%0ALine%202&from=ceo@bank.example',
      eml,
    ]);
    const readerUrl = /cafe notes\.eml: (\S+)/.exec(host.output())?.[1];
    expect(readerUrl).toMatch(/\?eml=[0-9a-f]+#/);

    // The mailto: link waited for the window, and compose opens once there is an account to write from.
    const context = await session.browser.newContext({ viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();
    await page.goto(host.url);
    await slowPoll(() => page.getByTestId('compose-subject').inputValue()).toBe('Café tonight');
    const chips = (field: string) =>
      page
        .getByTestId(`compose-${field}-chips`)
        .getByTestId('recipient-chip')
        .evaluateAll((l) => l.map((c) => c.getAttribute('title')));
    expect(await chips('to')).toEqual(['friend@example.test', '"Smith, Bo" <bo@example.test>']);
    expect(await chips('cc')).toEqual(['carol@example.test']);
    expect(await page.getByTestId('compose-body').innerText()).toBe('Line 1\nLine 2');
    await page.screenshot({ path: path.join(SHOTS, 'mailto-compose-light.png') });
    await context.close();

    for (const colorScheme of ['light', 'dark'] as const) {
      const ctx = await session.browser.newContext({ viewport: { width: 1024, height: 700 }, colorScheme });
      const reader = await ctx.newPage();
      await reader.goto(readerUrl!);
      await slowPoll(() => reader.getByTestId('reader-subject').textContent()).toBe('Café notes');
      const frame = reader.frameLocator('[data-testid="body-frame"]');
      await slowPoll(() => frame.locator('#text').textContent()).toBe('Notes from the café.');
      const text = await reader.getByRole('article', { name: 'Message file' }).textContent();
      expect(text).toContain('Grace Hopper');
      expect(text).toContain('notes.csv');
      expect(text).toContain('Hearth blocked 1 remote resource');
      // Sanitised: the script never ran and is gone; the reader window is only this message.
      expect(await frame.locator('script').count()).toBe(0);
      expect(await reader.title()).toBe('Café notes — Hearth');
      expect(await reader.getByTestId('message-row').count()).toBe(0);
      await reader.screenshot({ path: path.join(SHOTS, `eml-reader-${colorScheme}.png`) });
      await ctx.close();
    }
  });
});
