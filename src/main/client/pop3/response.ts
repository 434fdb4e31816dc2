// Pure parsing of POP3 status lines (RFC 1939 "+OK"/"-ERR") and of RFC 2449/3206 response codes,
// and the mapping of a failed reply onto Hearth's error catalogue. No I/O here.
import { HearthError } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';

export interface StatusLine {
  ok: boolean;
  /** RFC 2449 extended response code in brackets, upper-cased ("AUTH", "IN-USE", "SYS/TEMP"), if any. */
  code: string | null;
  /** The text after the status indicator (and after the response code). */
  text: string;
  /** The whole line without CRLF, for error reports. */
  line: string;
}

/** Parses one status line (without its CRLF). Returns null if it is neither +OK nor -ERR. */
export function parseStatusLine(line: string): StatusLine | null {
  let ok: boolean;
  let rest: string;
  if (line.startsWith('+OK')) {
    ok = true;
    rest = line.slice(3);
  } else if (line.startsWith('-ERR')) {
    ok = false;
    rest = line.slice(4);
  } else {
    return null;
  }
  // The indicator must end there: "+OKAY" is not a status line.
  if (rest.length > 0 && rest[0] !== ' ') return null;
  rest = rest.trimStart();
  let code: string | null = null;
  const m = /^\[([^\]\s]+)\]\s?/.exec(rest);
  if (m) {
    code = m[1]!.toUpperCase();
    rest = rest.slice(m[0].length);
  }
  return { ok, code, text: rest, line };
}

/** The "+ base64" continuation of a SASL exchange (RFC 5034). */
export function isContinuation(line: string): boolean {
  return line === '+' || line.startsWith('+ ');
}

/** What kind of command failed; decides the error for a -ERR without a response code. */
export type FailureContext = 'auth' | 'message' | 'command';

/** Maps a -ERR reply to a HearthError: response codes first (RFC 3206), then the command's context. */
export function errorFromStatus(status: StatusLine, context: FailureContext): HearthError {
  let code: ErrorCode;
  switch (status.code?.split('/')[0]) {
    case 'AUTH':
      code = 'AUTH_FAILED';
      break;
    case 'IN-USE':
      code = 'MAILDROP_LOCKED';
      break;
    case 'SYS':
      code = status.code === 'SYS/TEMP' ? 'SERVER_TEMPORARY' : 'SERVER_ERROR';
      break;
    case 'LOGIN-DELAY':
      code = 'SERVER_TEMPORARY';
      break;
    default:
      code = context === 'auth' ? 'AUTH_FAILED' : context === 'message' ? 'MESSAGE_GONE' : 'SERVER_ERROR';
  }
  return new HearthError(code, undefined, { response: status.line });
}

/** Finds the APOP timestamp ("<process-ID.clock@hostname>") in a greeting, if the server offers APOP. */
export function apopTimestamp(greeting: string): string | null {
  const m = /<[^<>\s]*@[^<>\s]*>/.exec(greeting);
  return m ? m[0] : null;
}

/** Parses CAPA lines into a map of upper-cased capability name to its arguments. */
export function parseCapabilities(lines: string[]): Map<string, string[]> {
  const caps = new Map<string, string[]>();
  for (const line of lines) {
    const parts = line.trim().split(/\s+/).filter(Boolean);
    if (parts.length === 0) continue;
    caps.set(parts[0]!.toUpperCase(), parts.slice(1));
  }
  return caps;
}

/** "n size" (LIST) or "n uid" (UIDL) scan lines. */
export function parseScanLine(line: string): [number, string] | null {
  const m = /^\s*(\d+)\s+(\S+)/.exec(line);
  if (!m) return null;
  return [Number(m[1]), m[2]!];
}
