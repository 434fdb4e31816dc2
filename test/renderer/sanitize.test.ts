// The message sanitiser in a real browser DOM (Chromium; DOMPurify needs one): the module is
// bundled as the renderer build does and called in a page. Every URL that would load is removed
// and counted; links stay links; cid: images resolve; data: images stay; remote images only when
// allowed, srcset never.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { build } from 'rolldown';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { ROOT } from '../support/web-host-process.ts';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  const bundle = await build({ input: path.join(ROOT, 'src/renderer/src/sanitize.ts'), output: { format: 'iife', name: 'HearthSanitize' }, write: false });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.setContent('<!doctype html><title>sanitise</title>');
  await page.addScriptTag({ content: bundle.output[0].code });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

interface Result {
  html: string;
  blockedRemote: number;
  usedCids: string[];
}

function sanitize(html: string, allowRemote = false, cids: Record<string, string> = {}): Promise<Result> {
  return page.evaluate(
    ([h, allow, c]) => {
      const s = (globalThis as unknown as { HearthSanitize: typeof import('../../src/renderer/src/sanitize.ts') }).HearthSanitize;
      const r = s.sanitizeMessageHtml(h, { allowRemote: allow, cidUrls: new Map(Object.entries(c)) });
      return { html: r.html, blockedRemote: r.blockedRemote, usedCids: [...r.usedCids] };
    },
    [html, allowRemote, cids] as const,
  );
}

const R = 'http://tracker.example';

describe('sanitizeMessageHtml', () => {
  it.each([
    ['SVG image href and xlink:href', `<svg><image href="${R}/a.png"/><image xlink:href="${R}/b.png"/></svg>`, 2],
    ['SVG use (external) and SMIL', `<svg><use href="${R}/s.svg#a"/><set attributeName="href" to="${R}/c.png"/><animate values="${R}/d.png"/></svg>`, 3],
    [
      'srcset, picture source, protocol-relative',
      `<img srcset="${R}/1x.png 1x, //tracker.example/2x.png 2x"><picture><source srcset="${R}/p.png"></picture>`,
      2,
    ],
    [
      'CSS in style attributes, escaped too',
      `<p style="background:url(${R}/a.png)">a</p><p style="background:u\\72l(${R}/b.png)">b</p><p style="background-image:image-set('${R}/c.png' 1x)">c</p>`,
      3,
    ],
    ['<style> url() and @import', `<style>@import url(${R}/a.css); @import "${R}/b.css"; p { background: url(${R}/c.png) }</style><p>x</p>`, 3],
    [
      '<base href>, meta refresh, <link>',
      `<base href="${R}/"><meta http-equiv="refresh" content="0;url=${R}/r"><link rel="stylesheet" href="${R}/l.css"><p>x</p>`,
      3,
    ],
    ['forms', `<form action="${R}/f"><input type="image" src="${R}/i.png"><button formaction="${R}/b">b</button></form>`, 3],
    [
      'media and plugins',
      `<video poster="${R}/p.png"></video><audio src="${R}/a.mp3"></audio><iframe src="${R}/i"></iframe><object data="${R}/o"></object><embed src="${R}/e">`,
      5,
    ],
    ['background attributes and relative URLs', `<table background="${R}/t.png"><tr><td>t</td></tr></table><img src="/relative.gif">`, 2],
  ])('%s: removed and counted', async (_name, html, count) => {
    const r = await sanitize(html);
    expect(r.blockedRemote).toBe(count);
    expect(r.html).not.toMatch(/tracker\.example|relative\.gif/);
  });

  it('runs nothing: scripts, handlers, javascript: and data: links go, without counting as resources', async () => {
    const r = await sanitize(
      `<script>alert(1)</script><img onerror="alert(1)" src="data:image/png;base64,iVBORw0KGgo="><a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a><a href="https://example.org/">ok</a><svg onload="alert(1)"></svg>`,
    );
    expect(r.html).not.toMatch(/script|onerror|onload|javascript:|data:text/i);
    expect(r.html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(r.html).toContain('<a href="https://example.org/" target="_blank" rel="noopener noreferrer">ok</a>');
    expect(r.blockedRemote).toBe(0);
  });

  it('resolves cid: images (with or without brackets, percent-encoded) and reports the ones it placed', async () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const r = await sanitize('<img src="cid:part1.A@example.com"><img src="cid:%3Cpart2@x%3E"><img src="cid:missing@x">', false, {
      'part1.A@example.com': png,
      'part2@x': png,
    });
    expect(r.html.match(/src="data:image\/png/g)).toHaveLength(2);
    expect(r.usedCids.sort()).toEqual(['part1.A@example.com', 'part2@x']);
    expect(r.html).not.toContain('cid:');
  });

  it('keeps remote images once allowed, but never srcset or scripts', async () => {
    const r = await sanitize(`<img src="${R}/a.png" srcset="${R}/b.png 2x"><p style="background:url(${R}/c.png)">x</p><script src="${R}/s.js"></script>`, true);
    expect(r.html).toContain(`src="${R}/a.png"`);
    expect(r.html).toContain(`url(${R}/c.png)`);
    expect(r.html).not.toMatch(/srcset|s\.js/);
  });
});
