// SEARCH / UID SEARCH with CHARSET UTF-8, MODSEQ (RFC 7162) and ESEARCH return options (RFC 4731).
// Header and body keys read each candidate message once; nothing is kept beyond its structure.
import type { CommandSpec } from '../command-types.ts';
import { bad, no } from '../command-types.ts';
import type { MessageMeta } from '../../../maildir/types.ts';
import { parseSearch, searchNeeds, SearchSyntaxError } from '../protocol/search-query.ts';
import type { SearchKey } from '../protocol/search-query.ts';
import { inSequenceSet, resolveSequenceSet, formatSequenceSet } from '../protocol/sequence-set.ts';
import {
  decodeCharset,
  decodeEncodedWords,
  decodeTransfer,
  headerText,
  headerValue,
  param,
  parseMessageStructure,
  transferEncoding,
} from '../protocol/mime-structure.ts';
import type { MimePart } from '../protocol/mime-structure.ts';
import { quote } from '../protocol/response.ts';
import { requireSelected } from './helpers.ts';
import type { SelectedMailbox } from '../selected-mailbox.ts';

interface Candidate {
  msn: number;
  meta: MessageMeta;
  structure: MimePart | null;
  raw: Buffer | null;
  bodyText: string | null;
}

const fold = (s: string) => s.toLowerCase();

function dayOf(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

function sentDate(c: Candidate): Date | null {
  const v = c.structure ? headerValue(c.structure.headers, 'date') : null;
  if (!v) return null;
  const t = Date.parse(v.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(t) ? null : new Date(t);
}

function headerValues(c: Candidate, field: string): string[] {
  if (!c.structure) return [];
  return c.structure.headers.filter(([k]) => k === field).map(([, v]) => decodeEncodedWords(headerText(v)));
}

/** Decoded text of the message's text parts (for BODY/TEXT). */
function bodyText(c: Candidate): string {
  if (c.bodyText !== null) return c.bodyText;
  const raw = c.raw!;
  const out: string[] = [];
  const walk = (p: MimePart) => {
    if (p.message) {
      out.push(p.message.headers.map(([k, v]) => `${k}: ${decodeEncodedWords(headerText(v))}`).join('\n'));
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

function matches(key: SearchKey, c: Candidate, sel: SelectedMailbox, now: number): boolean {
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
      const d = key.field === 'internal' ? c.meta.internalDate : sentDate(c);
      if (!d) return false;
      const day = dayOf(d);
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
      const headers = c.structure ? c.structure.headers.map(([k, v]) => `${k}: ${decodeEncodedWords(headerText(v))}`).join('\n') : '';
      return fold(headers).includes(needle) || bodyText(c).includes(needle);
    }
    case 'modseq':
      return c.meta.modseq >= key.modseq;
  }
}

export const search: CommandSpec = {
  states: ['selected'],
  allowExpunge: false,
  async handler({ session, args, uid, tag }) {
    const sel = requireSelected(session);
    let parsed;
    try {
      parsed = parseSearch(args);
    } catch (err) {
      if (err instanceof SearchSyntaxError) throw bad(err.message);
      throw err;
    }
    if (parsed.charset && !['UTF-8', 'US-ASCII', 'UTF8'].includes(parsed.charset.toUpperCase())) {
      throw no('Only UTF-8 and US-ASCII are supported', 'BADCHARSET (UTF-8 US-ASCII)');
    }
    const needs = searchNeeds(parsed.key);
    if (needs.modseq) session.condstore = true;
    const metas = sel.uids.length ? await sel.handle.listMessages() : [];
    const user = session.user!.address;
    const now = Date.now();
    const found: Array<{ msn: number; uid: number; modseq: number }> = [];
    for (const meta of metas) {
      if (session.isClosed) return;
      const msn = sel.msnOf(meta.uid);
      if (!msn) continue;
      const c: Candidate = { msn, meta, structure: null, raw: null, bodyText: null };
      try {
        if (needs.body) {
          c.raw = await sel.handle.readMessageBuffer(meta.uid);
          c.structure = parseMessageStructure(c.raw);
        } else if (needs.headers) c.structure = await session.shared.structures.get(user, sel.handle, meta);
      } catch (err) {
        if ((err as { code?: string }).code === 'MESSAGE_GONE') continue;
        throw err;
      }
      if (matches(parsed.key, c, sel, now)) found.push({ msn, uid: meta.uid, modseq: meta.modseq });
    }
    const nums = found.map((f) => (uid ? f.uid : f.msn));
    const maxModseq = found.reduce((m, f) => Math.max(m, f.modseq), 0);
    if (parsed.returns) {
      let line = `* ESEARCH (TAG ${quote(tag)})${uid ? ' UID' : ''}`;
      const r = parsed.returns;
      if (nums.length) {
        if (r.includes('MIN')) line += ` MIN ${nums[0]}`;
        if (r.includes('MAX')) line += ` MAX ${nums[nums.length - 1]}`;
        if (r.includes('ALL')) line += ` ALL ${formatSequenceSet(nums)}`;
      }
      if (r.includes('COUNT')) line += ` COUNT ${nums.length}`;
      if (needs.modseq && nums.length) line += ` MODSEQ ${maxModseq}`;
      session.send([line + '\r\n']);
      return;
    }
    const modseqPart = needs.modseq && nums.length ? ` (MODSEQ ${maxModseq})` : '';
    session.send([`* SEARCH${nums.map((n) => ' ' + n).join('')}${modseqPart}\r\n`]);
  },
};
