// Chromium and one browser-host process for an e2e test file: launched before its tests, both
// stopped after them (the host only if the test started one).
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
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
