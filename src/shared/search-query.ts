// The search box's query language, parsed once here for main's index and the renderer's offline
// search. Terms are ANDed; `-` negates one; "quoted text" is a phrase; a trailing * a prefix.
//   from: to: cc: subject: filename:   text in that field (quotes allowed: subject:"q3 report")
//   has:attachment  is:unread is:read is:flagged is:unflagged  in:FOLDER  account:NAME
//   before:/after: YYYY-MM-DD or relative (7d, 2w, 3m, 1y)   larger:/smaller: 10k, 2M, 500
// Unknown operators are an error rather than silently searched as text, so a typo is noticed.

export type TextField = 'any' | 'from' | 'to' | 'cc' | 'subject' | 'filename';

export type SearchTerm =
  | { kind: 'text'; field: TextField; text: string; phrase: boolean; prefix: boolean; negated: boolean }
  | { kind: 'flag'; flag: 'unread' | 'read' | 'flagged' | 'unflagged'; negated: boolean }
  | { kind: 'attachment'; negated: boolean }
  | { kind: 'folder'; name: string; negated: boolean }
  | { kind: 'account'; name: string; negated: boolean }
  /** Dates as ms since the epoch: `before` is exclusive, `after` inclusive (the day named and later). */
  | { kind: 'date'; op: 'before' | 'after'; at: number; negated: boolean }
  | { kind: 'size'; op: 'larger' | 'smaller'; bytes: number; negated: boolean };

export interface ParsedQuery {
  terms: SearchTerm[];
}

/** A query the parser cannot read; `at` is the offset of the offending term in the query. */
export class SearchQueryError extends Error {
  readonly at: number;
  constructor(message: string, at: number) {
    super(message);
    this.name = 'SearchQueryError';
    this.at = at;
  }
}

const TEXT_FIELDS: Record<string, TextField> = { from: 'from', to: 'to', cc: 'cc', subject: 'subject', filename: 'filename' };
const FLAGS: Record<string, 'unread' | 'read' | 'flagged' | 'unflagged'> = {
  unread: 'unread',
  read: 'read',
  seen: 'read',
  flagged: 'flagged',
  starred: 'flagged',
  unflagged: 'unflagged',
};
export const SEARCH_OPERATORS = ['from', 'to', 'cc', 'subject', 'filename', 'has', 'is', 'in', 'account', 'before', 'after', 'larger', 'smaller'] as const;

const DAY_MS = 86_400_000;
const UNIT_DAYS: Record<string, number> = { d: 1, w: 7, m: 30, y: 365 };
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

interface RawTerm {
  negated: boolean;
  op: string | null;
  value: string;
  quoted: boolean;
  at: number;
}

/** Splits the query into terms: [-][op:]value where value is a word or "a quoted phrase". */
function lex(query: string): RawTerm[] {
  const out: RawTerm[] = [];
  let i = 0;
  while (i < query.length) {
    while (i < query.length && /\s/.test(query[i]!)) i++;
    if (i >= query.length) break;
    const at = i;
    let negated = false;
    if (query[i] === '-' && i + 1 < query.length && !/\s/.test(query[i + 1]!)) {
      negated = true;
      i++;
    }
    let op: string | null = null;
    const opMatch = /^([A-Za-z]+):(?=\S)/.exec(query.slice(i));
    if (opMatch) {
      op = opMatch[1]!.toLowerCase();
      i += opMatch[0].length;
    }
    let value: string;
    let quoted = false;
    if (query[i] === '"') {
      const end = query.indexOf('"', i + 1);
      if (end < 0) throw new SearchQueryError('A quoted phrase is not closed: add the closing "', i);
      value = query.slice(i + 1, end);
      quoted = true;
      i = end + 1;
    } else {
      const start = i;
      while (i < query.length && !/\s/.test(query[i]!)) i++;
      value = query.slice(start, i);
    }
    out.push({ negated, op, value, quoted, at });
  }
  return out;
}

function parseDate(value: string, now: number, at: number): number {
  const rel = /^(\d{1,4})([dwmy])$/i.exec(value);
  if (rel) {
    const start = new Date(now - Number(rel[1]) * UNIT_DAYS[rel[2]!.toLowerCase()]! * DAY_MS);
    return new Date(start.getFullYear(), start.getMonth(), start.getDate()).getTime();
  }
  const abs = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (abs) {
    const [y, m, d] = [Number(abs[1]), Number(abs[2]), Number(abs[3])];
    const date = new Date(y, m - 1, d);
    if (date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d) return date.getTime();
  }
  throw new SearchQueryError(`"${value}" is not a date: write YYYY-MM-DD (2026-03-31) or a span back from today (7d, 2w, 3m, 1y)`, at);
}

function parseSize(value: string, at: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new SearchQueryError(`"${value}" is not a size: write bytes or a number with k, M or G (10k, 2M)`, at);
  return Math.round(Number(m[1]) * unit);
}

/**
 * Parses a query of the search box. `now` (ms) anchors relative dates such as `after:7d`.
 * Throws SearchQueryError with a message for the user on an unknown operator or a bad value.
 */
export function parseSearchQuery(query: string, now: number): ParsedQuery {
  const terms: SearchTerm[] = [];
  for (const raw of lex(query)) {
    const { negated, op, value, quoted, at } = raw;
    if (op === null) {
      const prefix = !quoted && value.endsWith('*') && value.length > 1;
      const text = prefix ? value.slice(0, -1) : value;
      if (text.trim() === '' || text === '*') continue;
      terms.push({ kind: 'text', field: 'any', text, phrase: quoted, prefix, negated });
      continue;
    }
    if (value === '') throw new SearchQueryError(`${op}: needs a value`, at);
    const field = TEXT_FIELDS[op];
    if (field) {
      const prefix = !quoted && value.endsWith('*') && value.length > 1;
      terms.push({ kind: 'text', field, text: prefix ? value.slice(0, -1) : value, phrase: quoted, prefix, negated });
      continue;
    }
    const v = value.toLowerCase();
    switch (op) {
      case 'is': {
        const flag = FLAGS[v];
        if (!flag) throw new SearchQueryError(`is:${value} is not known: use is:unread, is:read, is:flagged or is:unflagged`, at);
        terms.push({ kind: 'flag', flag, negated });
        break;
      }
      case 'has':
        if (v !== 'attachment' && v !== 'attachments') throw new SearchQueryError(`has:${value} is not known: use has:attachment`, at);
        terms.push({ kind: 'attachment', negated });
        break;
      case 'in':
        terms.push({ kind: 'folder', name: value, negated });
        break;
      case 'account':
        terms.push({ kind: 'account', name: value, negated });
        break;
      case 'before':
      case 'after':
        terms.push({ kind: 'date', op, at: parseDate(value, now, at), negated });
        break;
      case 'larger':
      case 'smaller':
        terms.push({ kind: 'size', op, bytes: parseSize(value, at), negated });
        break;
      default:
        throw new SearchQueryError(
          `${op}: is not a search operator (known: ${SEARCH_OPERATORS.map((o) => o + ':').join(' ')}); put text with a colon in quotes`,
          at,
        );
    }
  }
  return { terms };
}
