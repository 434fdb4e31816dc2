// Message HTML is untrusted. It is sanitised with DOMPurify (no scripts, handlers, forms,
// frames or plugins), remote resources are removed unless the user allowed them, and the
// result is shown in a sandboxed iframe (no scripts, opaque origin) under its own CSP.
import DOMPurify from 'dompurify';
import { messageFramePolicy } from '../../shared/csp.ts';

export interface SanitizedHtml {
  html: string;
  blockedRemote: number;
}

const REMOTE = /^\s*(https?:)?\/\//i;
const URL_ATTRS = ['src', 'srcset', 'background', 'poster', 'data', 'action', 'formaction', 'xlink:href'];

export function sanitizeMessageHtml(html: string, opts: { allowRemote: boolean; cidUrls?: Map<string, string> }): SanitizedHtml {
  let blockedRemote = 0;
  const purify = DOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    for (const attr of URL_ATTRS) {
      const v = el.getAttribute?.(attr);
      if (v == null) continue;
      if (v.trim().toLowerCase().startsWith('cid:')) {
        const url = opts.cidUrls?.get(v.trim().slice(4).replace(/^<|>$/g, ''));
        if (url) el.setAttribute(attr, url);
        else el.removeAttribute(attr);
      } else if (REMOTE.test(v) || /\bhttps?:\/\//i.test(v)) {
        if (!opts.allowRemote) {
          el.removeAttribute(attr);
          blockedRemote++;
        }
      }
    }
    const style = el.getAttribute?.('style');
    if (style && /url\s*\(/i.test(style) && !opts.allowRemote) {
      el.setAttribute('style', style.replace(/url\s*\([^)]*\)/gi, 'none'));
      blockedRemote++;
    }
    if (el.tagName === 'A') {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    }
  });
  const clean = purify.sanitize(html, {
    WHOLE_DOCUMENT: false,
    FORBID_TAGS: [
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
    ],
    FORBID_ATTR: ['srcdoc', 'ping'],
    ALLOW_DATA_ATTR: false,
  });
  purify.removeAllHooks();
  return { html: String(clean), blockedRemote };
}

/** A complete document for the message frame: its own CSP first, then the sanitised body. */
export function messageDocument(bodyHtml: string, allowRemote: boolean, dark: boolean): string {
  const csp = messageFramePolicy(allowRemote).replace(/"/g, '&quot;');
  const scheme = dark ? 'color-scheme: light dark;' : '';
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><base target="_blank"><style>html{${scheme}}body{font:14px/1.5 system-ui,sans-serif;margin:16px;word-wrap:break-word}img{max-width:100%;height:auto}pre{white-space:pre-wrap}</style></head><body>${bodyHtml}</body></html>`;
}

export function textToHtml(text: string): string {
  const esc = text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const linked = esc.replace(/\bhttps?:\/\/[^\s<>"]+/g, (u) => `<a href="${u}">${u}</a>`);
  return `<pre style="font:inherit">${linked}</pre>`;
}
