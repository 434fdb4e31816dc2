// SORT criteria (RFC 5256 3): "(REVERSE DATE SUBJECT)" into a list. Pure.
import type { ImapNode } from './tokenizer.ts';

export const SORT_KEYS = ['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO'] as const;
export type SortKeyName = (typeof SORT_KEYS)[number];

export interface SortCriterion {
  key: SortKeyName;
  reverse: boolean;
}

export class SortSyntaxError extends Error {
  override name = 'SortSyntaxError';
}

export function parseSortCriteria(node: ImapNode | undefined): SortCriterion[] {
  if (node?.type !== 'list' || !node.items.length) throw new SortSyntaxError('Sort criteria expected');
  const out: SortCriterion[] = [];
  let reverse = false;
  for (const it of node.items) {
    const word = it.type === 'atom' && !it.section ? it.value.toUpperCase() : '';
    if (word === 'REVERSE') {
      if (reverse) throw new SortSyntaxError('REVERSE twice');
      reverse = true;
      continue;
    }
    if (!(SORT_KEYS as readonly string[]).includes(word)) throw new SortSyntaxError(`Unknown sort key ${word.slice(0, 20)}`);
    out.push({ key: word as SortKeyName, reverse });
    reverse = false;
  }
  if (reverse) throw new SortSyntaxError('REVERSE needs a sort key after it');
  return out;
}
