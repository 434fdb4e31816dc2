// Chromium and the browser-host processes of an e2e test file: Chromium launched before its tests,
// and after them every host a test started (and did not stop itself) stopped, then Chromium.
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { callApiFromPage } from './browser.ts';
import { dovecot } from './peers.ts';
import { launchChromium } from './browser.ts';
import { startHostProcess, type HostProcess } from './web-host-process.ts';

export interface BrowserSession {
  readonly browser: Browser;
  /** Starts a browser host (web-host-process.ts), stopped after the file's tests unless the test stops it. */
  startHost(args: string[], env?: Record<string, string>): Promise<HostProcess>;
}

export function browserSession(): BrowserSession {
  let browser: Browser | null = null;
  const hosts: HostProcess[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const host of hosts.splice(0)) await host.stop();
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is not running yet');
      return browser;
    },
    async startHost(args, env) {
      const host = await startHostProcess(args, env);
      hosts.push(host);
      return host;
    },
  };
}

/** Adds a Dovecot user's IMAP account from inside the page (plain IMAP on loopback); returns its id. */
export async function addDovecotImapAccount(page: Page, user: string, password: string, name = 'Me'): Promise<string> {
  const added = await callApiFromPage(page, 'accounts.add', {
    name,
    email: `${user}@example.test`,
    incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user, password },
  });
  if (!added.ok) throw new Error(`accounts.add: ${added.error?.message}`);
  return (added.result as { id: string }).id;
}
