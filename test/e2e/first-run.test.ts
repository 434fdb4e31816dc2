// The first run of a new data folder in Chromium: the welcome's three ways in. "Just look around"
// (the demo mailbox), "Host mail for my household" (the user's own mailbox on the embedded
// server, which then sends and receives), and "Add my email account" (the account dialog,
// against Dovecot). Screenshots in light and dark.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ROOT, type HostProcess } from '../support/web-host-process.ts';
import { browserSession } from '../support/browser-session.ts';
import { createDovecotUser } from '../support/peers.ts';
import { fillDovecotAccount } from '../support/account-dialog.ts';
import { deliverToDovecot } from '../support/dovecot-mail.ts';
import { rfc822 } from '../support/messages.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const SHOTS = path.join(ROOT, 'test-results');
// The embedded server's first start comes on top of the browser's work: a longer deadline.
const slowPoll = <T>(read: () => Promise<T> | T) => poll(read, 30_000);
const SERVER = ['--port', '0', '--ephemeral-server-ports', '--undo-seconds', '0'];
const session = browserSession();
let host: HostProcess | null = null;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  // Each test's host stops with it (the session would stop it only after the file).
  await host?.stop();
  host = null;
});

async function open(url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await session.browser.newContext({ viewport: { width: 1024, height: 700 }, colorScheme });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

describe('first run', { timeout: 240_000 }, () => {
  it('"Just look around" sets up the demo mailbox; a restart keeps it and skips the welcome', async () => {
    const dataDir = tempDir('first-run-demo');
    host = await session.startHost(['--data', dataDir, ...SERVER]);
    // The welcome decides now: no demo mailbox was made behind the user's back.
    expect(host.output()).not.toContain('demo mailbox:');
    for (const scheme of ['light', 'dark'] as const) {
      const look = await open(host.url, scheme);
      await slowPoll(() => look.getByTestId('welcome').isVisible()).toBe(true);
      expect(await look.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome to Hearth');
      await look.screenshot({ path: path.join(SHOTS, `first-run-welcome-${scheme}.png`) });
    }
    const page = await open(host.url);
    await page.getByTestId('welcome-look-around').click();
    await slowPoll(() => page.getByTestId('message-row').count()).toBe(4);
    expect(await page.getByTestId('welcome').count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Messages' }).textContent()).toContain('Welcome to your household mail server');

    await host.stop();
    host = await session.startHost(['--data', dataDir, '--port', '0', '--ephemeral-server-ports']);
    const again = await open(host.url);
    await slowPoll(() => again.getByTestId('message-row').count()).toBe(4);
    await slowPoll(() => again.getByTestId('connection').textContent()).toBe('Connected');
    expect(await again.getByTestId('welcome').count()).toBe(0);
    expect(await again.getByRole('navigation', { name: 'Folders' }).locator('h2').count()).toBe(1);
  });

  it('"Host mail for my household" creates the user\'s own mailbox, which sends and receives', async () => {
    const dataDir = tempDir('first-run-household');
    host = await session.startHost(['--data', dataDir, ...SERVER]);
    const page = await open(host.url);
    await slowPoll(() => page.getByTestId('welcome').isVisible()).toBe(true);
    await page.getByTestId('welcome-household').click();
    await page.getByLabel('Your name').fill('Ann Smith');
    await page.getByTestId('household-mailbox').fill('Ann');
    await page.getByTestId('household-password').fill('correct horse battery');
    await page.getByTestId('household-password-again').fill('correct horse battery staple');
    await page.getByTestId('household-create').click();
    // Two different passwords: said so, nothing created.
    await poll(() => page.getByRole('alert').textContent()).toBe('The two passwords differ.');
    await page.getByTestId('household-password-again').fill('correct horse battery');
    await page.getByTestId('household-create').click();

    const explained = page.getByTestId('household-explained');
    await slowPoll(() => explained.isVisible()).toBe(true);
    const text = await explained.textContent();
    expect(text).toContain('Your mailbox ann@home.arpa is ready');
    for (const need of ['A domain of your own', 'An MX record', 'Port 25 reachable from the internet']) expect(text).toContain(need);
    await page.screenshot({ path: path.join(SHOTS, 'first-run-household-light.png') });
    const dark = await open(host.url, 'dark');
    // The choice is made: another window goes straight to the mail.
    await slowPoll(() => dark.getByTestId('connection').textContent()).toBe('Connected');
    expect(await dark.getByTestId('welcome').count()).toBe(0);

    await page.getByTestId('household-open').click();
    await slowPoll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    const folders = page.getByRole('navigation', { name: 'Folders' });
    await slowPoll(() => folders.textContent()).toContain('Ann Smith');
    await slowPoll(() => folders.getByText('Inbox', { exact: true }).count()).toBe(1);
    // The mailbox works: a message to itself goes out through submission and comes back in.
    await page.getByTestId('compose').click();
    await page.getByTestId('compose-to').fill('ann@home.arpa');
    await page.getByTestId('compose-subject').fill('First message in my own mailbox');
    await page.getByTestId('compose-body').fill('Hello from the household server.');
    await page.getByTestId('compose-send').click();
    await slowPoll(() => page.getByTestId('message-row').count()).toBe(1);
    expect(await page.getByTestId('message-row').textContent()).toContain('First message in my own mailbox');
    await dark.reload();
    await slowPoll(() => dark.getByTestId('message-row').count()).toBe(1);
    await dark.screenshot({ path: path.join(SHOTS, 'first-run-household-mailbox-dark.png') });
  });

  it('"Add my email account" opens the account dialog; the account added ends the welcome', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [rfc822({ from: 'Grace <grace@example.test>', to: `${user}@example.test`, subject: 'Hello from Dovecot', body: 'Hi' })]);
    const dataDir = tempDir('first-run-account');
    host = await session.startHost(['--data', dataDir, ...SERVER]);
    const page = await open(host.url, 'dark');
    await slowPoll(() => page.getByTestId('welcome').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'first-run-welcome-account-dark.png') });
    await page.getByTestId('welcome-add-account').click();
    await fillDovecotAccount(page, { name: 'Test User', user, password, tls: 'starttls', trustCa: true });
    await page.screenshot({ path: path.join(SHOTS, 'first-run-account-dialog-dark.png') });
    await page.getByRole('button', { name: 'Add account', exact: true }).click();
    await slowPoll(() => page.getByTestId('message-row').count()).toBe(1);
    expect(await page.getByTestId('welcome').count()).toBe(0);
    // A restart goes straight to the account, with no demo mailbox added.
    await host.stop();
    host = await session.startHost(['--data', dataDir, ...SERVER]);
    const again = await open(host.url);
    await slowPoll(() => again.getByTestId('message-row').count()).toBe(1);
    expect(await again.getByTestId('welcome').count()).toBe(0);
    expect(await again.getByRole('navigation', { name: 'Folders' }).locator('h2').count()).toBe(1);
  });
});
