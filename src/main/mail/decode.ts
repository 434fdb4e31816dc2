// Decoding what a message says into text: bodies by their Content-Transfer-Encoding (RFC 2045 6.7,
// 6.8), bytes by their charset, and header values with RFC 2047 encoded words. One copy for the
// household IMAP server (BINARY and SEARCH read whole bodies) and the client (a list snippet reads
// the first bytes of a part, cut off anywhere).

/**
 * Decode a body by its Content-Transfer-Encoding (lower-cased). Null when the encoding is unknown.
 * `cutOff`: the bytes are only the start of the body (see decodeBase64).
 */
export function decodeTransfer(body: Buffer, encoding: string, cutOff = false): Buffer | null {
  switch (encoding) {
    case '':
    case '7bit':
    case '8bit':
    case 'binary':
      return body;
    case 'base64':
      return decodeBase64(body, cutOff);
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return null;
  }
}

/**
 * Base64 (RFC 2045 6.8); characters outside the alphabet (line breaks) are skipped. A whole body
 * is decoded to its end. A cut-off one (the first bytes of a body, for a snippet) is decoded in
 * whole 4-character groups, a final padded group included ("SGk=" is "Hi"); only a trailing group
 * of fewer than 4 characters, where the cut fell, is dropped.
 */
export function decodeBase64(body: Buffer, cutOff = false): Buffer {
  const clean = body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, '');
  if (!cutOff) return Buffer.from(clean, 'base64');
  return Buffer.from(clean.slice(0, clean.length - (clean.length % 4)), 'base64');
}

/**
 * Quoted-printable (RFC 2045 6.7): white space at the end of a line is transport padding and
 * dropped (rule 3), "=" at the end of a line is a soft line break (rule 5), "=XX" is a byte; an
 * "=" not followed by two hex digits is kept as it is.
 */
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

/** Labels of UTF-7 (RFC 2152), which TextDecoder does not know; old Outlook and Exchange sent it. */
const UTF7_LABEL = /^(?:(?:cs)?unicode-?1-?1-?|x-unicode-?2-?0-?)?utf-?7$/;

/**
 * UTF-7 (RFC 2152): "+" starts a run of modified base64 holding UTF-16BE, ended by "-" (consumed)
 * or any character outside the base64 alphabet; "+-" is a plus sign. Mailparser refuses UTF-7
 * (it would turn "+ADw-" into "<" behind a filter's back); Hearth decodes it because the reader
 * sanitises the decoded HTML, not the bytes.
 */
export function decodeUtf7(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/\+([A-Za-z0-9+/]*)(-?)/g, (whole, run: string, dash: string) => {
    if (run === '') return dash ? '+' : whole;
    const units = Buffer.from(run, 'base64');
    let out = '';
    for (let i = 0; i + 1 < units.length; i += 2) out += String.fromCharCode((units[i]! << 8) | units[i + 1]!);
    return out;
  });
}

/** Decoders by label; a message list decodes thousands of parts in a few charsets. */
const decoders = new Map<string, InstanceType<typeof TextDecoder>>();
const MAX_CACHED_DECODERS = 64;

/**
 * Bytes in a charset (a MIME label, any case; none or empty means UTF-8) as text; invalid bytes
 * become U+FFFD. An unknown label decodes as `unknownAs`: UTF-8 where the text is searched (the
 * server: ASCII words are still found), latin1 where it is shown (a snippet: every byte visible).
 */
export function decodeCharset(bytes: Buffer, charset: string | undefined, unknownAs: 'utf8' | 'latin1' = 'utf8'): string {
  const label = (charset ?? '').trim().toLowerCase() || 'utf-8';
  // us-ascii (the RFC 2045 5.2 default) with 8-bit bytes is nearly always UTF-8 in practice.
  const cs = label === 'us-ascii' ? 'utf-8' : label;
  if (UTF7_LABEL.test(cs)) return decodeUtf7(bytes);
  let decoder = decoders.get(cs);
  if (!decoder) {
    try {
      decoder = new TextDecoder(cs);
    } catch {
      return bytes.toString(unknownAs);
    }
    if (decoders.size < MAX_CACHED_DECODERS) decoders.set(cs, decoder);
  }
  return decoder.decode(bytes);
}

/** A part's content, which may be cut off anywhere (the first bytes, for a snippet), as text. */
export function decodePart(content: Buffer, encoding: string, charset: string): string {
  const bytes = decodeTransfer(content, encoding, true) ?? content;
  // A character cut in two at the end decodes to U+FFFD: it is not part of the text.
  return decodeCharset(bytes, charset, 'latin1').replace(/\uFFFD+$/, '');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A binary (latin1) header string as text. Raw 8-bit bytes are UTF-8 (RFC 6532). Without
 * `fallbackCharset` bytes that are not UTF-8 become U+FFFD, as Dovecot compares them (the server's
 * SEARCH and SORT). With one (what a reader shows), they were written in the message's own charset
 * or, when that is UTF-8 or US-ASCII (so wrong), in windows-1252, the superset of ISO-8859-1 that
 * mail programs assume.
 */
export function headerText(v: string, fallbackCharset?: string): string {
  // ASCII is the common case and needs no decoding.
  if (!/[\x80-\xff]/.test(v)) return v;
  const bytes = Buffer.from(v, 'latin1');
  if (fallbackCharset === undefined) return bytes.toString('utf8');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const cs = (fallbackCharset ?? '').trim().toLowerCase();
    return decodeCharset(bytes, cs && cs !== 'utf-8' && cs !== 'utf8' && cs !== 'us-ascii' ? cs : 'windows-1252', 'latin1');
  }
}

/** A run of encoded words with only white space between them (decoded together, RFC 2047 6.2). */
const ENCODED_WORD_RUN = /=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=(?:\s+=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)*/g;

/**
 * A raw header value (its bytes as a latin1 string) as text: bytes outside encoded words are
 * UTF-8 (RFC 6532, else `fallbackCharset`, see headerText); inside one they are read in the word's own charset (a raw 8-bit byte inside a
 * Q word happens, and is meant in that charset, so it must not be taken as UTF-8 first).
 */
export function decodeHeaderBytes(value: string, fallbackCharset?: string): string {
  let out = '';
  let last = 0;
  for (const m of value.matchAll(ENCODED_WORD_RUN)) {
    out += headerText(value.slice(last, m.index), fallbackCharset) + decodeEncodedWords(m[0]);
    last = m.index + m[0].length;
  }
  return out + headerText(value.slice(last), fallbackCharset);
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
