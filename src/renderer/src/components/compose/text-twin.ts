// The plain-text twin of what the editor holds, built from its document tree (tiptap's JSON), the
// way mail programs write it: paragraphs apart by a blank line, links as "text <url>", list items
// as "- " (ordered: "1. "), nested lists indented, quotes as "> ", images by their alt text.
import type { JSONContent } from '@tiptap/react';

/** Plain text of a tiptap document. */
export function docToText(doc: JSONContent): string {
  return blocks(doc.content ?? [])
    .join('\n\n')
    .split('\n')
    .map((l) => (l === '-- ' ? l : l.replace(/[ \t]+$/, ''))) // the signature separator keeps its space
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .concat('\n');
}

function blocks(nodes: JSONContent[]): string[] {
  return nodes.map(block).filter((b): b is string => b !== null);
}

function block(node: JSONContent): string | null {
  switch (node.type) {
    case 'paragraph':
    case 'heading':
      return inline(node.content ?? []);
    case 'bulletList':
      return list(node, () => '- ');
    case 'orderedList': {
      const start = typeof node.attrs?.start === 'number' ? node.attrs.start : 1;
      return list(node, (i) => `${start + i}. `);
    }
    case 'blockquote':
      return blocks(node.content ?? [])
        .join('\n\n')
        .split('\n')
        .map((l) => (l ? `> ${l}` : '>'))
        .join('\n');
    case 'codeBlock':
      return (node.content ?? []).map((t) => t.text ?? '').join('');
    case 'horizontalRule':
      return '----';
    case 'image':
      return imageText(node);
    default:
      return node.content ? blocks(node.content).join('\n\n') : (node.text ?? null);
  }
}

function list(node: JSONContent, marker: (i: number) => string): string {
  return (node.content ?? [])
    .map((item, i) => {
      const m = marker(i);
      const body = blocks(item.content ?? []).join('\n');
      // Continuation lines (and nested lists) line up under the item's text.
      return body
        .split('\n')
        .map((l, j) => (j === 0 ? m + l : l ? ' '.repeat(m.length) + l : l))
        .join('\n');
    })
    .join('\n');
}

function imageText(node: JSONContent): string {
  const alt = typeof node.attrs?.alt === 'string' && node.attrs.alt.trim() ? node.attrs.alt.trim() : 'image';
  return `[${alt}]`;
}

function inline(nodes: JSONContent[]): string {
  let out = '';
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.type === 'hardBreak') out += '\n';
    else if (n.type === 'image') out += imageText(n);
    else if (n.type === 'text') {
      const href = linkOf(n);
      if (!href) {
        out += n.text ?? '';
        continue;
      }
      // A link's text may be split by other marks (part of it bold): gather the whole run.
      let text = n.text ?? '';
      while (i + 1 < nodes.length && nodes[i + 1]!.type === 'text' && linkOf(nodes[i + 1]!) === href) text += nodes[++i]!.text ?? '';
      const bare = href.replace(/^mailto:/i, '');
      out += text === href || text === bare ? text : `${text} <${href}>`;
    }
  }
  return out;
}

function linkOf(n: JSONContent): string | null {
  const mark = n.marks?.find((m) => m.type === 'link');
  const href = mark?.attrs?.href;
  return typeof href === 'string' && href ? href : null;
}

/**
 * Plain text (a reply's quote, a mailto: body, an older draft) as editor HTML: lines next to each
 * other stay one paragraph with line breaks, a blank line starts a new paragraph, and "> " lines
 * become quotes, so docToText gives the same text back.
 */
export function textToEditorHtml(text: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const out: string[] = [];
  let para: string[] = [];
  let quote: string[] = [];
  const flushPara = () => {
    if (para.length) out.push(`<p>${para.map(esc).join('<br>')}</p>`);
    para = [];
  };
  const flushQuote = () => {
    if (quote.length) out.push(`<blockquote>${textToEditorHtml(quote.join('\n'))}</blockquote>`);
    quote = [];
  };
  for (const line of lines) {
    const q = /^>\s?(.*)$/.exec(line);
    if (q) {
      flushPara();
      quote.push(q[1]!);
    } else {
      flushQuote();
      if (line.trim() === '') {
        if (para.length) flushPara();
        else if (out.length === 0 || out[out.length - 1] !== '<p></p>') out.push('<p></p>');
      } else para.push(line);
    }
  }
  flushPara();
  flushQuote();
  return out.join('');
}
