// Serialises IMAP response data. Pure: produces strings and buffers; the session writes them.
// Values: null -> NIL, number -> number, string -> quoted string (or literal when it cannot be
// quoted), Atom -> raw text, Buffer -> literal, array -> parenthesised list.

export interface Atom {
  atom: string;
}
/** Values written one after another without separators (multipart bodies: "(...)(...)"). */
export interface Concat {
  concat: ImapValue[];
}
export type ImapValue = null | number | bigint | string | Atom | Concat | Buffer | ImapValue[];

export const atom = (text: string): Atom => ({ atom: text });

/** True when the string can go in a quoted string (7-bit, or 8-bit when utf8 is allowed). */
function quotable(s: string, utf8: boolean): boolean {
  if (s.length > 1024) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d) return false;
    if (c > 0x7e && !utf8) return false;
  }
  return true;
}

export function quote(s: string): string {
  return '"' + s.replace(/[\\"]/g, (m) => '\\' + m) + '"';
}

/** A string as quoted or literal, as bytes. */
export function stringValue(s: string, utf8 = true): string | Buffer {
  if (quotable(s, utf8)) return quote(s);
  const body = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from(`{${body.length}}\r\n`), body]);
}

export function astring(s: string): string | Buffer {
  if (/^[\x21\x23\x24\x26\x27\x2b-\x5b\x5d-\x7a\x7c-\x7e]+$/.test(s) && s.toUpperCase() !== 'NIL') return s;
  return stringValue(s);
}

/** Serialise one value into parts appended to out (strings are joined later; buffers kept as is). */
export function serialize(value: ImapValue, out: (string | Buffer)[], utf8 = true): void {
  if (value === null) out.push('NIL');
  else if (typeof value === 'number' || typeof value === 'bigint') out.push(String(value));
  else if (typeof value === 'string') out.push(stringValue(value, utf8));
  else if (Buffer.isBuffer(value)) out.push(`{${value.length}}\r\n`, value);
  else if (Array.isArray(value)) {
    out.push('(');
    value.forEach((v, i) => {
      if (i) out.push(' ');
      serialize(v, out, utf8);
    });
    out.push(')');
  } else if ('concat' in value) {
    for (const v of value.concat) serialize(v, out, utf8);
  } else out.push(value.atom);
}

/** Join parts to one Buffer. */
export function toBuffer(parts: readonly (string | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

export function serializeToBuffer(value: ImapValue, utf8 = true): Buffer {
  const out: (string | Buffer)[] = [];
  serialize(value, out, utf8);
  return toBuffer(out);
}

/** Response codes and text. */
export function taggedLine(tag: string, status: 'OK' | 'NO' | 'BAD', text: string, code?: string): string {
  return `${tag} ${status} ${code ? `[${code}] ` : ''}${sanitizeText(text)}\r\n`;
}

export function untaggedLine(text: string): string {
  return `* ${text}\r\n`;
}

/** Human-readable text must not contain CR/LF (a client could be fooled into a new response). */
export function sanitizeText(text: string): string {
  return text.replace(/[\r\n\0]+/g, ' ').slice(0, 500);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** INTERNALDATE in RFC 3501 date-time form, in UTC. */
export function formatInternalDate(d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${day}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

/** Parse an RFC 3501 date-time ("17-Jul-1996 02:44:25 -0700") or date ("1-Feb-1994"). */
export function parseImapDate(s: string, withTime: boolean): Date | null {
  const m = withTime ? /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(s) : /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(s);
  if (!m) return null;
  const mon = MONTHS.findIndex((x) => x.toLowerCase() === m[2]!.toLowerCase());
  if (mon < 0) return null;
  const day = Number(m[1]);
  if (day < 1 || day > 31) return null;
  if (!withTime) return new Date(Date.UTC(Number(m[3]), mon, day));
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  const t = Date.UTC(Number(m[3]), mon, day, Number(m[4]), Number(m[5]), Number(m[6])) - offset * 60_000;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d;
}
