// Runs a parsed search (shared/search-query.ts) against main's cache: text terms become one FTS5
// MATCH expression, the other operators SQL conditions on the message rows.
//
// Speed at 100,000 messages: the FTS rowid orders documents by date (search-index.ts), so the
// query walks matches newest first and stops after `rankWindow` rows that pass the conditions;
// only those are scored with bm25 and re-ordered by relevance mixed with recency. Later pages
// continue by date. A common word thus costs the same as a rare one, and no query ranks every match.
import type { Address, MessageSummary } from '../../../shared/api.ts';
import { HearthError } from '../../../shared/errors.ts';
import type { ParsedQuery, SearchTerm, TextField } from '../../../shared/search-query.ts';
import { isSingleCjk, queryTokens } from '../../../shared/search-tokens.ts';
import { searchLimits } from '../../base/limits.ts';
import type { CacheDb } from './cache-db.ts';
import { DocFlag, dateOfDocid, docidOf } from './search-index.ts';
import { rowToMessage } from './messages.ts';

export interface SearchScope {
  accountId?: string;
  mailboxId?: number;
}

const COLUMNS: Record<TextField, string | null> = {
  any: null,
  from: 'sender',
  to: 'to_addrs',
  cc: 'cc_addrs',
  subject: 'subject',
  filename: 'filenames',
};
/** Weights by column, in the table's order: a word in the subject or sender counts more than one in the body. */
const COLUMN_WEIGHTS = { sender: 4, to_addrs: 1.5, cc_addrs: 1, subject: 5, body: 1, filenames: 2 } as const;
/** The same as bm25's arguments. */
const WEIGHTS = Object.values(COLUMN_WEIGHTS)
  .map((w) => w.toFixed(1))
  .join(', ');
const SEEN = JSON.stringify('\\Seen');
const FLAGGED = JSON.stringify('\\Flagged');
const DAY_MS = 86_400_000;

/** One text term as an FTS5 expression: a phrase of its tokens, column-filtered, maybe a prefix. Null if it has no tokens. */
function ftsTerm(t: Extract<SearchTerm, { kind: 'text' }>): string | null {
  const tokens = queryTokens(t.text);
  if (tokens.length === 0) return null;
  // One CJK character is indexed only as the start of its bigrams (and alone at a run's end): a prefix.
  const prefix = t.prefix || isSingleCjk(tokens[tokens.length - 1]!);
  const phrase = `"${tokens.join(' ').replace(/"/g, '""')}"${prefix ? ' *' : ''}`;
  const column = COLUMNS[t.field];
  return column ? `${column} : ${phrase}` : phrase;
}

interface Compiled {
  match: string | null;
  /** A MATCH for messages to leave out, when there is no positive text to subtract it from. */
  exclude: string | null;
  where: string[];
  params: (string | number)[];
  /** Some condition reads the message row (`m`), not only the search document (`d`). */
  readsRows: boolean;
  /** Docids (dates, search-index.ts) the date terms allow: `lo <= docid < hi`, null where unbounded. */
  docids: { lo: number | null; hi: number | null };
}

/**
 * The docids a date term allows, a superset of its dates (a docid holds the date to the second);
 * null when unbounded. `exact`: the bound allows exactly the term's dates (it is a whole second).
 */
function docidBounds(t: Extract<SearchTerm, { kind: 'date' }>): { lo: number | null; hi: number | null; exact: boolean } {
  // Negated, or outside the docid's range of seconds (which clamps): left to the row condition alone.
  if (t.negated || t.at < 1000 || t.at + 1000 >= dateOfDocid(Number.MAX_SAFE_INTEGER)) return { lo: null, hi: null, exact: false };
  const whole = t.at % 1000 === 0;
  // after: date >= at, so its second >= at's. before: date < at, so its second <= at's (< at's when at is whole).
  return t.op === 'after' ? { lo: docidOf(t.at), hi: null, exact: whole } : { lo: null, hi: docidOf(whole ? t.at : t.at + 1000), exact: whole };
}

/**
 * The query as SQL over the message rows (`m`); when it has words to MATCH, over the search
 * documents (`d`) where they suffice: flags from d.flags, dates from the docid bounds where exact.
 */
function compile(cache: CacheDb, parsed: ParsedQuery, scope: SearchScope): Compiled {
  const matches = parsed.terms.some((t) => t.kind === 'text' && !t.negated && ftsTerm(t) !== null);
  const on = matches ? 'documents' : 'rows';
  const positive: string[] = [];
  const negative: string[] = [];
  const where: string[] = [];
  const params: (string | number)[] = [];
  const docids: Compiled['docids'] = { lo: null, hi: null };
  let readsRows = false;
  /** A condition on the search document alone. */
  const docCond = (sql: string, negated: boolean, ...values: (string | number)[]) => {
    where.push(negated ? `NOT (${sql})` : sql);
    params.push(...values);
  };
  /** A condition on the message row. */
  const cond = (sql: string, negated: boolean, ...values: (string | number)[]) => {
    docCond(sql, negated, ...values);
    readsRows = true;
  };
  if (scope.accountId !== undefined) cond('m.account_id = ?', false, scope.accountId);
  if (scope.mailboxId !== undefined) cond('m.mailbox_id = ?', false, scope.mailboxId);
  for (const t of parsed.terms) {
    switch (t.kind) {
      case 'text': {
        const expr = ftsTerm(t);
        if (expr) (t.negated ? negative : positive).push(expr);
        break;
      }
      case 'flag': {
        const seen = t.flag === 'unread' || t.flag === 'read';
        const set = t.flag === 'read' || t.flag === 'flagged';
        if (on === 'documents') docCond(`(d.flags & ${seen ? DocFlag.seen : DocFlag.flagged}) ${set ? '<>' : '='} 0`, t.negated);
        else cond(`instr(m.flags, ?) ${set ? '>' : '='} 0`, t.negated, seen ? SEEN : FLAGGED);
        break;
      }
      case 'attachment':
        cond('m.has_attachments = 1', t.negated);
        break;
      case 'folder': {
        const ids = folderIds(cache, t.name, scope.accountId);
        cond(`m.mailbox_id IN (${ids.map(() => '?').join(',')})`, t.negated, ...ids);
        break;
      }
      case 'account': {
        const ids = accountIds(cache, t.name);
        cond(`m.account_id IN (${ids.map(() => '?').join(',')})`, t.negated, ...ids);
        break;
      }
      case 'date': {
        const { lo, hi, exact } = docidBounds(t);
        if (on === 'rows' || !exact) cond(t.op === 'before' ? 'm.date < ?' : 'm.date >= ?', t.negated, t.at);
        if (lo !== null) docids.lo = Math.max(docids.lo ?? lo, lo);
        if (hi !== null) docids.hi = Math.min(docids.hi ?? hi, hi);
        break;
      }
      case 'size':
        cond(t.op === 'larger' ? 'm.size > ?' : 'm.size < ?', t.negated, t.bytes);
        break;
    }
  }
  let match: string | null = positive.length ? positive.join(' AND ') : null;
  let exclude: string | null = null;
  if (negative.length) {
    if (match) match = `(${match}) NOT (${negative.join(' OR ')})`;
    else exclude = negative.join(' OR ');
  }
  return { match, exclude, where, params, readsRows, docids };
}

/** The folders `in:NAME` means: by path, name or role (inbox, sent, drafts, trash, junk/spam, archive). */
function folderIds(cache: CacheDb, name: string, accountId: string | undefined): number[] {
  const want = name.toLowerCase();
  const role = want === 'spam' ? 'junk' : want;
  const rows = cache.db
    .prepare(
      `SELECT id FROM mailboxes WHERE (?1 IS NULL OR account_id = ?1)
       AND (lower(path) = ?2 OR lower(name) = ?2 OR lower(special_use) = '\\' || ?3)`,
    )
    .all(accountId ?? null, want, role) as { id: number }[];
  if (rows.length === 0) throw new HearthError('INVALID_ARGUMENT', `No folder is called "${name}"`, { field: 'query' });
  return rows.map((r) => r.id);
}

/** The accounts `account:NAME` means: by id, name or address (case-insensitive). */
function accountIds(cache: CacheDb, name: string): string[] {
  const want = name.toLowerCase();
  const ids = cache.accounts
    .list()
    .filter((a) => a.id.toLowerCase() === want || a.name.toLowerCase() === want || a.email.toLowerCase() === want)
    .map((a) => a.id);
  if (ids.length === 0) throw new HearthError('INVALID_ARGUMENT', `No account is called "${name}"`, { field: 'query' });
  return ids;
}

interface Hit {
  id: number;
  /** ms since the epoch, to the second (from the docid). */
  date: number;
  score: number;
}

/** A positive text term as the words it must match, in order (what `ftsTerm` makes a phrase of). */
interface TermWords {
  field: TextField;
  words: string[];
  prefix: boolean;
}

/** Case and accents folded as unicode61 (remove_diacritics 2) folds them, for matching in JS. */
const fold = (token: string) => token.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * The positive text terms when bm25() would cost more than walking the window, else null. FTS5's
 * bm25() first counts every phrase's documents over the whole index, whatever the LIMIT: a phrase
 * of two words or more (positions checked in each document) about 15 ms at 100,000 messages, and
 * an excluded word as much as an included one (`word -word2 is:unread`: 6 ms of its 7, against
 * 1 ms for the walk). Such a query is ranked by where its terms are instead (placeScores).
 */
function placeRankedTerms(parsed: ParsedQuery): TermWords[] | null {
  const terms = parsed.terms.flatMap((t) =>
    t.kind === 'text' && !t.negated ? [{ field: t.field, words: queryTokens(t.text).map(fold), prefix: t.prefix }] : [],
  );
  const excludes = parsed.terms.some((t) => t.kind === 'text' && t.negated);
  return excludes || terms.some((t) => t.words.length > 1) ? terms : null;
}

/** Whether `words` (folded) hold `term` as consecutive words, its last one maybe a prefix. */
function holds(words: string[], term: TermWords): boolean {
  const n = term.words.length;
  for (let i = 0; i + n <= words.length; i++) {
    let j = 0;
    while (j < n && (words[i + j] === term.words[j] || (term.prefix && j === n - 1 && words[i + j]!.startsWith(term.words[j]!)))) j++;
    if (j === n) return true;
  }
  return false;
}

/** A whole text folded as `fold` folds each of its words, final sigma too: it holds every word they fold to. */
const foldText = (text: string) => fold(text).replace(/ς/g, 'σ');

/**
 * Scores in bm25's sense (lower is better) from where each term is, with bm25's column weights:
 * the subject's, the sender's, To's, else (Cc, body, attachment names, which are not read) the
 * body's. A term restricted to a field scores that field's weight the same way. Reads the window's
 * subjects and addresses, not its bodies, and splits a field into words only when its folded text
 * holds the term's first word (most of a window has its terms in the body alone).
 */
function placeScores(cache: CacheDb, hits: Hit[], terms: TermWords[]): Hit[] {
  if (hits.length === 0) return hits;
  const rows = cache
    .prepared('SELECT id, subject, addrs FROM messages WHERE id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(hits.map((h) => h.id))) as { id: number; subject: string; addrs: string }[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const words = (text: string) => queryTokens(text).map(fold);
  const people = (list: Address[]) => words(list.map((x) => `${x.name} ${x.address}`).join(' '));
  const firstWords = terms.map((t) => foldText(t.words[0] ?? ''));
  const { subject, sender, to_addrs: to, body: elsewhere } = COLUMN_WEIGHTS;
  const fieldWeight: Partial<Record<TextField, number>> = { subject, from: sender, to };
  return hits.map((h) => {
    const r = byId.get(h.id);
    const text = r && { subject: foldText(r.subject), addrs: foldText(r.addrs) };
    let subjectWords: string[] | undefined;
    let addrs: { from: string[]; to: string[] } | undefined;
    const addrWords = () => {
      const a = JSON.parse(r!.addrs) as { from: Address[]; to: Address[] };
      return { from: people(a.from), to: people(a.to) };
    };
    let score = 0;
    terms.forEach((t, i) => {
      const inSubject = r && text!.subject.includes(firstWords[i]!);
      const inAddrs = r && text!.addrs.includes(firstWords[i]!);
      if (t.field !== 'any') score += fieldWeight[t.field] ?? elsewhere;
      else if (inSubject && holds((subjectWords ??= words(r.subject)), t)) score += subject;
      else if (inAddrs && holds((addrs ??= addrWords()).from, t)) score += sender;
      else if (inAddrs && holds((addrs ??= addrWords()).to, t)) score += to;
      else score += elsewhere;
    });
    return { ...h, score: -score };
  });
}

/** Relevance (bm25, normalised within the window) mixed with recency (a half-life decay). */
function rank(hits: Hit[], now: number): Hit[] {
  const best = Math.max(...hits.map((h) => -h.score), 1e-9);
  const score = (h: Hit) => {
    const ageDays = Math.max(0, (now - h.date) / DAY_MS);
    return 0.65 * (-h.score / best) + 0.35 * 0.5 ** (ageDays / searchLimits.recencyHalfLifeDays);
  };
  return hits
    .map((h) => ({ h, s: score(h) }))
    .sort((a, b) => b.s - a.s || b.h.date - a.h.date)
    .map((x) => x.h);
}

/** The rows of `ids`, in that order. */
function rowsInOrder(cache: CacheDb, ids: number[]): MessageSummary[] {
  if (ids.length === 0) return [];
  const rows = cache.prepared('SELECT * FROM messages WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as Record<string, unknown>[];
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [rowToMessage(r)] : [];
  });
}

/**
 * A page of the messages matching `parsed` within `scope`: the newest `rankWindow` matches first,
 * ranked, then older ones by date. `now` anchors the recency in the ranking.
 */
export function searchMessages(
  cache: CacheDb,
  parsed: ParsedQuery,
  scope: SearchScope,
  page: { offset: number; limit: number; now: number },
): MessageSummary[] {
  const c = compile(cache, parsed, scope);
  if (!c.match) return newestMatching(cache, c, page);
  const extra = c.where.length ? ` AND ${c.where.join(' AND ')}` : '';
  // The window: ids, docids (dates) and bm25 only; the rows are read for the page alone. Without
  // row conditions (flags and whole-second dates are the document's) the messages are not joined.
  const want = Math.max(searchLimits.rankWindow, page.offset + page.limit);
  const join = c.readsRows ? ' JOIN messages m ON m.id = d.message_id' : '';
  // Date terms also bound the docids, so FTS5 starts and stops its walk at their dates instead of
  // walking every older match only for the row condition to drop it.
  const bounds = (c.docids.lo !== null ? ' AND search_fts.rowid >= ?' : '') + (c.docids.hi !== null ? ' AND search_fts.rowid < ?' : '');
  const boundParams = [c.docids.lo, c.docids.hi].filter((b) => b !== null);
  const placed = placeRankedTerms(parsed);
  const window = cache
    .prepared(
      `SELECT d.message_id AS id, search_fts.rowid AS docid, ${placed ? '0' : `bm25(search_fts, ${WEIGHTS})`} AS score FROM search_fts
       JOIN search_docs d ON d.docid = search_fts.rowid${join}
       WHERE search_fts MATCH ?${bounds}${extra} ORDER BY search_fts.rowid DESC LIMIT ?`,
    )
    .all(c.match, ...boundParams, ...c.params, want) as { id: number; docid: number; score: number }[];
  const hits = window.map((w) => ({ id: w.id, date: dateOfDocid(w.docid), score: w.score }));
  const ranked = hits.slice(0, searchLimits.rankWindow);
  const ordered = rank(placed ? placeScores(cache, ranked, placed) : ranked, page.now).concat(hits.slice(searchLimits.rankWindow));
  return rowsInOrder(
    cache,
    ordered.slice(page.offset, page.offset + page.limit).map((h) => h.id),
  );
}

/** No text to rank by: newest first, straight from the rows, less those an excluded text matches. */
function newestMatching(cache: CacheDb, c: Compiled, page: { offset: number; limit: number }): MessageSummary[] {
  const extra = c.where.length ? ` AND ${c.where.join(' AND ')}` : '';
  const exclude = c.exclude
    ? ` AND m.id NOT IN (SELECT d.message_id FROM search_docs d WHERE d.docid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?))`
    : '';
  const rows = cache
    .prepared(`SELECT m.* FROM messages m WHERE 1${extra}${exclude} ORDER BY m.date DESC, m.id DESC LIMIT ? OFFSET ?`)
    .all(...c.params, ...(c.exclude ? [c.exclude] : []), page.limit, page.offset) as Record<string, unknown>[];
  return rows.map(rowToMessage);
}

/** Of the messages `ids` (from a server's SEARCH), those that also pass the query's non-text conditions, newest first. */
export function filterMessages(cache: CacheDb, parsed: ParsedQuery, scope: SearchScope, ids: number[]): MessageSummary[] {
  if (ids.length === 0) return [];
  const c = compile(cache, { terms: parsed.terms.filter((t) => t.kind !== 'text') }, scope);
  const extra = c.where.length ? ` AND ${c.where.join(' AND ')}` : '';
  const rows = cache.db
    .prepare(`SELECT m.* FROM messages m WHERE m.id IN (SELECT value FROM json_each(?))${extra} ORDER BY m.date DESC`)
    .all(JSON.stringify(ids), ...c.params) as Record<string, unknown>[];
  return rows.map(rowToMessage);
}
