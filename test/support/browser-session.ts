// Chromium and one browser-host process for an e2e test file: launched before its tests, both
// stopped after them (the host only if the test started one).
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { callApiFromPage } from './browser.ts';
import { dovecot } from './peers.ts';
import { launchChromium } from './browser.ts';
import { startHostProcess, type HostProcess } from './web-host-process.ts';

export interface BrowserSession {
  readonly browser: Browser;
  startHost(args: string[]): Promise<HostProcess>;
}

export function browserSession(): BrowserSession {
  let browser: Browser | null = null;
  let host: HostProcess | null = null;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await host?.stop();
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is not running yet');
      return browser;
    },
    async startHost(args) {
      host = await startHostProcess(args);
      return host;
    },
  };
}

/** Adds a Dovecot user's IMAP account from inside the page (plain IMAP on loopback); returns its id. */
export async function addDovecotImapAccount(page: Page, user: string, password: string): Promise<string> {
  const added = await callApiFromPage(page, 'accounts.add', {
    name: 'Me',
    email: `${user}@example.test`,
    incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user, password },
  });
  if (!added.ok) throw new Error(`accounts.add: ${added.error?.message}`);
  return (added.result as { id: string }).id;
}
