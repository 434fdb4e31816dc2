// The MIME structure of a stored message as byte offsets, for ENVELOPE, BODYSTRUCTURE and
// BODY[section] (RFC 3501 6.4.5 / 7.4.2). Pure: parses a Buffer once; the result holds offsets
// and header values only, so a section can be streamed from the store by byte range.
import addressparser from 'nodemailer/lib/addressparser';
import type { ImapValue } from './response.ts';

export interface ContentType {
  /** Lower-cased, for decisions. */
  type: string;
  subtype: string;
  /** As written in the message, for BODYSTRUCTURE (Dovecot keeps the case too). */
  rawType: string;
  rawSubtype: string;
  /** [name as written, value]; look names up case-insensitively. */
  params: Array<[string, string]>;
}

export function param(ct: ContentType, name: string): string | undefined {
  return ct.params.find(([k]) => k.toLowerCase() === name)?.[1];
}

export interface MimePart {
  /** Offsets into the whole message. header: [headerStart, bodyStart); body: [bodyStart, end). */
  headerStart: number;
  bodyStart: number;
  end: number;
  /** Header fields in order: lower-cased name, unfolded value as a binary (latin1) string of the raw bytes. */
  headers: Array<[string, string]>;
  contentType: ContentType;
  /** Lines of the body. */
  lines: number;
  children: MimePart[];
  /** For message/rfc822 parts: the encapsulated message. */
  message: MimePart | null;
}

const MAX_DEPTH = 40;
const MAX_PARTS = 2000;

export function parseMessageStructure(buf: Buffer): MimePart {
  const counter = { parts: 0 };
  return parsePart(buf, 0, buf.length, null, 0, counter);
}

function defaultType(parent: ContentType | null): ContentType {
  if (parent && parent.type === 'multipart' && parent.subtype === 'digest')
    return { type: 'message', subtype: 'rfc822', rawType: 'message', rawSubtype: 'rfc822', params: [] };
  return { type: 'text', subtype: 'plain', rawType: 'text', rawSubtype: 'plain', params: [['charset', 'us-ascii']] };
}

function parsePart(buf: Buffer, start: number, end: number, parent: ContentType | null, depth: number, counter: { parts: number }): MimePart {
  counter.parts++;
  const bodyStart = findBodyStart(buf, start, end);
  const headers = parseHeaderBlock(buf.toString('latin1', start, bodyStart));
  const ctRaw = headerValue(headers, 'content-type');
  let contentType = ctRaw ? parseContentType(ctRaw) : null;
  if (!contentType) contentType = defaultType(parent);
  const part: MimePart = { headerStart: start, bodyStart, end, headers, contentType, lines: 0, children: [], message: null };
  // BODYSTRUCTURE gives line counts of text and message parts only; counting an attachment's is waste.
  const withLines = () => {
    if (part.contentType.type === 'text' || part.contentType.type === 'message') part.lines = countLines(buf, bodyStart, end);
    return part;
  };
  if (depth >= MAX_DEPTH || counter.parts >= MAX_PARTS) return withLines();
  if (contentType.type === 'multipart') {
    const boundary = param(contentType, 'boundary');
    if (boundary) {
      for (const [s, e] of splitMultipart(buf, bodyStart, end, boundary)) {
        if (counter.parts >= MAX_PARTS) break;
        part.children.push(parsePart(buf, s, e, contentType, depth + 1, counter));
      }
    }
    if (!part.children.length) {
      // A multipart without parts is not representable in BODYSTRUCTURE; treat it as text.
      part.contentType = defaultType(null);
    }
  } else if (contentType.type === 'message' && (contentType.subtype === 'rfc822' || contentType.subtype === 'global')) {
    const enc = (headerValue(headers, 'content-transfer-encoding') ?? '').trim().toLowerCase();
    if (enc !== 'base64' && enc !== 'quoted-printable') part.message = parsePart(buf, bodyStart, end, null, depth + 1, counter);
  }
  return withLines();
}

/**
 * Only the top-level header, from the first bytes of a message of `size` bytes; null when the
 * header does not end within `head`. Children are not parsed (ENVELOPE and header sections only).
 */
export function parseHeaderOnly(head: Buffer, size: number, truncated = false): MimePart | null {
  // truncated: the header is known to be longer than `head`; take what there is.
  const bodyStart = truncated ? head.length : findBodyStart(head, 0, head.length);
  if (!truncated && bodyStart >= head.length && head.length < size) return null;
  const headers = parseHeaderBlock(head.toString('latin1', 0, bodyStart));
  const ctValue = headerValue(headers, 'content-type');
  let contentType = (ctValue && parseContentType(ctValue)) || defaultType(null);
  // Without its parts a multipart cannot be described; show it as one opaque part.
  if (contentType.type === 'multipart' || contentType.type === 'message')
    contentType = { type: 'application', subtype: 'octet-stream', rawType: 'application', rawSubtype: 'octet-stream', params: [] };
  return { headerStart: 0, bodyStart, end: size, headers, contentType, lines: 0, children: [], message: null };
}

/** Offset just after the blank line ending the header (or end when there is none). */
function findBodyStart(buf: Buffer, start: number, end: number): number {
  if (start < end && (buf[start] === 0x0a || (buf[start] === 0x0d && buf[start + 1] === 0x0a))) return start + (buf[start] === 0x0a ? 1 : 2);
  let i = start;
  while (i < end) {
    const lf = buf.indexOf(0x0a, i);
    if (lf < 0 || lf >= end) return end;
    const next = lf + 1;
    if (next < end && buf[next] === 0x0a) return next + 1;
    if (next + 1 < end && buf[next] === 0x0d && buf[next + 1] === 0x0a) return next + 2;
    i = next;
  }
  return end;
}

/** Line count as Dovecot reports it: the number of line ends in the body. */
function countLines(buf: Buffer, start: number, end: number): number {
  let n = 0;
  let i = start;
  for (;;) {
    const lf = buf.indexOf(0x0a, i);
    if (lf < 0 || lf >= end) break;
    n++;
    i = lf + 1;
  }
  return n;
}

/** Body ranges of each part between "--boundary" lines (the CRLF before a delimiter belongs to it). */
function splitMultipart(buf: Buffer, start: number, end: number, boundary: string): Array<[number, number]> {
  const delim = Buffer.from('--' + boundary, 'utf8');
  const parts: Array<[number, number]> = [];
  let partStart = -1;
  let i = start;
  // Jump from one occurrence of the delimiter to the next (a native search) rather than line by line.
  while (i < end) {
    const at = buf.indexOf(delim, i);
    if (at < 0 || at + delim.length > end) break;
    if (at !== start && buf[at - 1] !== 0x0a) {
      i = at + 1;
      continue;
    }
    const lineEndLf = buf.indexOf(0x0a, at + delim.length);
    const lineEnd = lineEndLf < 0 || lineEndLf >= end ? end : lineEndLf;
    const rest = buf.toString('latin1', at + delim.length, lineEnd).replace(/[\r\s]+$/, '');
    if (rest === '' || rest === '--') {
      if (partStart >= 0) {
        let pe = at;
        if (pe > partStart && buf[pe - 1] === 0x0a) pe--;
        if (pe > partStart && buf[pe - 1] === 0x0d) pe--;
        parts.push([partStart, Math.max(partStart, pe)]);
      }
      if (rest === '--') return parts;
      partStart = lineEnd + 1 > end ? end : lineEnd + 1;
      i = lineEnd + 1;
    } else i = at + 1;
  }
  if (partStart >= 0 && partStart < end) parts.push([partStart, end]);
  return parts;
}

export function parseHeaderBlock(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const lines = text.split(/\r?\n/);
  for (const line of lines) {
    if (!line) continue;
    if ((line[0] === ' ' || line[0] === '\t') && out.length) {
      out[out.length - 1]![1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return out;
}

export function headerValue(headers: ReadonlyArray<[string, string]>, name: string): string | null {
  for (const [k, v] of headers) if (k === name) return v;
  return null;
}

/** "text/plain; charset=utf-8; name*=..." -> parts; RFC 2231 continuations are joined, not decoded. */
export function parseContentType(value: string): ContentType | null {
  const [main, params] = splitParams(value);
  const m = /^([^\s/;]+)\s*\/\s*([^\s;]+)$/.exec(main.trim());
  if (!m) return null;
  return { type: m[1]!.toLowerCase(), subtype: m[2]!.toLowerCase(), rawType: m[1]!, rawSubtype: m[2]!, params };
}

function splitParams(value: string): [string, Array<[string, string]>] {
  const pieces: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '"') inQuote = !inQuote;
    if (c === '\\' && inQuote && i + 1 < value.length) {
      cur += c + value[++i];
      continue;
    }
    if (c === ';' && !inQuote) {
      pieces.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  pieces.push(cur);
  const params: Array<[string, string]> = [];
  for (const p of pieces.slice(1)) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const key = p.slice(0, eq).trim();
    let val = p.slice(eq + 1).trim();
    if (val.startsWith('"')) {
      const m = /^"((?:[^"\\]|\\.)*)"?/.exec(val);
      val = (m ? m[1]! : val.slice(1)).replace(/\\(.)/g, '$1');
    } else val = val.split(/\s/)[0]!; // a token ends at white space (what follows is junk)
    if (key) params.push([key, val]);
  }
  return [pieces[0] ?? '', params];
}

// ---- ENVELOPE / BODYSTRUCTURE ----

/** A header-derived string: the raw bytes, quoted when 7-bit, as a literal when not (like Dovecot). */
function nstring(v: string | null): string | Buffer | null {
  if (v === null || v === '') return null;
  return /[^\t\x20-\x7e]/.test(v) ? Buffer.from(v, 'latin1') : v;
}

/** A binary (latin1) header string as text, for searching. */
export function headerText(v: string): string {
  return Buffer.from(v, 'latin1').toString('utf8');
}

function addressList(value: string | null): ImapValue {
  if (!value) return null;
  let parsed: ReturnType<typeof addressparser>;
  try {
    parsed = addressparser(value);
  } catch {
    return null;
  }
  const out: ImapValue[] = [];
  const one = (name: string, address: string): ImapValue => {
    // Like Dovecot: a bare word is a mailbox, and a missing domain is spelled MISSING_DOMAIN.
    if (!address) return [null, null, nstring(name) ?? '', 'MISSING_DOMAIN'];
    const at = address.lastIndexOf('@');
    const mailbox = at < 0 ? address : address.slice(0, at);
    const host = at < 0 || at === address.length - 1 ? 'MISSING_DOMAIN' : address.slice(at + 1);
    return [nstring(name), null, nstring(mailbox) ?? '', nstring(host)];
  };
  for (const a of parsed) {
    if ('group' in a && a.group) {
      out.push([null, null, a.name || '', null]);
      for (const g of a.group) out.push(one(g.name ?? '', g.address ?? ''));
      out.push([null, null, null, null]);
    } else if ('address' in a) {
      if (!a.address && !a.name) continue;
      out.push(one(a.name, a.address ?? ''));
    }
  }
  // env-from = "(" 1*address ")": addresses follow each other without spaces.
  return out.length ? [{ concat: out }] : null;
}

export function envelope(part: MimePart): ImapValue {
  const h = part.headers;
  const from = addressList(headerValue(h, 'from'));
  const sender = addressList(headerValue(h, 'sender')) ?? from;
  const replyTo = addressList(headerValue(h, 'reply-to')) ?? from;
  return [
    nstring(headerValue(h, 'date')),
    nstring(headerValue(h, 'subject')),
    from,
    sender,
    replyTo,
    addressList(headerValue(h, 'to')),
    addressList(headerValue(h, 'cc')),
    addressList(headerValue(h, 'bcc')),
    nstring(headerValue(h, 'in-reply-to')),
    nstring(headerValue(h, 'message-id')),
  ];
}

function paramList(params: Array<[string, string]>): ImapValue {
  if (!params.length) return null;
  const out: ImapValue[] = [];
  for (const [k, v] of params) out.push(nstring(k) ?? '', nstring(v) ?? '');
  return out;
}

function disposition(h: ReadonlyArray<[string, string]>): ImapValue {
  const v = headerValue(h, 'content-disposition');
  if (!v) return null;
  const [main, params] = splitParams(v);
  const kind = main.trim();
  if (!kind) return null;
  return [nstring(kind), paramList(params)];
}

function language(h: ReadonlyArray<[string, string]>): ImapValue {
  const v = headerValue(h, 'content-language');
  if (!v) return null;
  const langs = v.split(/[\s,]+/).filter(Boolean);
  return langs.length ? langs : null;
}

/** BODYSTRUCTURE (extensible) or BODY (without extension data). */
export function bodyStructure(part: MimePart, extensible: boolean): ImapValue {
  const h = part.headers;
  const ct = part.contentType;
  if (ct.type === 'multipart' && part.children.length) {
    // body-type-mpart = 1*body SP media-subtype: the parts are not separated by spaces.
    const out: ImapValue[] = [{ concat: part.children.map((c) => bodyStructure(c, extensible)) }];
    out.push(nstring(ct.rawSubtype) ?? '');
    if (extensible) out.push(paramList(ct.params), disposition(h), language(h), nstring(headerValue(h, 'content-location')));
    return out;
  }
  const encoding = (headerValue(h, 'content-transfer-encoding') ?? '7bit').trim() || '7bit';
  // Like Dovecot: text parts without a charset are us-ascii (RFC 2045 5.2).
  const params = ct.type === 'text' && param(ct, 'charset') === undefined ? [['charset', 'us-ascii'] as [string, string], ...ct.params] : ct.params;
  const out: ImapValue[] = [
    nstring(ct.rawType) ?? '',
    nstring(ct.rawSubtype) ?? '',
    paramList(params),
    nstring(headerValue(h, 'content-id')),
    nstring(headerValue(h, 'content-description')),
    encoding,
    part.end - part.bodyStart,
  ];
  if (part.message) out.push(envelope(part.message), bodyStructure(part.message, extensible), part.lines);
  else if (ct.type === 'text') out.push(part.lines);
  if (extensible) out.push(nstring(headerValue(h, 'content-md5')), disposition(h), language(h), nstring(headerValue(h, 'content-location')));
  return out;
}

// ---- sections ----

export interface SectionRange {
  start: number;
  end: number;
  /** For HEADER.FIELDS: given the bytes [start, end), builds the selected header lines. */
  build?: (header: Buffer) => Buffer;
  /** The part addressed (for BINARY decoding). */
  part: MimePart | null;
}

/** Find a part by its numeric path ("1.2" -> [1,2]). Null when it does not exist. */
export function findPart(root: MimePart, path: readonly number[]): MimePart | null {
  let cur: MimePart = root;
  for (let step = 0; step < path.length; step++) {
    const n = path[step]!;
    // A message/rfc822 part's numbering continues into the message it carries.
    const container: MimePart = cur.message ?? cur;
    if (container.contentType.type === 'multipart' && container.children.length) {
      const next = container.children[n - 1];
      if (!next) return null;
      cur = next;
    } else {
      // A non-multipart part's only sub-part is itself ("1"), as Dovecot answers; but a
      // non-multipart message has just "1", no "1.1".
      if (n !== 1 || (step > 0 && container === root)) return null;
      cur = container;
    }
  }
  return cur;
}

export type SectionSpecifier = { kind: 'all' } | { kind: 'header' } | { kind: 'text' } | { kind: 'mime' } | { kind: 'fields'; fields: string[]; not: boolean };

/**
 * Byte range of a section. path [] + header/text refer to the top message; path + header/text
 * refer to the message/rfc822 part at path; path + all is the part's body; mime its MIME header.
 */
export function sectionRange(root: MimePart, path: readonly number[], spec: SectionSpecifier): SectionRange | null {
  let part: MimePart | null = root;
  if (path.length) part = findPart(root, path);
  if (!part) return null;
  if (spec.kind === 'mime') {
    if (!path.length) return null;
    return { start: part.headerStart, end: part.bodyStart, part };
  }
  if (spec.kind === 'all') {
    if (!path.length) return { start: 0, end: root.end, part: root };
    return { start: part.bodyStart, end: part.end, part };
  }
  // HEADER, TEXT, HEADER.FIELDS apply to a message: the top one or an encapsulated one.
  const msg: MimePart | null = path.length ? part.message : root;
  if (!msg) return null;
  if (spec.kind === 'header') return { start: msg.headerStart, end: msg.bodyStart, part: msg };
  if (spec.kind === 'text') return { start: msg.bodyStart, end: msg.end, part: msg };
  const wanted = new Set(spec.fields.map((f) => f.toLowerCase()));
  return {
    start: msg.headerStart,
    end: msg.bodyStart,
    part: msg,
    build: (header) => selectHeaderFields(header, wanted, spec.not),
  };
}

/** The raw header lines (with folding) whose names are (or are not) in `wanted`, plus the blank line. */
export function selectHeaderFields(header: Buffer, wanted: ReadonlySet<string>, not: boolean): Buffer {
  const text = header.toString('latin1');
  const lines = text.split(/(?<=\n)/);
  let out = '';
  let keep = false;
  for (const line of lines) {
    if (line === '\r\n' || line === '\n') break;
    if (line[0] === ' ' || line[0] === '\t') {
      if (keep) out += line;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    keep = colon > 0 && wanted.has(name) !== not;
    if (keep) out += line.endsWith('\n') ? line : line + '\r\n';
  }
  out += '\r\n';
  return Buffer.from(out, 'latin1');
}

// ---- decoding (BINARY, SEARCH) ----

export function transferEncoding(part: MimePart): string {
  return (headerValue(part.headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
}

/** Decode a body by its Content-Transfer-Encoding. Null when the encoding is unknown. */
export function decodeTransfer(body: Buffer, encoding: string): Buffer | null {
  switch (encoding) {
    case '':
    case '7bit':
    case '8bit':
    case 'binary':
      return body;
    case 'base64':
      return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return null;
  }
}

export function decodeQuotedPrintable(body: Buffer): Buffer {
  const s = body
    .toString('latin1')
    .replace(/[ \t]+(\r?\n)/g, '$1')
    .replace(/=\r?\n/g, '');
  const out = Buffer.alloc(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out[n++] = parseInt(s.slice(i + 1, i + 3), 16);
      i += 2;
    } else out[n++] = s.charCodeAt(i) & 0xff;
  }
  return out.subarray(0, n);
}

export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  const cs = (charset ?? 'utf-8').trim().toLowerCase() || 'utf-8';
  try {
    return new TextDecoder(cs === 'us-ascii' ? 'utf-8' : cs).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** A run of encoded words with only white space between them (decoded together, RFC 2047 6.2). */
const ENCODED_WORD_RUN = /=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=(?:\s+=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)*/g;

/**
 * A raw header value (its bytes as a latin1 string) as text: bytes outside encoded words are
 * UTF-8 (RFC 6532); inside one they are read in the word's own charset (a raw 8-bit byte inside a
 * Q word happens, and is meant in that charset, so it must not be taken as UTF-8 first).
 */
export function decodeHeaderBytes(value: string): string {
  let out = '';
  let last = 0;
  for (const m of value.matchAll(ENCODED_WORD_RUN)) {
    out += headerText(value.slice(last, m.index)) + decodeEncodedWords(m[0]);
    last = m.index + m[0].length;
  }
  return out + headerText(value.slice(last));
}

/** Decode RFC 2047 encoded words in a header value. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g, '$1')
    .replace(/=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g, (_m, charset: string, enc: string, text: string) => {
      const cs = charset.split('*')[0];
      const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(Buffer.from(text.replace(/_/g, ' '), 'latin1'));
      return decodeCharset(bytes, cs);
    });
}
