// IMAP flags <-> Maildir info letters, and flag-list normalisation.

import { HearthError } from '../../shared/errors.ts';
import { SYSTEM_FLAGS } from './types.ts';

/** Maildir's info separator: ':' like Dovecot; '!' on Windows, where ':' cannot be in a file name. */
export const INFO_SEP = process.platform === 'win32' ? '!' : ':';

const LETTER_OF: Record<string, string> = { '\\Draft': 'D', '\\Flagged': 'F', '\\Answered': 'R', '\\Seen': 'S', '\\Deleted': 'T' };
const FLAG_OF: Record<string, string> = { D: '\\Draft', F: '\\Flagged', R: '\\Answered', S: '\\Seen', T: '\\Deleted' };
const SYSTEM_LOWER = new Map(SYSTEM_FLAGS.map((f) => [f.toLowerCase(), f] as const));
// RFC 3501 atom: no ( ) { SP CTL % * " \ ]
// eslint-disable-next-line no-control-regex
const ATOM_BAD = /[(){ \x00-\x1f\x7f%*"\\\]]/;

/**
 * Canonical flag list: system flags spelled canonically, first, in SYSTEM_FLAGS order; keywords
 * de-duplicated case-insensitively (first spelling kept), sorted. \Recent is dropped.
 */
export function normaliseFlags(flags: readonly string[]): string[] {
  const sys = new Set<string>();
  const kw = new Map<string, string>();
  for (const raw of flags) {
    if (typeof raw !== 'string' || raw === '') throw new HearthError('INVALID_ARGUMENT', 'Invalid flag', { field: 'flags' });
    if (raw.startsWith('\\')) {
      const lower = raw.toLowerCase();
      if (lower === '\\recent') continue;
      const canon = SYSTEM_LOWER.get(lower);
      if (!canon) throw new HearthError('INVALID_ARGUMENT', `Unknown system flag ${raw}`, { field: 'flags' });
      sys.add(canon);
    } else {
      if (ATOM_BAD.test(raw) || raw.length > 100) throw new HearthError('INVALID_ARGUMENT', `Invalid keyword ${JSON.stringify(raw)}`, { field: 'flags' });
      const k = raw.toLowerCase();
      if (!kw.has(k)) kw.set(k, raw);
    }
  }
  const out: string[] = SYSTEM_FLAGS.filter((f) => sys.has(f));
  out.push(...[...kw.values()].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)));
  return out;
}

export function flagsToString(flags: readonly string[]): string {
  return flags.join(' ');
}

export function flagsFromString(s: string): string[] {
  return s === '' ? [] : s.split(' ');
}

export function hasFlag(flags: readonly string[], flag: string): boolean {
  const f = flag.toLowerCase();
  return flags.some((x) => x.toLowerCase() === f);
}

export function applyFlags(current: readonly string[], mode: 'add' | 'remove' | 'replace', change: readonly string[]): string[] {
  if (mode === 'replace') return normaliseFlags(change);
  if (mode === 'add') return normaliseFlags([...current, ...change]);
  const drop = new Set(change.map((f) => f.toLowerCase()));
  return normaliseFlags(current.filter((f) => !drop.has(f.toLowerCase())));
}

/** Maildir info letters for the system flags, ASCII-sorted ("FS"). */
export function flagsToInfo(flags: readonly string[]): string {
  return flags
    .map((f) => LETTER_OF[f])
    .filter((x): x is string => !!x)
    .sort()
    .join('');
}

export function infoToFlags(info: string): string[] {
  const out: string[] = [];
  for (const ch of info) {
    const f = FLAG_OF[ch];
    if (f) out.push(f);
  }
  return normaliseFlags(out);
}

/** Split a Maildir file name into its base and its ":2," info letters (null if it has none). */
export function splitMaildirName(file: string): { base: string; info: string | null } {
  const i = file.indexOf(INFO_SEP + '2,');
  if (i < 0) {
    const j = file.indexOf(INFO_SEP);
    return { base: j < 0 ? file : file.slice(0, j), info: null };
  }
  return { base: file.slice(0, i), info: file.slice(i + 3) };
}
