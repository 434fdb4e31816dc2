// Message HTML is untrusted. It is sanitised with DOMPurify (no scripts, handlers, forms, frames,
// plugins, SVG animation), and every reference that would make the frame load something is
// removed here, by the sanitiser itself, and counted for the "blocked remote resources" banner:
// src/srcset/background/poster/href of non-links, xlink:href, CSS url(), image-set() and @import
// in style attributes and <style>, <base href>, meta refresh, form actions. Only `cid:` images
// (resolved to data: URLs) and data: images stay, as the frame's own CSP allows (img-src data:);
// remote http(s) images only once the user allows remote content. The result is shown in a
// sandboxed iframe (no scripts, opaque origin) under that CSP as the second line of defence.
import DOMPurify from 'dompurify';
import { messageFramePolicy } from '../../shared/csp.ts';
import { QUOTE_CSS } from './quotes.ts';

export interface SanitizedHtml {
  html: string;
  blockedRemote: number;
  /** Keys (Content-IDs) of the inline images the HTML showed, so the reader adds the others below. */
  usedCids: Set<string>;
}

/** Attributes that make an element load what they point at. */
const RESOURCE_ATTRS = ['src', 'srcset', 'background', 'poster', 'data', 'lowsrc', 'dynsrc', 'action', 'formaction', 'xlink:href', 'href'];
/** Elements whose href is a link the user follows (in a new window), not something loaded. */
const LINK_ELEMENTS = new Set(['A', 'AREA']);
const LINK_SCHEMES = /^(https?:|mailto:|tel:|#)/i;
const REMOTE_URL = /^(https?:)?\/\//i;
const DATA_IMAGE = /^data:image\/(png|jpe?g|gif|webp|bmp|avif|x-icon|vnd\.microsoft\.icon);/i;

/** Elements removed whole (as are those DOMPurify does not allow); the ones that carry a URL count as blocked. */
const FORBIDDEN_TAGS = [
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'link',
  'meta',
  'base',
  'audio',
  'video',
  'source',
  'track',
  'portal',
  'noscript',
  // SVG animation sets attributes (an href) without any script; foreignObject nests HTML in SVG.
  'animate',
  'set',
  'animatemotion',
  'animatetransform',
  'foreignobject',
];
const URL_CARRYING = /(?:^|[\s;,='"(])(?:https?:)?\/\/|url\s*=|@import/i;

/** Undoes CSS escapes (`u\72l(`, `\75 rl(`) so a hidden url( or @import cannot slip past the checks. */
function unescapeCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\\([0-9a-f]{1,6})\s?/gi, (_m, hex: string) => {
      const cp = parseInt(hex, 16);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    })
    .replace(/\\(.)/g, '$1');
}

/**
 * Removes from CSS everything that loads: @import rules, url() (except data: images, and remote
 * http(s) ones when allowed) and image-set(). Returns the CSS and how many references it removed.
 */
export function cleanCss(css: string, allowRemote: boolean): { css: string; blocked: number } {
  let blocked = 0;
  let out = unescapeCss(css).replace(/@import\b[^;]*;?/gi, () => {
    blocked++;
    return '';
  });
  out = out.replace(/(?:-webkit-)?image-set\s*\((?:[^()]|\([^()]*\))*\)/gi, () => {
    blocked++;
    return 'none';
  });
  // Kept url()s wait behind a placeholder (private-use characters), so the check for malformed ones below skips them.
  const kept: string[] = [];
  out = out.replace(/url\s*\(\s*(['"]?)([\s\S]*?)\1\s*\)/gi, (whole, _q: string, target: string) => {
    const t = target.trim();
    if (DATA_IMAGE.test(t) || (allowRemote && /^https?:\/\//i.test(t))) {
      kept.push(whole);
      return `\uE000${kept.length - 1}\uE001`;
    }
    blocked++;
    return 'none';
  });
  // Whatever url( is left is malformed: drop it rather than let the browser's parser guess.
  out = out.replace(/url\s*\(/gi, () => {
    blocked++;
    return 'none(';
  });
  return { css: out.replace(/\uE000(\d+)\uE001/g, (_m, i: string) => kept[Number(i)] ?? ''), blocked };
}

export function sanitizeMessageHtml(html: string, opts: { allowRemote: boolean; cidUrls?: Map<string, string> }): SanitizedHtml {
  let blockedRemote = 0;
  const usedCids = new Set<string>();
  const purify = DOMPurify(window);

  // Removed elements that pointed somewhere (<base href>, meta refresh, <link>, form action…) count too.
  purify.addHook('uponSanitizeElement', (node, data) => {
    const el = node as Element;
    if (!el.attributes) return;
    if (data.tagName === 'style') {
      const cleaned = cleanCss(el.textContent ?? '', opts.allowRemote);
      blockedRemote += cleaned.blocked;
      el.textContent = cleaned.css;
      return;
    }
    // Forbidden here, or not on DOMPurify's list (an SVG <use>): the element goes, with its URLs.
    if (!FORBIDDEN_TAGS.includes(data.tagName) && data.allowedTags[data.tagName]) return;
    const pointsSomewhere = (a: Attr) => !a.name.startsWith('xmlns') && (URL_CARRYING.test(a.value) || REMOTE_URL.test(a.value.trim()));
    if (Array.from(el.attributes).some(pointsSomewhere)) blockedRemote++;
  });

  purify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    if (!el.getAttribute) return;
    for (const attr of RESOURCE_ATTRS) {
      const raw = el.getAttribute(attr);
      if (raw == null) continue;
      const v = raw.trim();
      const tag = el.tagName.toUpperCase(); // SVG elements keep their case ("a", "image", "use")
      if ((attr === 'href' || attr === 'xlink:href') && LINK_ELEMENTS.has(tag)) {
        if (!LINK_SCHEMES.test(v)) el.removeAttribute(attr);
        continue;
      }
      // <use href="#id"> points inside the document; fine.
      if ((attr === 'href' || attr === 'xlink:href') && v.startsWith('#') && tag === 'USE') continue;
      if (attr === 'src' && /^cid:/i.test(v)) {
        const key = decodeURIComponentSafe(v.slice(4)).replace(/^<|>$/g, '');
        const url = opts.cidUrls?.get(key);
        if (url) {
          el.setAttribute('src', url);
          usedCids.add(key);
        } else el.removeAttribute('src');
        continue;
      }
      if (attr === 'src' && tag === 'IMG' && DATA_IMAGE.test(v)) continue;
      // srcset never stays: its candidates may be relative (resolved against the app's own origin).
      if (opts.allowRemote && (attr === 'src' || attr === 'background') && /^https?:\/\//i.test(v)) continue;
      el.removeAttribute(attr);
      if (v !== '' && !/^(javascript|vbscript):/i.test(v)) blockedRemote++;
    }
    const style = el.getAttribute('style');
    if (style) {
      const cleaned = cleanCss(style, opts.allowRemote);
      blockedRemote += cleaned.blocked;
      if (cleaned.blocked > 0 || cleaned.css !== style) el.setAttribute('style', cleaned.css);
    }
    if (LINK_ELEMENTS.has(el.tagName.toUpperCase())) {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    }
  });

  const clean = purify.sanitize(html, {
    WHOLE_DOCUMENT: false,
    // A message's leading <style> (or its <head>'s) would otherwise be dropped unread; kept, it is cleaned and counted.
    FORCE_BODY: true,
    FORBID_TAGS: FORBIDDEN_TAGS,
    FORBID_ATTR: ['srcdoc', 'ping', 'http-equiv'],
    ALLOW_DATA_ATTR: false,
  });
  purify.removeAllHooks();
  return { html: String(clean), blockedRemote, usedCids };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Inline images the HTML did not place (or a plain-text message's), shown after the body as mail programs do. */
export function trailingImages(urls: Map<string, string>, used: Set<string>): string {
  return [...urls]
    .filter(([key]) => !used.has(key))
    .map(([, url]) => `<p><img src="${url.replace(/"/g, '&quot;')}" alt=""></p>`)
    .join('');
}

/** A complete document for the message frame: its own CSP first, then the sanitised body. */
export function messageDocument(bodyHtml: string, allowRemote: boolean, dark: boolean): string {
  const csp = messageFramePolicy(allowRemote).replace(/"/g, '&quot;');
  const scheme = dark ? 'color-scheme: light dark;' : '';
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><base target="_blank"><style>html{${scheme}}body{font:14px/1.5 system-ui,sans-serif;margin:16px;word-wrap:break-word}img{max-width:100%;height:auto}pre{white-space:pre-wrap}${QUOTE_CSS}</style></head><body>${bodyHtml}</body></html>`;
}

export function textToHtml(text: string): string {
  const esc = text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const linked = esc.replace(/\bhttps?:\/\/[^\s<>"]+/g, (u) => `<a href="${u}">${u}</a>`);
  return `<pre style="font:inherit">${linked}</pre>`;
}
