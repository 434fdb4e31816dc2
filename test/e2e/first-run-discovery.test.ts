// The welcome's "Add my email account" with discovery from the address, in Chromium: the whole app
// in this process, its discovery pointed at a provider autoconfig served on loopback that names
// the Dovecot peer. Typing the address and "Find settings automatically" fill in the servers; the
// password is all the user adds. Nothing leaves loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { RunningApp } from '../../src/main/app.ts';
import { silentLogger } from '../../src/main/base/log.ts';
import { startWebHost, type WebHost } from '../../src/main/host/web-host.ts';
import { launchChromium } from '../support/browser.ts';
import { deliverToDovecot } from '../support/dovecot-mail.ts';
import { rfc822 } from '../support/messages.ts';
import { createDovecotUser, dovecot, smtpPeers } from '../support/peers.ts';
import { startTestApp } from '../support/test-app.ts';
import { tempDir } from '../support/temp-dir.ts';
import { ROOT } from '../support/web-host-process.ts';
import { poll } from '../support/wait.ts';

const slowPoll = <T>(read: () => Promise<T> | T) => poll(read, 30_000);
let browser: Browser;
let provider: Server;
let base = '';
let app: RunningApp | null = null;
let host: WebHost | null = null;

const AUTOCONFIG = `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.test"><domain>example.test</domain><displayName>Example Mail</displayName>
<incomingServer type="imap"><hostname>127.0.0.1</hostname><port>${dovecot.imapPort}</port><socketType>plain</socketType><authentication>password-cleartext</authentication><username>%EMAILLOCALPART%</username></incomingServer>
<outgoingServer type="smtp"><hostname>127.0.0.1</hostname><port>${smtpPeers.accept}</port><socketType>plain</socketType><authentication>none</authentication><username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>`;

beforeAll(async () => {
  mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  browser = await launchChromium();
  provider = createServer((req, res) => {
    if (req.url === '/example.test/mail/config-v1.1.xml') res.writeHead(200, { 'content-type': 'text/xml' }).end(AUTOCONFIG);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await host?.close();
  await app?.close();
  await browser?.close();
  provider?.close();
});

describe('first run: add my email account', { timeout: 240_000 }, () => {
  it('finds the settings from the address; the password is all the user adds', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [rfc822({ from: 'Grace <grace@example.test>', to: `${user}@example.test`, subject: 'Found you', body: 'Hi' })]);
    const dataDir = tempDir('first-run-discovery');
    app = await startTestApp(dataDir, {
      discovery: {
        autoconfigUrls: (domain) => [`${base}/${domain}/mail/config-v1.1.xml`],
        ispdbBase: `${base}/ispdb/`,
        resolveSrv: async () => [],
        resolveMx: async () => [],
        lookup: async () => '127.0.0.1',
        guessPorts: { imap: [], pop3: [], smtp: [] },
      },
    });
    host = await startWebHost({
      dispatch: app.services.dispatch,
      events: app.services.events,
      log: silentLogger,
      staticDir: path.join(ROOT, 'out/renderer'),
      port: 0,
    });
    const page = await (await browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    await page.goto(host.url);
    await slowPoll(() => page.getByTestId('welcome').isVisible()).toBe(true);
    await page.getByTestId('welcome-add-account').click();

    await page.getByLabel('Your name').fill('Test User');
    await page.getByLabel('Email address').fill(`${user}@example.test`);
    await page.getByTestId('find-settings').click();
    await slowPoll(() => page.getByTestId('found-settings').textContent()).toContain('(Example Mail)');
    expect(await page.getByLabel('Server', { exact: true }).first().inputValue()).toBe('127.0.0.1');
    expect(await page.getByLabel('Port', { exact: true }).first().inputValue()).toBe(String(dovecot.imapPort));
    expect(await page.getByLabel('User name', { exact: true }).first().inputValue()).toBe(user);
    await page.getByLabel('Password', { exact: true }).first().fill(password);
    await page.screenshot({ path: path.join(ROOT, 'test-results/first-run-discovered-light.png') });
    await page.getByRole('button', { name: 'Add account', exact: true }).click();

    await slowPoll(() => page.getByTestId('message-row').count()).toBe(1);
    expect(await page.getByTestId('message-row').textContent()).toContain('Found you');
    expect(await page.getByTestId('welcome').count()).toBe(0);
  });
});
