// Quoted text collapsed in the message body: runs of "> " lines in plain text, and the outermost
// <blockquote>s of (already sanitised) HTML, each become a <details> the reader opens with a
// click (no script: the body frame runs none).

const SUMMARY = '<summary title="Show quoted text">•••</summary>';

/** Plain text as HTML (escaped, links made), with each run of quoted lines collapsed. */
export function quotedTextToHtml(text: string): string {
  const esc = text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const linked = esc.replace(/\bhttps?:\/\/[^\s<>"]+/g, (u) => `<a href="${u}">${u}</a>`);
  const out: string[] = [];
  let plain: string[] = [];
  let quoted: string[] = [];
  const flush = () => {
    if (plain.length) out.push(`<pre style="font:inherit">${plain.join('\n')}</pre>`);
    if (quoted.length) out.push(`<details class="quoted">${SUMMARY}<pre style="font:inherit">${quoted.join('\n')}</pre></details>`);
    plain = [];
    quoted = [];
  };
  for (const line of linked.split(/\r?\n/)) {
    if (line.startsWith('&gt;')) {
      if (plain.length) {
        out.push(`<pre style="font:inherit">${plain.join('\n')}</pre>`);
        plain = [];
      }
      quoted.push(line);
    } else {
      if (quoted.length) flush();
      plain.push(line);
    }
  }
  flush();
  return out.join('');
}

/** Sanitised HTML with its outermost blockquotes collapsed. */
export function collapseQuotedHtml(html: string): string {
  if (!/<blockquote/i.test(html)) return html;
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  for (const q of [...doc.body.querySelectorAll('blockquote')]) {
    if (q.parentElement?.closest('blockquote')) continue;
    const details = doc.createElement('details');
    details.className = 'quoted';
    details.innerHTML = SUMMARY;
    q.replaceWith(details);
    details.append(q);
  }
  return doc.body.innerHTML;
}

/** Styles for the collapsed quotes, for the body frame's document. */
export const QUOTE_CSS =
  'details.quoted>summary{display:inline-block;cursor:pointer;color:#888;border:1px solid #8884;border-radius:4px;padding:0 6px;line-height:1.2;list-style:none;margin:4px 0}details.quoted>summary::-webkit-details-marker{display:none}';
