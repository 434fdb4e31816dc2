// Pure POP3 command-line handling (no I/O): splitting the byte stream into bounded lines, and a
// line into a verb and its arguments (RFC 1939 section 3: keyword, then arguments separated by
// single spaces; keywords are case-insensitive).

export interface Pop3Command {
  /** Upper-cased keyword. */
  verb: string;
  args: string[];
}

export type ParsedLine = { ok: true; command: Pop3Command } | { ok: false; error: string };

/** Parses one command line (without CRLF). Never throws. */
export function parseCommandLine(line: string): ParsedLine {
  if (line.length === 0) return { ok: false, error: 'Empty command' };
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(line)) return { ok: false, error: 'Control characters in command' };
  const parts = line.split(' ');
  const keyword = parts[0]!;
  if (!/^[A-Za-z]{3,4}$/.test(keyword)) return { ok: false, error: 'Unknown command' };
  // PASS takes the rest of the line as is: a password may contain (even repeated) spaces.
  if (keyword.toUpperCase() === 'PASS' && line.length > 5) return { ok: true, command: { verb: 'PASS', args: [line.slice(5)] } };
  // Tolerate trailing spaces some clients send, but not empty arguments in the middle.
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const args = parts.slice(1);
  if (args.some((a) => a.length === 0)) return { ok: false, error: 'Malformed arguments' };
  return { ok: true, command: { verb: keyword.toUpperCase(), args } };
}

/** A message number argument: a positive decimal integer without sign or leading junk. */
export function parseMessageNumber(arg: string | undefined): number | null {
  if (arg === undefined || !/^[0-9]{1,9}$/.test(arg)) return null;
  const n = Number(arg);
  return n >= 1 ? n : null;
}

/** A non-negative line count (TOP). */
export function parseLineCount(arg: string | undefined): number | null {
  if (arg === undefined || !/^[0-9]{1,9}$/.test(arg)) return null;
  return Number(arg);
}

export type SplitLine = { line: string } | { tooLong: true };

/**
 * Splits incoming bytes into lines (CRLF, or a bare LF), bounded: a line longer than `maxBytes`
 * is reported once as tooLong and the rest of it is skipped up to its end.
 */
export class LineSplitter {
  private readonly maxBytes: number;
  private pending: Buffer = Buffer.alloc(0);
  private discarding = false;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  push(chunk: Buffer): SplitLine[] {
    const out: SplitLine[] = [];
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const lf = data.indexOf(0x0a);
      if (lf === -1) break;
      if (this.discarding) {
        this.discarding = false;
      } else if (lf + 1 > this.maxBytes) {
        out.push({ tooLong: true });
      } else {
        const end = lf > 0 && data[lf - 1] === 0x0d ? lf - 1 : lf;
        // Commands are ASCII; latin1 keeps every byte as one char, so nothing is lost or merged.
        out.push({ line: data.subarray(0, end).toString('latin1') });
      }
      data = data.subarray(lf + 1);
    }
    if (!this.discarding && data.length > this.maxBytes) {
      out.push({ tooLong: true });
      this.discarding = true;
    }
    this.pending = this.discarding ? Buffer.alloc(0) : Buffer.from(data);
    return out;
  }
}
