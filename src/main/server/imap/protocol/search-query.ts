// SEARCH criteria (RFC 3501 6.4.4, RFC 7162 MODSEQ, RFC 5032 OLDER/YOUNGER) into a tree. Pure.
import type { ImapNode } from './tokenizer.ts';
import { nodeText } from './tokenizer.ts';
import { parseSequenceSet } from './sequence-set.ts';
import type { SeqRange } from './sequence-set.ts';
import { parseImapDate } from './response.ts';
import { parseResultOptions, ResultOptionError } from './result-options.ts';
import type { ResultOptions } from './result-options.ts';

export type SearchKey =
  | { op: 'all' }
  | { op: 'and'; keys: SearchKey[] }
  | { op: 'or'; a: SearchKey; b: SearchKey }
  | { op: 'not'; key: SearchKey }
  | { op: 'seq'; ranges: SeqRange[] }
  | { op: 'uid'; ranges: SeqRange[] }
  | { op: 'flag'; flag: string; set: boolean }
  | { op: 'new' }
  | { op: 'old' }
  | { op: 'recent' }
  | { op: 'date'; field: 'internal' | 'sent'; cmp: 'before' | 'on' | 'since'; date: Date }
  | { op: 'age'; older: boolean; seconds: number }
  | { op: 'size'; larger: boolean; size: number }
  | { op: 'header'; field: string; value: string }
  | { op: 'body'; value: string }
  | { op: 'text'; value: string }
  | { op: 'modseq'; modseq: number };

export class SearchSyntaxError extends Error {
  override name = 'SearchSyntaxError';
}

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};
const HEADER_KEYS = ['BCC', 'CC', 'FROM', 'SUBJECT', 'TO'];

export interface ParsedSearch {
  key: SearchKey;
  charset: string | null;
  /** ESEARCH return options (RFC 4731), or null for a plain SEARCH response. */
  returns: ResultOptions | null;
}

const word = (n: ImapNode | undefined) => (n?.type === 'atom' && !n.section ? n.value.toUpperCase() : '');

/** `RETURN (…)` at args[0], if there (SEARCH, and SORT under ESORT, RFC 5267 3). */
export function parseReturn(args: ImapNode[]): { returns: ResultOptions | null; rest: ImapNode[] } {
  if (word(args[0]) !== 'RETURN') return { returns: null, rest: args };
  try {
    return { returns: parseResultOptions(args[1]), rest: args.slice(2) };
  } catch (err) {
    if (err instanceof ResultOptionError) throw new SearchSyntaxError(err.message);
    throw err;
  }
}

/** Parse SEARCH arguments: [RETURN (...)] [CHARSET x] criteria... */
export function parseSearch(args: ImapNode[]): ParsedSearch {
  const { returns, rest } = parseReturn(args);
  let i = 0;
  let charset: string | null = null;
  if (word(rest[i]) === 'CHARSET') {
    charset = nodeText(rest[i + 1]);
    if (!charset) throw new SearchSyntaxError('Charset expected');
    i += 2;
  }
  return { key: parseCriteria(rest.slice(i)), charset, returns };
}

/** Search criteria alone (SORT and THREAD put their charset in front, not "CHARSET x"). */
export function parseCriteria(args: ImapNode[]): SearchKey {
  const state = { nodes: args, pos: 0, depth: 0 };
  const keys: SearchKey[] = [];
  while (state.pos < args.length) keys.push(readKey(state));
  if (!keys.length) throw new SearchSyntaxError('Search criteria expected');
  return keys.length === 1 ? keys[0]! : { op: 'and', keys };
}

interface State {
  nodes: ImapNode[];
  pos: number;
  depth: number;
}

function next(s: State): ImapNode {
  const n = s.nodes[s.pos++];
  if (!n) throw new SearchSyntaxError('Search criteria incomplete');
  return n;
}

function str(s: State): string {
  const t = nodeText(next(s));
  if (t === null) throw new SearchSyntaxError('String expected');
  return t;
}

function num(s: State): number {
  const t = str(s);
  if (!/^\d{1,19}$/.test(t) || !Number.isSafeInteger(Number(t))) throw new SearchSyntaxError('Number expected');
  return Number(t);
}

function date(s: State): Date {
  const d = parseImapDate(str(s), false);
  if (!d) throw new SearchSyntaxError('Date expected');
  return d;
}

function readKey(s: State): SearchKey {
  if (s.depth > 64) throw new SearchSyntaxError('Search too deeply nested');
  const n = next(s);
  if (n.type === 'list') {
    const inner: State = { nodes: n.items, pos: 0, depth: s.depth + 1 };
    const keys: SearchKey[] = [];
    while (inner.pos < n.items.length) keys.push(readKey(inner));
    if (!keys.length) throw new SearchSyntaxError('Empty search list');
    return keys.length === 1 ? keys[0]! : { op: 'and', keys };
  }
  if (n.type !== 'atom' || n.section) throw new SearchSyntaxError('Search key expected');
  const k = n.value.toUpperCase();
  if (FLAG_KEYS[k]) return { op: 'flag', flag: FLAG_KEYS[k]![0], set: FLAG_KEYS[k]![1] };
  if (HEADER_KEYS.includes(k)) return { op: 'header', field: k.toLowerCase(), value: str(s) };
  const sub = () => {
    s.depth++;
    const r = readKey(s);
    s.depth--;
    return r;
  };
  switch (k) {
    case 'ALL':
      return { op: 'all' };
    case 'NEW':
      return { op: 'new' };
    case 'OLD':
      return { op: 'old' };
    case 'RECENT':
      return { op: 'recent' };
    case 'KEYWORD':
    case 'UNKEYWORD':
      return { op: 'flag', flag: str(s), set: k === 'KEYWORD' };
    case 'BEFORE':
    case 'ON':
    case 'SINCE':
      return { op: 'date', field: 'internal', cmp: k.toLowerCase() as 'before', date: date(s) };
    case 'SENTBEFORE':
    case 'SENTON':
    case 'SENTSINCE':
      return { op: 'date', field: 'sent', cmp: k.slice(4).toLowerCase() as 'before', date: date(s) };
    case 'OLDER':
    case 'YOUNGER':
      return { op: 'age', older: k === 'OLDER', seconds: num(s) };
    case 'LARGER':
    case 'SMALLER':
      return { op: 'size', larger: k === 'LARGER', size: num(s) };
    case 'HEADER': {
      const field = str(s).toLowerCase();
      return { op: 'header', field, value: str(s) };
    }
    case 'BODY':
      return { op: 'body', value: str(s) };
    case 'TEXT':
      return { op: 'text', value: str(s) };
    case 'NOT':
      return { op: 'not', key: sub() };
    case 'OR': {
      const a = sub();
      return { op: 'or', a, b: sub() };
    }
    case 'UID': {
      const ranges = parseSequenceSet(str(s));
      if (!ranges) throw new SearchSyntaxError('Invalid UID set');
      return { op: 'uid', ranges };
    }
    case 'MODSEQ': {
      // MODSEQ [entry-name entry-type-req] mod-sequence-valzer
      const a = s.nodes[s.pos];
      if (a && a.type === 'string') {
        s.pos += 2;
      }
      return { op: 'modseq', modseq: num(s) };
    }
    default: {
      const ranges = parseSequenceSet(n.value);
      if (ranges) return { op: 'seq', ranges };
      throw new SearchSyntaxError(`Unknown search key ${k.slice(0, 30)}`);
    }
  }
}

/** Does the tree need message headers or bodies? */
export function searchNeeds(key: SearchKey): { headers: boolean; body: boolean; modseq: boolean } {
  const acc = { headers: false, body: false, modseq: false };
  const walk = (k: SearchKey) => {
    switch (k.op) {
      case 'and':
        k.keys.forEach(walk);
        break;
      case 'or':
        walk(k.a);
        walk(k.b);
        break;
      case 'not':
        walk(k.key);
        break;
      case 'header':
        acc.headers = true;
        break;
      case 'date':
        if (k.field === 'sent') acc.headers = true;
        break;
      case 'body':
      case 'text':
        acc.headers = true;
        acc.body = true;
        break;
      case 'modseq':
        acc.modseq = true;
        break;
      default:
    }
  };
  walk(key);
  return acc;
}
