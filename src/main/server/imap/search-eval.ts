// The SEARCH key evaluator that SEARCH, SORT and THREAD share: which messages of the selected
// mailbox match a key tree (RFC 3501 6.4.4). Header and body keys read each candidate message
// once; nothing is kept beyond what the caller asked for.
import type { MessageMeta } from '../../maildir/types.ts';
import type { SearchKey } from './protocol/search-query.ts';
import { searchNeeds } from './protocol/search-query.ts';
import { inSequenceSet, resolveSequenceSet } from './protocol/sequence-set.ts';
import { parseSentDate } from './protocol/sent-date.ts';
import type { SentDate } from './protocol/sent-date.ts';
import { decodeCharset, decodeHeaderBytes, decodeTransfer } from '../../mail/decode.ts';
import { addressListText } from '../../mail/address-list.ts';
import { headerValue, param, parseMessageStructure, transferEncoding } from '../../mail/mime-tree.ts';
import type { MimePart } from '../../mail/mime-tree.ts';
import type { ImapSession } from './session.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';

/** A message that matched, with its headers when the key or the caller needed them. */
export interface SearchHit {
  msn: number;
  uid: number;
  meta: MessageMeta;
  structure: MimePart | null;
}

/** A message as the evaluator reads it: its raw bytes and body text once a key needed them. */
export interface Candidate extends SearchHit {
  raw: Buffer | null;
  bodyText: string | null;
}

const fold = (s: string) => s.toLowerCase();

function dayOf(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** The Date: header of a message, or null when it has none that parses. */
export function sentDateOf(structure: MimePart | null): SentDate | null {
  const v = structure ? headerValue(structure.headers, 'date') : null;
  return v ? parseSentDate(v) : null;
}

/** Address fields, which also match as their addresses (see addressListText). */
const ADDRESS_FIELDS = new Set(['from', 'sender', 'reply-to', 'to', 'cc', 'bcc']);

/**
 * A header's values as text to match. Raw 8-bit bytes inside an encoded word are read in its
 * charset (decodeHeaderBytes). An address field is also matched as its address list with the
 * comments and white space of its addr-specs removed (RFC 5322 3.4.1 CFWS), so "user@domain.org"
 * matches "<user (comment)@ domain.org>"; the raw text stays matchable (HEADER FROM uses it too).
 */
function headerValues(c: Candidate, field: string): string[] {
  if (!c.structure) return [];
  const values = c.structure.headers.filter(([k]) => k === field).map(([, v]) => v);
  if (ADDRESS_FIELDS.has(field)) return values.flatMap((v) => [decodeHeaderBytes(v), addressListText(v)]);
  return values.map((v) => decodeHeaderBytes(v));
}

/** Decoded text of the message's text parts (for BODY/TEXT). */
function bodyText(c: Candidate): string {
  if (c.bodyText !== null) return c.bodyText;
  const raw = c.raw!;
  const out: string[] = [];
  const walk = (p: MimePart) => {
    if (p.message) {
      out.push(p.message.headers.map(([k, v]) => `${k}: ${decodeHeaderBytes(v)}`).join('\n'));
      walk(p.message);
      return;
    }
    if (p.children.length) return p.children.forEach(walk);
    if (p.contentType.type !== 'text') return;
    const decoded = decodeTransfer(raw.subarray(p.bodyStart, p.end), transferEncoding(p)) ?? raw.subarray(p.bodyStart, p.end);
    let text = decodeCharset(decoded, param(p.contentType, 'charset'));
    if (p.contentType.subtype === 'html') text = text.replace(/<[^>]*>/g, ' ');
    out.push(text);
  };
  walk(c.structure!);
  c.bodyText = fold(out.join('\n'));
  return c.bodyText;
}

/** Whether a message matches a key tree, given what loadCandidate read of it. */
export function matches(key: SearchKey, c: Candidate, sel: SelectedMailbox, now: number): boolean {
  switch (key.op) {
    case 'all':
      return true;
    case 'and':
      return key.keys.every((k) => matches(k, c, sel, now));
    case 'or':
      return matches(key.a, c, sel, now) || matches(key.b, c, sel, now);
    case 'not':
      return !matches(key.key, c, sel, now);
    case 'seq':
      return inSequenceSet(resolveSequenceSet(key.ranges, sel.exists), c.msn);
    case 'uid':
      return inSequenceSet(resolveSequenceSet(key.ranges, sel.maxUid), c.meta.uid);
    case 'flag': {
      const has = c.meta.flags.some((f) => f.toLowerCase() === key.flag.toLowerCase());
      return has === key.set;
    }
    case 'new':
      return sel.isRecent(c.meta.uid) && !c.meta.flags.includes('\\Seen');
    case 'recent':
      return sel.isRecent(c.meta.uid);
    case 'old':
      return !sel.isRecent(c.meta.uid);
    case 'date': {
      // Internal dates by their UTC day; sent dates by the day written in the header (RFC 3501 6.4.4).
      const day = key.field === 'internal' ? dayOf(c.meta.internalDate) : sentDateOf(c.structure)?.day;
      if (day === undefined) return false;
      const ref = key.date.getTime();
      return key.cmp === 'before' ? day < ref : key.cmp === 'on' ? day === ref : day >= ref;
    }
    case 'age': {
      const age = (now - c.meta.internalDate.getTime()) / 1000;
      return key.older ? age >= key.seconds : age <= key.seconds;
    }
    case 'size':
      return key.larger ? c.meta.size > key.size : c.meta.size < key.size;
    case 'header': {
      const values = headerValues(c, key.field);
      if (!key.value) return values.length > 0;
      const needle = fold(key.value);
      return values.some((v) => fold(v).includes(needle));
    }
    case 'body':
      return bodyText(c).includes(fold(key.value));
    case 'text': {
      const needle = fold(key.value);
      const headers = c.structure ? c.structure.headers.map(([k, v]) => `${k}: ${decodeHeaderBytes(v)}`).join('\n') : '';
      return fold(headers).includes(needle) || bodyText(c).includes(needle);
    }
    case 'modseq':
      return c.meta.modseq >= key.modseq;
  }
}

/**
 * A message of the view read as far as `needs` asks: its parsed header (from the shared cache) or,
 * for BODY/TEXT, its bytes. Null when it was expunged meanwhile.
 */
export async function loadCandidate(
  session: ImapSession,
  sel: SelectedMailbox,
  meta: MessageMeta,
  needs: { headers: boolean; body: boolean },
): Promise<Candidate | null> {
  const c: Candidate = { msn: sel.msnOf(meta.uid), uid: meta.uid, meta, structure: null, raw: null, bodyText: null };
  try {
    if (needs.body) {
      c.raw = await sel.handle.readMessageBuffer(meta.uid);
      c.structure = parseMessageStructure(c.raw);
    } else if (needs.headers) c.structure = await session.shared.structures.get(session.user!.address, sel.handle, meta);
  } catch (err) {
    if ((err as { code?: string }).code === 'MESSAGE_GONE') return null;
    throw err;
  }
  return c;
}

/**
 * The messages in the session's view that match `key`, ascending MSN; null when the session
 * closed meanwhile. `withHeaders` parses every hit's header even if the key does not need it
 * (SORT and THREAD read Subject, Date, References, …).
 */
export async function searchMailbox(session: ImapSession, sel: SelectedMailbox, key: SearchKey, withHeaders = false): Promise<SearchHit[] | null> {
  const needs = searchNeeds(key);
  const load = { headers: needs.headers || withHeaders, body: needs.body };
  const metas = sel.uids.length ? await sel.handle.listMessages() : [];
  const now = Date.now();
  const found: SearchHit[] = [];
  for (const meta of metas) {
    if (session.isClosed) return null;
    if (!sel.msnOf(meta.uid)) continue;
    const c = await loadCandidate(session, sel, meta, load);
    if (c && matches(key, c, sel, now)) found.push({ msn: c.msn, uid: meta.uid, meta, structure: withHeaders ? c.structure : null });
  }
  return found;
}
