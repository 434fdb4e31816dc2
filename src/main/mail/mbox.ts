// The mbox family (RFC 4155, and the quoting variants of qmail's mbox(5)): one file of messages,
// each after a "From sender asctime-date" line. mboxrd quotes every /^>*From / line of a message with
// one more '>' and its reader removes one again, which makes the round trip exact; mboxo (older
// Thunderbird, mutt, Apple Mail) quotes only /^From / and cannot be unquoted exactly.
//
// The reader streams: it holds one message at a time, never the file, and reports each message's
// byte offsets so that an import can resume at the next one.
import { createReadStream } from 'node:fs';

export type MboxVariant = 'mboxrd' | 'mboxo';

export interface MboxMessage {
  /** The message's bytes, From-quoting removed as the variant says. */
  raw: Buffer;
  /** Offset of the message's "From " line in the file. */
  start: number;
  /** Offset just after the message (the next "From " line, or the end of the file). */
  end: number;
  /** The envelope sender of the "From " line ("MAILER-DAEMON" when unknown). */
  sender: string;
  /** The date of the "From " line (the time the message arrived), null when unreadable. */
  date: Date | null;
  /** Larger than maxMessageBytes: `raw` is empty, the bytes were passed over without being kept. */
  tooLarge?: true;
}

export interface ReadMboxOptions {
  variant?: MboxVariant;
  /** Where to start reading: 0 or the `end` of a message read before. */
  start?: number;
  /** A single message larger than this is passed over (reported with `tooLarge`) rather than held in memory. */
  maxMessageBytes?: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

// "From sender Thu Jan  1 00:00:00 1970", optionally with a zone before or after the year (mutt's
// is_from() accepts the same shapes). Requiring a date keeps an unquoted "From here on…" in a
// damaged mboxo file from splitting a message.
const FROM_LINE =
  /^From (\S+|"[^"]*"\S*)\s+(?:[A-Z][a-z]{2},?\s+)?([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+[A-Z]{2,5}|\s+[+-]\d{4})?\s+(\d{4})(?:\s+[+-]\d{4}|\s+[A-Z]{2,5})?\s*(?:remote from \S+)?\s*$/;

/** Parses an mbox "From " line (without its line end); null when it is not one. */
export function parseFromLine(line: string): { sender: string; date: Date | null } | null {
  const m = FROM_LINE.exec(line);
  if (!m) return null;
  const [, sender, mon, day, hh, mm, ss, year] = m;
  const month = MONTHS.indexOf(mon!);
  const date = month < 0 ? null : new Date(Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss ?? 0)));
  return { sender: sender!, date: date && !Number.isNaN(date.getTime()) ? date : null };
}

/** The "From " line (with its LF) that starts a message in an mbox file. Dates are written in UTC. */
export function formatFromLine(sender: string | null, date: Date): string {
  const s = sender && /^[^\s"]+$/.test(sender) ? sender : 'MAILER-DAEMON';
  const d = date;
  const two = (n: number) => String(n).padStart(2, '0');
  return `From ${s} ${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}\n`;
}

function isQuotedFrom(line: Buffer, minQuotes: number): boolean {
  let i = 0;
  while (i < line.length && line[i] === 0x3e) i++;
  return i >= minQuotes && line.subarray(i, i + 5).toString('latin1') === 'From ';
}

/**
 * A message as it goes into an mbox file after its "From " line: mboxrd quoting, and one LF to end
 * it. The reader removes exactly that LF again, so a message that did not end in a line break
 * comes back without one.
 */
export function quoteForMbox(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let lineStart = 0;
  while (lineStart < raw.length) {
    const nl = raw.indexOf(0x0a, lineStart);
    const lineEnd = nl < 0 ? raw.length : nl + 1;
    if (isQuotedFrom(raw.subarray(lineStart, lineEnd), 0)) parts.push(Buffer.from('>'));
    parts.push(raw.subarray(lineStart, lineEnd));
    lineStart = lineEnd;
  }
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

/** One message as a complete mbox entry: its "From " line and its quoted bytes. */
export function mboxEntry(raw: Buffer, sender: string | null, date: Date): Buffer {
  return Buffer.concat([Buffer.from(formatFromLine(sender, date), 'latin1'), quoteForMbox(raw)]);
}

/** The lines of a file as Buffers (each with its LF), with the offset of each, streaming. */
async function* linesOf(file: string, start: number): AsyncGenerator<{ line: Buffer; offset: number }> {
  let carry: Buffer = Buffer.alloc(0);
  let offset = start;
  for await (const chunk of createReadStream(file, { start, highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, at);
      if (nl < 0) break;
      yield { line: buf.subarray(at, nl + 1), offset };
      offset += nl + 1 - at;
      at = nl + 1;
    }
    carry = buf.subarray(at);
  }
  if (carry.length) yield { line: carry, offset };
}

function fromLineOf(line: Buffer): { sender: string; date: Date | null } | null {
  if (line[0] !== 0x46 /* F */) return null;
  return parseFromLine(line.toString('latin1').replace(/\r?\n$/, ''));
}

/** Streams the messages of an mbox file, one at a time. Text before the first "From " line is skipped. */
export async function* readMbox(file: string, opts: ReadMboxOptions = {}): AsyncGenerator<MboxMessage> {
  const variant = opts.variant ?? 'mboxrd';
  const max = opts.maxMessageBytes ?? Infinity;
  let current: { start: number; sender: string; date: Date | null; crlf: boolean; lines: Buffer[]; size: number } | null = null;
  const finish = (end: number): MboxMessage => {
    const c = current!;
    if (c.size > max) return { raw: Buffer.alloc(0), start: c.start, end, sender: c.sender, date: c.date, tooLarge: true };
    let raw = Buffer.concat(c.lines, c.size);
    // Drop the one line break that separates this message from the next "From " line.
    const sep = c.crlf && raw.subarray(-2).toString('latin1') === '\r\n' ? 2 : raw[raw.length - 1] === 0x0a ? 1 : 0;
    raw = raw.subarray(0, raw.length - sep);
    return { raw, start: c.start, end, sender: c.sender, date: c.date };
  };
  let fileEnd = opts.start ?? 0;
  for await (const { line, offset } of linesOf(file, opts.start ?? 0)) {
    fileEnd = offset + line.length;
    const from = fromLineOf(line);
    if (from) {
      if (current) yield finish(offset);
      current = { start: offset, ...from, crlf: line.subarray(-2).toString('latin1') === '\r\n', lines: [], size: 0 };
      continue;
    }
    if (!current) continue;
    const unquoted = variant === 'mboxrd' && isQuotedFrom(line, 1) ? line.subarray(1) : line;
    current.size += unquoted.length;
    if (current.size > max) current.lines = [];
    else current.lines.push(unquoted);
  }
  if (current) yield finish(fileEnd);
}

/** How many messages an mbox file holds (from `start` on), reading it once without keeping any. */
export async function countMbox(file: string, start = 0): Promise<number> {
  let n = 0;
  for await (const { line } of linesOf(file, start)) if (fromLineOf(line)) n++;
  return n;
}

/**
 * The flags mail programs keep in an mbox message's own headers: Status (R = seen), X-Status
 * (A answered, F flagged, T draft, D deleted) and Thunderbird's X-Mozilla-Status bits.
 */
export function mboxHeaderFlags(raw: Buffer): string[] {
  const end = raw.indexOf('\n\n') >= 0 ? raw.indexOf('\n\n') : raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 64 * 1024) : end).toString('latin1');
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(\\S*)`, 'im').exec(head)?.[1] ?? null;
  const flags = new Set<string>();
  const status = header('Status');
  if (status?.includes('R')) flags.add('\\Seen');
  const xStatus = header('X-Status');
  if (xStatus) {
    if (xStatus.includes('A')) flags.add('\\Answered');
    if (xStatus.includes('F')) flags.add('\\Flagged');
    if (xStatus.includes('T')) flags.add('\\Draft');
    if (xStatus.includes('D')) flags.add('\\Deleted');
  }
  const moz = header('X-Mozilla-Status');
  if (moz && /^[0-9a-f]{4}$/i.test(moz)) {
    const bits = parseInt(moz, 16);
    if (bits & 0x0001) flags.add('\\Seen');
    if (bits & 0x0002) flags.add('\\Answered');
    if (bits & 0x0004) flags.add('\\Flagged');
    if (bits & 0x0008) flags.add('\\Deleted');
    if (bits & 0x1000) flags.add('$Forwarded');
  }
  return [...flags];
}
