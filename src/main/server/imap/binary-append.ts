// Appended messages are stored so that no literal ever carries a NUL (RFC 3501 9: a literal is
// CHAR8, %x01-ff). Each leaf body part that holds a NUL is re-encoded as base64, and so, in a
// message sent as a literal8 (RFC 3516 4.4, "~{n}"), is each one that declares
// "Content-Transfer-Encoding: binary": that is how Dovecot converts binary content on APPEND (the
// CTE header rewritten in place, lines of 76 characters), and like Dovecot a plain literal's
// "binary" part without a NUL is kept as it came. RFC 3516 4.4 allows changing the CTE so long as
// no data is lost: BINARY[part] still returns the decoded bytes, and BODY[...] never sends a NUL.
// A NUL where no CTE can carry it (a header, a multipart's preamble) cannot be stored that way:
// the APPEND is refused.
import { decodeTransfer } from '../../mail/decode.ts';
import { parseMessageStructure, transferEncoding } from '../../mail/mime-tree.ts';
import type { MimePart } from '../../mail/mime-tree.ts';

/** Base64 lines as Dovecot writes them (76 characters, CRLF between, none after the last). */
const BASE64_LINE = 76;

/** The message holds a NUL that no Content-Transfer-Encoding can take away (a header, say). */
export class BinaryNotStorable extends Error {
  override name = 'BinaryNotStorable';
}

interface Edit {
  start: number;
  end: number;
  bytes: Buffer;
}

/**
 * The message as it is to be stored: the same bytes when nothing is binary, otherwise with every
 * binary leaf part re-encoded as base64 (`literal8`: it came as one, so "binary" parts are converted
 * even without a NUL). Throws BinaryNotStorable when a NUL would remain.
 */
export function reencodeBinaryParts(raw: Buffer, literal8: boolean): Buffer {
  const hasNul = raw.includes(0);
  // Most messages: no NUL, and no "binary" anywhere (either case of the word): nothing to parse.
  if (!hasNul && (!literal8 || (!raw.includes('inary') && !raw.includes('INARY')))) return raw;
  const edits: Edit[] = [];
  collectEdits(raw, parseMessageStructure(raw), literal8, edits);
  const out = edits.length ? applyEdits(raw, edits) : raw;
  if (hasNul && out.includes(0)) throw new BinaryNotStorable('The message has NUL octets outside a body part that base64 could carry');
  return out;
}

function collectEdits(raw: Buffer, part: MimePart, literal8: boolean, edits: Edit[]): void {
  if (part.children.length) {
    for (const child of part.children) collectEdits(raw, child, literal8, edits);
    return;
  }
  // message/rfc822 bodies stay 7bit/8bit/binary (RFC 2046 5.2.1): convert inside them instead.
  if (part.message) {
    collectEdits(raw, part.message, literal8, edits);
    return;
  }
  const body = raw.subarray(part.bodyStart, part.end);
  const encoding = transferEncoding(part);
  if (!body.length || !((literal8 && encoding === 'binary') || body.includes(0))) return;
  // Quoted-printable or base64 with a stray NUL are decoded first, so no data changes meaning.
  const decoded = decodeTransfer(body, encoding);
  if (!decoded) return; // an unknown encoding: left as it is (a NUL in it refuses the message)
  const eol = lineEnd(raw, part);
  edits.push(cteEdit(raw, part, eol));
  edits.push({ start: part.bodyStart, end: part.end, bytes: base64Lines(decoded) });
}

/** The part's header line ending (CRLF unless the header uses bare LF). */
function lineEnd(raw: Buffer, part: MimePart): string {
  const lf = raw.indexOf(0x0a, part.headerStart);
  return lf > part.headerStart && lf < part.bodyStart && raw[lf - 1] !== 0x0d ? '\n' : '\r\n';
}

/** Replaces the part's Content-Transfer-Encoding field, or adds one at the end of its header. */
function cteEdit(raw: Buffer, part: MimePart, eol: string): Edit {
  const line = Buffer.from(`Content-Transfer-Encoding: base64${eol}`, 'latin1');
  const field = headerField(raw, part, 'content-transfer-encoding');
  if (field) return { start: field.start, end: field.end, bytes: line };
  // Before the blank line that ends the header.
  let at = part.bodyStart;
  if (at > part.headerStart && raw[at - 1] === 0x0a) at--;
  if (at > part.headerStart && raw[at - 1] === 0x0d) at--;
  return { start: at, end: at, bytes: line };
}

/** Where a header field (with its continuation lines and line end) lies in the part's header. */
function headerField(raw: Buffer, part: MimePart, name: string): { start: number; end: number } | null {
  let pos = part.headerStart;
  let found: { start: number; end: number } | null = null;
  while (pos < part.bodyStart) {
    const lf = raw.indexOf(0x0a, pos);
    const next = lf < 0 || lf >= part.bodyStart ? part.bodyStart : lf + 1;
    const first = raw[pos];
    if (found && (first === 0x20 || first === 0x09)) found.end = next;
    else if (found) return found;
    else {
      const colon = raw.indexOf(0x3a, pos);
      if (colon > pos && colon < next && raw.toString('latin1', pos, colon).trim().toLowerCase() === name) found = { start: pos, end: next };
    }
    pos = next;
  }
  return found;
}

function base64Lines(bytes: Buffer): Buffer {
  const text = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += BASE64_LINE) lines.push(text.slice(i, i + BASE64_LINE));
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

function applyEdits(raw: Buffer, edits: Edit[]): Buffer {
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  const pieces: Buffer[] = [];
  let pos = 0;
  for (const e of edits) {
    pieces.push(raw.subarray(pos, e.start), e.bytes);
    pos = e.end;
  }
  pieces.push(raw.subarray(pos));
  return Buffer.concat(pieces);
}
