// ESEARCH result options (RFC 4731 3.1, RFC 5267 4) for SEARCH RETURN and SORT RETURN: parsed
// from the RETURN list, and the ESEARCH response line they ask for. Pure.
import type { ImapNode } from './tokenizer.ts';
import { formatSequenceSet, formatUidList } from './sequence-set.ts';
import { quote } from './response.ts';

export interface ResultOptions {
  min: boolean;
  max: boolean;
  all: boolean;
  count: boolean;
  save: boolean;
  /** RFC 5267 4.4 PARTIAL lo:hi, 1-based positions in the result. */
  partial: readonly [number, number] | null;
  /** RFC 5267 4.2 UPDATE / 4.3 CONTEXT (hints the client may send). */
  update: boolean;
  context: boolean;
}

export class ResultOptionError extends Error {
  override name = 'ResultOptionError';
}

/** The list after RETURN. "RETURN ()" means ALL (RFC 4731 3.1). */
export function parseResultOptions(node: ImapNode | undefined): ResultOptions {
  if (node?.type !== 'list') throw new ResultOptionError('RETURN options expected');
  const o: ResultOptions = { min: false, max: false, all: false, count: false, save: false, partial: null, update: false, context: false };
  const items = node.items;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    const word = it.type === 'atom' && !it.section ? it.value.toUpperCase() : '';
    switch (word) {
      case 'MIN':
      case 'MAX':
      case 'ALL':
      case 'COUNT':
      case 'SAVE':
      case 'CONTEXT':
        o[word.toLowerCase() as 'min'] = true;
        break;
      case 'UPDATE':
        // One context per command (RFC 5267 4.3; Dovecot answers BAD too).
        if (o.update) throw new ResultOptionError('UPDATE given twice');
        o.update = true;
        break;
      case 'PARTIAL': {
        const r = items[++i];
        const m = r?.type === 'atom' ? /^([1-9]\d{0,9}):([1-9]\d{0,9})$/.exec(r.value) : null;
        if (!m) throw new ResultOptionError('PARTIAL range expected');
        const a = Number(m[1]);
        const b = Number(m[2]);
        o.partial = a <= b ? [a, b] : [b, a];
        break;
      }
      default:
        throw new ResultOptionError('Unknown RETURN option');
    }
  }
  // RFC 5267 4.4: PARTIAL and ALL both ask for the list; one of them only.
  if (o.partial && o.all) throw new ResultOptionError('PARTIAL conflicts with ALL');
  // RFC 4731 3.1: only a list without result options means ALL. CONTEXT is a hint (RFC 5267
  // 4.2); UPDATE asks for updates alone, as SAVE asks for a saved result alone (Dovecot agrees).
  if (!o.min && !o.max && !o.all && !o.count && !o.save && !o.partial && !o.update) o.all = true;
  return o;
}

export interface ResultHit {
  /** MSN or UID as the command answers. */
  n: number;
  modseq: number;
}

/**
 * `* ESEARCH (TAG "t") [UID] MIN … MAX … ALL … PARTIAL (…) COUNT … MODSEQ …` (Dovecot's order). `hits` are in
 * result order: ascending for SEARCH, sort order for SORT (RFC 5267 3.1: MIN and MAX are then
 * the first and last in that order, and ALL keeps the order).
 */
export function esearchLine(tag: string, uid: boolean, hits: readonly ResultHit[], o: ResultOptions, opts: { sorted: boolean; modseq: boolean }): string {
  const set = (nums: number[]) => (opts.sorted ? formatUidList(nums) : formatSequenceSet(nums));
  let line = `* ESEARCH (TAG ${quote(tag)})${uid ? ' UID' : ''}`;
  // The messages whose MODSEQ counts (RFC 4731 3.2): the one MIN or MAX names, both of them, or
  // all that were returned.
  const returned: ResultHit[] = [];
  if (hits.length) {
    if (o.min) {
      line += ` MIN ${hits[0]!.n}`;
      returned.push(hits[0]!);
    }
    if (o.max) {
      line += ` MAX ${hits[hits.length - 1]!.n}`;
      returned.push(hits[hits.length - 1]!);
    }
    if (o.all) {
      line += ` ALL ${set(hits.map((h) => h.n))}`;
      returned.push(...hits);
    }
  }
  if (o.partial) {
    const [lo, hi] = o.partial;
    const slice = hits.slice(lo - 1, hi);
    line += ` PARTIAL (${lo}:${hi} ${slice.length ? set(slice.map((h) => h.n)) : 'NIL'})`;
    returned.push(...slice);
  }
  if (o.count) {
    line += ` COUNT ${hits.length}`;
    returned.push(...hits);
  }
  if (opts.modseq && returned.length) line += ` MODSEQ ${returned.reduce((m, h) => Math.max(m, h.modseq), 0)}`;
  return line + '\r\n';
}
