// Debian's Chromium driven by playwright-core (never a downloaded browser).
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * Calls the app's API from inside the page, over the page's own authenticated WebSocket session
 * (the per-launch secret the page holds): what a test uses to set things up without clicking.
 */
export async function callApiFromPage(
  page: Page,
  method: string,
  args: unknown,
): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }> {
  const wsUrl = `ws://${new URL(page.url()).host}/api`;
  const reply = await page.evaluate(
    async ([url, m, a]) => {
      const token = sessionStorage.getItem('hearth.token');
      const ws = new WebSocket(url, ['hearth.v1', `hearth.token.${token}`]);
      await new Promise((r) => (ws.onopen = r));
      const answer = new Promise<string>((r) => (ws.onmessage = (e) => JSON.parse(String(e.data)).id === 1 && r(String(e.data))));
      ws.send(JSON.stringify({ id: 1, method: m, args: a }));
      const text = await answer;
      ws.close();
      return text;
    },
    [wsUrl, method, args] as const,
  );
  return JSON.parse(reply) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
}
