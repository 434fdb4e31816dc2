// The values SORT compares (RFC 5256 3) and the sort itself. Pure: works on search hits whose
// headers were read.
import addressparser from 'nodemailer/lib/addressparser';
import type { SortCriterion, SortKeyName } from './protocol/sort-criteria.ts';
import { baseSubject } from './protocol/base-subject.ts';
import { decodeEncodedWords, headerText } from '../../mail/decode.ts';
import { headerValue } from '../../mail/mime-tree.ts';
import { sentDateOf } from './search-eval.ts';
import type { SearchHit } from './search-eval.ts';

/** i;ascii-casemap (RFC 4790 9.2): ASCII letters compare upper-cased, everything else as is. */
const casemap = (s: string) => s.replace(/[a-z]+/g, (m) => m.toUpperCase());

/** The decoded Subject: header, or "" without one. */
export function subjectOf(hit: SearchHit): string {
  const v = hit.structure ? headerValue(hit.structure.headers, 'subject') : null;
  return v === null ? '' : decodeEncodedWords(headerText(v));
}

/** RFC 5256 2.2 sent date: the Date: header's instant, else the internal date. */
export function sentTimeOf(hit: SearchHit): number {
  return sentDateOf(hit.structure)?.time ?? hit.meta.internalDate.getTime();
}

/** addr-mailbox of the first address in a header (RFC 5256 3: FROM, TO, CC), or "". */
function firstMailbox(hit: SearchHit, field: string): string {
  const v = hit.structure ? headerValue(hit.structure.headers, field) : null;
  if (!v) return '';
  let parsed: ReturnType<typeof addressparser>;
  try {
    parsed = addressparser(headerText(v));
  } catch {
    return '';
  }
  const first = parsed[0];
  if (!first) return '';
  // A group's first envelope entry carries the group name as its mailbox (RFC 3501 7.4.2).
  if ('group' in first && first.group) return casemap(first.name ?? '');
  // A bare word is a mailbox without a domain, as ENVELOPE has it.
  const address = (first as { address?: string }).address || (first.name ?? '');
  const at = address.lastIndexOf('@');
  return casemap(at < 0 ? address : address.slice(0, at));
}

function sortValue(hit: SearchHit, key: SortKeyName): number | string {
  switch (key) {
    case 'ARRIVAL':
      return hit.meta.internalDate.getTime();
    case 'DATE':
      return sentTimeOf(hit);
    case 'SIZE':
      return hit.meta.size;
    case 'SUBJECT':
      return baseSubject(subjectOf(hit)).subject;
    case 'FROM':
    case 'TO':
    case 'CC':
      return firstMailbox(hit, key.toLowerCase());
  }
}

/** What SORT compares a message by: one value per criterion. */
export type SortValues = ReadonlyArray<number | string>;

export function sortValuesOf(hit: SearchHit, criteria: readonly SortCriterion[]): SortValues {
  return criteria.map((c) => sortValue(hit, c.key));
}

/**
 * SORT order of two messages by their values; equal ones by sequence number (RFC 5256 3), which
 * is UID order, so `a`/`b` may be either as long as both are the same kind.
 */
export function compareSorted(a: SortValues, an: number, b: SortValues, bn: number, criteria: readonly SortCriterion[]): number {
  for (let i = 0; i < criteria.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const cmp = x < y ? -1 : 1;
    return criteria[i]!.reverse ? -cmp : cmp;
  }
  return an - bn;
}

/** Hits in SORT order, with the values they were sorted by. */
export function sortHitsWithValues(hits: readonly SearchHit[], criteria: readonly SortCriterion[]): Array<{ hit: SearchHit; values: SortValues }> {
  const keyed = hits.map((hit) => ({ hit, values: sortValuesOf(hit, criteria) }));
  keyed.sort((a, b) => compareSorted(a.values, a.hit.msn, b.values, b.hit.msn, criteria));
  return keyed;
}

/** Hits in SORT order; equal ones by sequence number (RFC 5256 3). */
export function sortHits(hits: readonly SearchHit[], criteria: readonly SortCriterion[]): SearchHit[] {
  return sortHitsWithValues(hits, criteria).map((k) => k.hit);
}
