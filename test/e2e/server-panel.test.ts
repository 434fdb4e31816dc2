// The Server panel says, per listener, whether it answers only this computer or also from outside
// (here: the embedded server on loopback, HTTPS for autoconfig included). Screenshots in light and
// dark mode at 1024x700 land in test-results/.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, type HostProcess } from '../support/web-host-process.ts';
import { browserSession } from '../support/browser-session.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const session = browserSession();
let host: HostProcess;

beforeAll(async () => {
  mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  host = await session.startHost(['--data', tempDir('server-panel'), '--port', '0', '--ephemeral-server-ports', '--no-welcome']);
});

describe('Server panel', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`lists every listener with where it answers from (${colorScheme})`, async () => {
      const context = await session.browser.newContext({ viewport: { width: 1024, height: 700 }, colorScheme });
      const page = await context.newPage();
      await page.goto(host.url);
      const server = page.getByRole('button', { name: 'Server', exact: true });
      await poll(() => server.isEnabled(), 30_000).toBe(true);
      await server.click();
      await page.getByRole('dialog').getByRole('tab', { name: 'Listeners' }).click();
      const rows = page.getByRole('table', { name: 'Listeners' }).locator('tbody tr');
      await poll(() => rows.count(), 30_000).toBe(8);
      const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
      expect(cells.map((c) => c[0])).toEqual(['smtp', 'imap', 'imaps', 'pop3', 'pop3s', 'submission', 'submissions', 'https']);
      for (const [, host, port, reach] of cells) {
        expect(host).toBe('127.0.0.1');
        expect(port).toMatch(/^\d+$/);
        expect(reach).toBe('this computer only');
      }
      await page.screenshot({ path: path.join(ROOT, `test-results/server-panel-${colorScheme}.png`) });
      await context.close();
    });
  }
});
