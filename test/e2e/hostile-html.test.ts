// A hostile-HTML message set end to end (#13.2): script, event handlers, javascript:/data: URLs,
// SVG with remote <image>/<use>, forms, meta refresh, CSS url()/@import/image-set (escaped too),
// srcset, <base href>. No script runs and no request leaves: asserted with the browser's own
// request log for ALL frames (Playwright's context-wide request event, and the CDP Network domain
// on the page and every auto-attached target) and with a loopback HTTP server that must get zero
// hits. Every removed reference is counted in the "blocked remote resources" banner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CDPSession } from 'playwright-core';
import { ROOT } from '../support/web-host-process.ts';
import { addDovecotImapAccount, browserSession } from '../support/browser-session.ts';
import { createDovecotUser } from '../support/peers.ts';
import { deliverToDovecot } from '../support/dovecot-mail.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const SHOTS = path.join(ROOT, 'test-results');
const session = browserSession();
let tracker: Server;
const hits: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  tracker = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/gif' }).end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
  });
  await new Promise<void>((r) => tracker.listen(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
  tracker.close();
});

/** The hostile set: subject, HTML, and how many remote references the banner must count. */
function hostileSet(r: string): Array<{ subject: string; html: string; blocked: number }> {
  return [
    {
      subject: 'Hostile 1 scripts and handlers',
      html: `<script src="${r}/script-src.js"></script><script>fetch("${r}/inline-script")</script>
<img src="x" onerror="fetch('${r}/onerror')"><body onload="fetch('${r}/onload')"><svg onload="fetch('${r}/svg-onload')"></svg>
<a href="javascript:fetch('${r}/js-link')">js</a><a href="data:text/html,<script>fetch('${r}/data-link')</script>">data</a><p id="t">scripts</p>`,
      blocked: 2, // the script's src and the img's relative "x"; inline code and handlers are not resources
    },
    {
      subject: 'Hostile 2 SVG',
      html: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="20">
<image href="${r}/svg-image-href.png" width="10" height="10"/><image xlink:href="${r}/svg-image-xlink.png"/>
<use href="${r}/sprite.svg#a"/><use xlink:href="${r}/sprite-xlink.svg#b"/>
<filter id="f"><feImage href="${r}/feimage.png"/></filter>
<set attributeName="href" to="${r}/smil-set.png"/><animate attributeName="href" values="${r}/smil-animate.png"/></svg><p id="t">svg</p>`,
      blocked: 7, // two images, two uses, feImage, and the SMIL set/animate that would set an href
    },
    {
      subject: 'Hostile 3 forms and refresh',
      html: `<meta http-equiv="refresh" content="0;url=${r}/meta-refresh"><form action="${r}/form-action" method="post"><input name="q" value="x">
<input type="image" src="${r}/input-image.png"><button formaction="${r}/formaction">go</button></form><p id="t">forms</p>`,
      blocked: 4, // meta refresh, form action, input src, button formaction
    },
    {
      subject: 'Hostile 4 CSS',
      html: `<style>@import url(${r}/import-url.css); @import "${r}/import-string.css"; p { background: url('${r}/style-bg.png') }
@font-face { font-family: x; src: url(${r}/font.woff2) } div { background-image: image-set("${r}/image-set.png" 1x) }</style>
<div style="background:url(${r}/attr-bg.png)">a</div><div style="background:u\\72l(${r}/escaped-bg.png)">b</div>
<div style="cursor: url(${r}/cursor.cur), auto; list-style: url(&quot;${r}/list.png&quot;)">c</div><p id="t">css</p>`,
      blocked: 9, // two @imports, three url()s and an image-set() in <style>; four url()s in style attributes
    },
    {
      subject: 'Hostile 5 srcset base and media',
      html: `<base href="${r}/base/"><img src="relative-pixel.gif" alt="r"><img srcset="${r}/srcset-1x.png 1x, //127.0.0.1:1/srcset-2x.png 2x" alt="s">
<picture><source srcset="${r}/picture-source.png"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="d"></picture>
<video poster="${r}/poster.png" src="${r}/video.mp4"></video><audio src="${r}/audio.mp3"></audio><table background="${r}/table-bg.png"><tr><td>t</td></tr></table>
<link rel="stylesheet" href="${r}/link.css"><iframe src="${r}/iframe.html"></iframe><object data="${r}/object.swf"></object><embed src="${r}/embed.swf">
<img src="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'><image href='${r}/data-svg.png'/></svg>" alt="svgdata"><p id="t">media</p>`,
      blocked: 12, // one per element or attribute that pointed out (a srcset with two URLs counts once)
    },
  ];
}

async function cdpLog(session: CDPSession, urls: string[]): Promise<void> {
  session.on('Network.requestWillBeSent', (e: { request: { url: string } }) => urls.push(e.request.url));
  await session.send('Network.enable');
}

describe('hostile HTML in Chromium', () => {
  it('runs no script and sends no request from any frame; the banner counts what was removed', async () => {
    const remote = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}`;
    const set = hostileSet(remote);
    const { user, password } = createDovecotUser();
    const date = new Date().toUTCString().replace('GMT', '+0000');
    await deliverToDovecot(
      user,
      set.map((m, i) =>
        Buffer.from(
          `From: Mallory <mallory@example.test>\r\nTo: ${user}@example.test\r\nSubject: ${m.subject}\r\nDate: ${date}\r\nMessage-ID: <hostile-${i}@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>${m.html}</body></html>\r\n`,
        ),
      ),
    );
    const host = await session.startHost(['--data', tempDir('hostile'), '--port', '0', '--no-server']);
    const context = await session.browser.newContext({ viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();

    // Every request of every frame, three ways.
    const requests: string[] = [];
    context.on('request', (req) => requests.push(req.url()));
    const cdpRequests: string[] = [];
    const cdp = await context.newCDPSession(page);
    await cdpLog(cdp, cdpRequests);
    cdp.on('Target.attachedToTarget', (e: { sessionId: string; targetInfo: { type: string } }) => {
      requests.push(`attached ${e.targetInfo.type}`);
    });
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true });

    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    await addDovecotImapAccount(page, user, password, 'Hostile');
    await poll(() => page.getByTestId('message-row').count()).toBe(set.length);

    const counted: string[] = [];
    for (const m of set) {
      await page.getByTestId('message-row').filter({ hasText: m.subject }).click();
      await poll(() => page.getByTestId('reader-subject').textContent()).toBe(m.subject);
      const frame = page.frameLocator('[data-testid="body-frame"]');
      await poll(() => frame.locator('#t').count()).toBe(1);
      await poll(() => page.locator('.remote-banner').count()).toBe(1);
      counted.push(`${m.subject}: ${/Hearth blocked (\d+) remote/.exec((await page.locator('.remote-banner').textContent()) ?? '')?.[1]}`);
      expect(
        await frame.locator('script, form, input, button, iframe, object, embed, meta[http-equiv="refresh" i], base[href], link, video, audio').count(),
      ).toBe(0);
    }
    expect(counted).toEqual(set.map((m) => `${m.subject}: ${m.blocked}`));
    await page.screenshot({ path: path.join(SHOTS, 'hostile-html-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('message-row').filter({ hasText: set[3]!.subject }).click();
    await poll(() => page.frameLocator('[data-testid="body-frame"]').locator('#t').textContent()).toBe('css');
    await page.screenshot({ path: path.join(SHOTS, 'hostile-html-dark.png') });
    await page.waitForTimeout(1000); // let any stray request arrive before asserting none did

    const hostOrigin = new URL(host.url).origin;
    const leaving = (urls: string[]) =>
      urls.filter(
        (u) => !u.startsWith(`${hostOrigin}/`) && !u.startsWith('data:') && !u.startsWith('about:') && !u.startsWith('ws://') && !u.startsWith('attached '),
      );
    expect(hits).toEqual([]);
    expect(leaving(requests)).toEqual([]);
    expect(leaving(cdpRequests)).toEqual([]);
    // Nothing of the hostile set reached the app's own origin either (a relative URL resolved there).
    expect([...requests, ...cdpRequests].filter((u) => u.startsWith(hostOrigin) && /pixel|relative|base\//.test(u))).toEqual([]);
    // The CDP log saw the app's own requests, so it was listening.
    expect(cdpRequests.some((u) => u.startsWith(hostOrigin))).toBe(true);
    await context.close();
  }, 180_000);
});
