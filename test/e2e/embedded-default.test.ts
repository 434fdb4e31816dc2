// `npm run web --no-welcome` on a fresh data folder: the embedded household server starts with a
// demo mailbox, added as the first account, so there is mail at once (the welcome's "Just look
// around" does the same by choice: test/e2e/first-run.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/web-host-process.ts';
import { browserSession } from '../support/browser-session.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

// The embedded server's first start comes on top of the browser's work: a longer deadline.
const slowPoll = <T>(read: () => Promise<T> | T) => poll(read, 30_000);
const session = browserSession();

beforeAll(async () => {
  mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
});

describe('embedded default', { timeout: 120_000 }, () => {
  it('shows the demo mailbox of the embedded household server on first start, and again after a restart', async () => {
    const dataDir = tempDir('embedded');
    let host = await session.startHost(['--data', dataDir, '--port', '0', '--ephemeral-server-ports', '--undo-seconds', '0', '--no-welcome']);
    expect(host.output()).toContain('demo mailbox: demo@home.arpa');
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(host.url);
    await slowPoll(() => page.getByTestId('message-row').count()).toBe(4);
    const list = await page.getByRole('region', { name: 'Messages' }).textContent();
    for (const s of ['Welcome to your household mail server', 'Shopping list for the weekend', 'Dinner on Sunday?', 'Re: Dinner on Sunday?'])
      expect(list).toContain(s);
    await page.getByText('Welcome to your household mail server').click();
    await slowPoll(() => page.frameLocator('[data-testid="body-frame"]').locator('h1').textContent()).toBe('Welcome to Hearth');
    await page.screenshot({ path: path.join(ROOT, 'test-results/embedded-default.png') });

    // Writing works out of the box too: the demo account sends through the household server.
    await page.getByTestId('compose').click();
    await page.getByTestId('compose-to').fill('demo@home.arpa');
    await page.getByTestId('compose-subject').fill('Note to self');
    await page.getByTestId('compose-body').fill('Sent through the household server.');
    await page.getByTestId('compose-send').click();
    await slowPoll(() => page.getByTestId('message-row').count()).toBe(5);
    // The server panel shows where it listens, an empty outgoing queue, and the log file.
    await page.getByRole('button', { name: 'Server', exact: true }).click();
    await slowPoll(() => page.getByRole('dialog').textContent()).toContain('home.arpa');
    await page.getByRole('tab', { name: 'Outgoing mail' }).click();
    await slowPoll(() => page.getByRole('dialog').textContent()).toContain('Nothing waiting.');
    // ... and where the log file is
    expect(await page.getByTestId('log-file').textContent()).toBe(`Log file: ${path.join(dataDir, 'logs', 'hearth.log')}`);
    await page.getByRole('button', { name: 'Close' }).click();
    await context.close();

    // A second start on the same folder keeps one demo account and syncs again (ports may differ).
    await host.stop();
    host = await session.startHost(['--data', dataDir, '--port', '0', '--ephemeral-server-ports']);
    expect(host.output()).not.toContain('demo mailbox:');
    const page2 = await (await session.browser.newContext()).newPage();
    await page2.goto(host.url);
    await slowPoll(() => page2.getByTestId('message-row').count()).toBe(5);
    await slowPoll(() => page2.getByRole('navigation', { name: 'Folders' }).locator('h2').count()).toBe(1);
    await slowPoll(() => page2.getByTestId('connection').textContent()).toBe('Connected');
  });
});
