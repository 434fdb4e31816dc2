// The list entry of a message that arrives whole (POP3, local folders): sender, recipients,
// subject, date, snippet, attachments and threading headers, from the raw bytes alone. Pure and
// cheap: the MIME structure as byte offsets (mail/mime-tree.ts), and only the
// first few KB of the first text part decoded. mailparser decodes every part and turns HTML into
// text, which cost more than downloading and fsyncing the message; the reader still uses it.
import addressparser from 'nodemailer/lib/addressparser';
import type { Address } from '../../shared/api.ts';
import { parseMessageIds } from '../../shared/threads.ts';
import { syncLimits } from '../base/limits.ts';
import { decodeHeaderBytes, decodePart, headerText } from './decode.ts';
import { headerValue, param, parseContentType, parseHeaderBlock, parseMessageStructure, transferEncoding, type MimePart } from './mime-tree.ts';
import { makeSnippet } from './snippet.ts';

export interface RawMessageSummary {
  messageId: string | null;
  subject: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  /** Date header as ms since the epoch; null when missing or unreadable. */
  date: number | null;
  snippet: string;
  hasAttachments: boolean;
  /** References then In-Reply-To, de-duplicated. */
  parentIds: string[];
}

/** Bytes of the snippet part that are decoded: enough for a line of text after quoted lines. */
const SNIPPET_SOURCE_BYTES = 16 * 1024;

/** The charset raw 8-bit header bytes that are not UTF-8 are read in: the message's own, as mail programs do. */
export function headerCharset(root: MimePart): string {
  const first = (p: MimePart): string | undefined => param(p.contentType, 'charset') ?? p.children.map(first).find((c) => c !== undefined);
  return first(root) ?? DISPLAY_FALLBACK;
}

/** Non-UTF-8 header bytes of a message that names no charset: windows-1252, as mail programs assume. */
const DISPLAY_FALLBACK = 'windows-1252';

function headerString(part: MimePart, name: string, charset: string): string | null {
  const v = headerValue(part.headers, name);
  return v === null ? null : decodeHeaderBytes(v, charset);
}

/** A header's addresses, decoded; `v` is the raw value (latin1 string of its bytes). */
export function decodeAddressHeader(v: string | null, charset: string): Address[] {
  if (!v) return [];
  let parsed: ReturnType<typeof addressparser>;
  try {
    // Split before decoding: an encoded word may hide a comma.
    parsed = addressparser(v);
  } catch {
    return [];
  }
  const out: Address[] = [];
  const add = (n: string | undefined, a: string | undefined) => {
    const display = decodeHeaderBytes(n ?? '', charset).trim();
    const address = headerText(a ?? '', charset);
    if (display || address) out.push({ name: display, address });
  };
  for (const a of parsed) {
    if ('group' in a && a.group) for (const g of a.group) add(g.name, g.address);
    else if ('address' in a) add(a.name, a.address);
  }
  return out;
}

function disposition(part: MimePart): string {
  return (headerValue(part.headers, 'content-disposition') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** What a reader shows as an attachment: asked for, named, or not text and not an inline (cid:) image. */
function isAttachment(part: MimePart): boolean {
  const disp = disposition(part);
  if (disp === 'attachment') return true;
  if (disp === 'inline' || part.contentType.type === 'multipart') return false;
  const cd = headerValue(part.headers, 'content-disposition') ?? '';
  const named = /(^|;)\s*filename\*?[0-9*]*=/i.test(cd) || param(part.contentType, 'name') !== undefined;
  if (named) return true;
  return part.contentType.type !== 'text' && headerValue(part.headers, 'content-id') === null;
}

function leaves(root: MimePart): MimePart[] {
  const out: MimePart[] = [];
  const visit = (p: MimePart) => {
    if (p.children.length) p.children.forEach(visit);
    else out.push(p);
  };
  visit(root);
  return out;
}

function parseDate(value: string | null): number | null {
  if (!value) return null;
  // Date.parse reads RFC 5322 dates; a trailing comment such as "(UTC)" can confuse it.
  const t = Date.parse(value.replace(/\([^)]*\)\s*$/, '').trim());
  return Number.isNaN(t) ? null : t;
}

export function summariseRawMessage(raw: Buffer): RawMessageSummary {
  const root = parseMessageStructure(raw);
  const parts = leaves(root);
  const plain: MimePart[] = [];
  const html: MimePart[] = [];
  let hasAttachments = false;
  for (const p of parts) {
    if (isAttachment(p)) {
      hasAttachments = true;
      continue;
    }
    const ct = p.contentType;
    if (ct.type === 'text' && ct.subtype === 'plain') plain.push(p);
    else if (ct.type === 'text' && ct.subtype === 'html') html.push(p);
  }
  // The first text part that says something (an empty one comes from broken structure), else HTML.
  let snippet = '';
  for (const [list, type] of [
    [plain, 'text/plain'],
    [html, 'text/html'],
  ] as const) {
    for (const p of list.slice(0, 8)) {
      const end = Math.min(p.end, p.bodyStart + SNIPPET_SOURCE_BYTES);
      const text = decodePart(raw.subarray(p.bodyStart, end), transferEncoding(p), param(p.contentType, 'charset') ?? 'utf-8');
      snippet = makeSnippet(text.slice(0, 4096), type, syncLimits.snippetChars);
      if (snippet) break;
    }
    if (snippet) break;
  }
  const refs = parseMessageIds(headerValue(root.headers, 'references'));
  for (const id of parseMessageIds(headerValue(root.headers, 'in-reply-to'))) if (!refs.includes(id)) refs.push(id);
  const messageId = parseMessageIds(headerValue(root.headers, 'message-id'))[0] ?? null;
  const charset = headerCharset(root);
  return {
    messageId,
    subject: (headerString(root, 'subject', charset) ?? '').replace(/\s+/g, ' ').trim(),
    from: decodeAddressHeader(headerValue(root.headers, 'from'), charset),
    to: decodeAddressHeader(headerValue(root.headers, 'to'), charset),
    cc: decodeAddressHeader(headerValue(root.headers, 'cc'), charset),
    date: parseDate(headerValue(root.headers, 'date')),
    snippet,
    hasAttachments,
    parentIds: refs,
  };
}

export interface HeaderFields {
  /** Null when the field is not among the header bytes given. */
  subject: string | null;
  from: Address[] | null;
  to: Address[] | null;
  cc: Address[] | null;
  references: string | null;
}

/**
 * Subject and addresses from raw header bytes (an IMAP BODY[HEADER.FIELDS (...)] answer, or its
 * parseHeaderBlock of the bytes as latin1), decoded
 * with the shared decoder: a raw 8-bit byte inside an encoded word is read once in the word's
 * charset, a raw 8-bit header as UTF-8 or the message's charset (its Content-Type, else
 * `bodyCharset`, the first text part's). IMAP ENVELOPE strings have already lost those bytes.
 */
export function decodeHeaderFields(raw: Buffer | ReadonlyArray<[string, string]>, bodyCharset?: string): HeaderFields {
  // Already parsed (parseHeaderBlock of its latin1 string) by a caller that reads other fields too.
  const headers = Buffer.isBuffer(raw) ? parseHeaderBlock(raw.toString('latin1')) : raw;
  const ctValue = headerValue(headers, 'content-type');
  const ct = ctValue ? parseContentType(ctValue) : null;
  const charset = (ct ? param(ct, 'charset') : undefined) ?? bodyCharset ?? DISPLAY_FALLBACK;
  const addressField = (name: string) => {
    const v = headerValue(headers, name);
    return v === null ? null : decodeAddressHeader(v, charset);
  };
  const subject = headerValue(headers, 'subject');
  return {
    subject: subject === null ? null : decodeHeaderBytes(subject, charset).replace(/\s+/g, ' ').trim(),
    from: addressField('from'),
    to: addressField('to'),
    cc: addressField('cc'),
    references: headerValue(headers, 'references'),
  };
}
