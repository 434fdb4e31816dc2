// The MIME structure of a stored message as byte offsets (RFC 2045, RFC 2046): the household IMAP
// server's ENVELOPE, BODYSTRUCTURE and BODY[section] (server/imap/protocol/) and the list entry of
// a whole message (mail/message-summary.ts) read it. Pure: parses a Buffer once; the result holds
// offsets and header values only, so a section can be streamed from the store by byte range.

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

/** Splits "main; key=value; ..." into the main value and its parameters (quoted values unquoted). */
export function splitParams(value: string): [string, Array<[string, string]>] {
  // Without a quote, a ';' always separates (a backslash only escapes inside quotes): most values.
  const pieces = value.includes('"') ? splitQuoted(value) : value.split(';');
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

/** "a; b=\"x;y\"" split at the semicolons outside quotes (escapes kept). */
function splitQuoted(value: string): string[] {
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
  return pieces;
}

/** The part's Content-Transfer-Encoding, lower-cased; 7bit when absent (RFC 2045 6.1). */
export function transferEncoding(part: MimePart): string {
  return (headerValue(part.headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
}
