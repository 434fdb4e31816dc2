// Accessibility of the main screens (#13.8), checked by axe-core in Chromium against the browser
// host on its embedded default (the household server with its demo mailbox): the mail window with
// a message open, the context menu, the shortcut list, the compose pane, Settings and the household
// admin. No serious or critical violation on any; lesser ones are printed, not failed.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { browserSession } from '../support/browser-session.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const session = browserSession();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's violations on the page as it is now (the sandboxed message frame runs no script, so it is left out). */
async function violations(page: Page): Promise<Violation[]> {
  // Evaluated over the devtools protocol, which the page's CSP (no eval, no inline script) allows.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Violation[] }> } }).axe;
    const r = await axe.run({ exclude: [['iframe']] }, { iframes: false, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const found = await violations(page);
    const grave = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    for (const v of found) console.log(`${screen} (${scheme}): ${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(
      grave.map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      `${screen} (${scheme})`,
    ).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('accessibility of the main screens', () => {
  it('has no serious or critical axe-core violation in light or dark', async () => {
    const host = await session.startHost(['--data', tempDir('e2e-a11y'), '--port', '0', '--ephemeral-server-ports', '--no-welcome']);
    const context = await session.browser.newContext({ viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent(), 60_000).toBe('Connected');
    await poll(() => page.getByTestId('message-row').count(), 60_000).toBeGreaterThan(0);

    await page.getByTestId('message-row').first().click();
    await poll(() => page.getByTestId('reader-subject').count()).toBe(1);
    await expectAccessible(page, 'mail window');

    await page.getByTestId('message-row').first().click({ button: 'right' });
    await poll(() => page.getByRole('menu').count()).toBe(1);
    await expectAccessible(page, 'context menu');
    await page.keyboard.press('Escape');

    await page.keyboard.press('?');
    await poll(() => page.getByRole('dialog').count()).toBe(1);
    await expectAccessible(page, 'shortcut list');
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('dialog').count()).toBe(0);

    await page.getByTestId('compose').click();
    await poll(() => page.locator('.compose-dock').count()).toBe(1);
    await expectAccessible(page, 'compose');
    await page.getByRole('button', { name: 'Discard' }).first().click();

    await page.getByTestId('open-settings').click();
    await poll(() => page.getByRole('dialog').count()).toBe(1);
    await expectAccessible(page, 'settings');
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('dialog').count()).toBe(0);

    await page.getByRole('button', { name: 'Server', exact: true }).click();
    await poll(() => page.getByRole('dialog', { name: 'Household server' }).textContent(), 60_000).toContain('Mail for home.arpa');
    await expectAccessible(page, 'household admin');
    await context.close();
  }, 240_000);
});
