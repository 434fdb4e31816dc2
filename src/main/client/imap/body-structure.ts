// Pure helpers over imapflow's parsed BODYSTRUCTURE: which part gives the list snippet, whether
// a message has attachments, and decoding a (possibly truncated) part into text.
import type { MessageStructureObject } from 'imapflow';

export interface SnippetPart {
  part: string;
  type: 'text/plain' | 'text/html';
  encoding: string;
  charset: string;
}

function isAttachmentNode(n: MessageStructureObject): boolean {
  if (n.disposition?.toLowerCase() === 'attachment') return true;
  const filename = n.dispositionParameters?.filename ?? n.parameters?.name;
  return Boolean(filename) && !n.type.startsWith('multipart/') && n.disposition?.toLowerCase() !== 'inline';
}

export function hasAttachments(root: MessageStructureObject | undefined): boolean {
  if (!root) return false;
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.childNodes?.length) stack.push(...n.childNodes);
    else if (isAttachmentNode(n)) return true;
  }
  return false;
}

/** The first text/plain body part (else the first text/html), depth first, skipping attachments. */
export function findSnippetPart(root: MessageStructureObject | undefined): SnippetPart | null {
  if (!root) return null;
  let html: SnippetPart | null = null;
  const visit = (n: MessageStructureObject): SnippetPart | null => {
    if (n.childNodes?.length) {
      for (const c of n.childNodes) {
        const found = visit(c);
        if (found) return found;
      }
      return null;
    }
    if (isAttachmentNode(n)) return null;
    const type = n.type.toLowerCase();
    // A single-part message has no part number in imapflow's structure; its text is part "1".
    const part = n.part ?? '1';
    const info = { part, encoding: (n.encoding ?? '7bit').toLowerCase(), charset: n.parameters?.charset ?? 'utf-8' };
    if (type === 'text/plain') return { ...info, type };
    if (type === 'text/html' && !html) html = { ...info, type };
    return null;
  };
  return visit(root) ?? html;
}

function decodeQuotedPrintable(raw: string): Buffer {
  const bytes: number[] = [];
  const s = raw.replace(/=\r?\n/g, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

const decoders = new Map<string, InstanceType<typeof TextDecoder>>();

function decodeCharset(buf: Buffer, charset: string): string {
  const label = charset.toLowerCase();
  // Node's native UTF-8 decoder (invalid bytes become U+FFFD, like TextDecoder's).
  if (label === 'us-ascii' || label === 'utf-8' || label === 'utf8') return buf.toString('utf8');
  try {
    let d = decoders.get(label);
    if (!d) {
      d = new TextDecoder(label, { fatal: false });
      if (decoders.size < 64) decoders.set(label, d);
    }
    return d.decode(buf);
  } catch {
    // Unknown label: latin1 keeps every byte visible rather than dropping the snippet.
    return buf.toString('latin1');
  }
}

/** Decodes a part's content (which may be cut off anywhere) to text. */
export function decodePart(content: Buffer, encoding: string, charset: string): string {
  let bytes: Buffer;
  if (encoding === 'base64') {
    const clean = content.toString('latin1').replace(/[^A-Za-z0-9+/]/g, '');
    bytes = Buffer.from(clean.slice(0, clean.length - (clean.length % 4)), 'base64');
  } else if (encoding === 'quoted-printable') {
    bytes = decodeQuotedPrintable(content.toString('latin1'));
  } else bytes = content;
  return decodeCharset(bytes, charset).replace(/\uFFFD+$/, '');
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** One line of readable text for the message list. */
export function makeSnippet(text: string, type: 'text/plain' | 'text/html', maxChars: number): string {
  let t = text;
  if (type === 'text/html') {
    t = t
      .replace(/<(style|script|head|title)[\s\S]*?(<\/\1>|$)/gi, ' ')
      .replace(/<[^>]*>?/g, ' ')
      .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
        if (e[0] === '#') {
          const cp = e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
          return Number.isFinite(cp) && cp > 0 && cp < 0x110000 ? String.fromCodePoint(cp) : ' ';
        }
        return ENTITY[e.toLowerCase()] ?? m;
      });
  } else {
    // Drop quoted replies so the snippet shows what is new; stop once there is enough text.
    const kept: string[] = [];
    let length = 0;
    for (const line of t.split('\n')) {
      if (line.startsWith('>')) continue;
      kept.push(line);
      length += line.length;
      if (length > maxChars * 2) break;
    }
    t = kept.join(' ');
  }
  return t.replace(/\s+/g, ' ').trim().slice(0, maxChars);
}
