// SORT criteria (RFC 5256 3) as a table.
import { describe, it, expect } from 'vitest';
import { parseSortCriteria, SortSyntaxError } from '../../../../../src/main/server/imap/protocol/sort-criteria.ts';
import type { ImapNode } from '../../../../../src/main/server/imap/protocol/tokenizer.ts';

const list = (text: string): ImapNode =>
  ({
    type: 'list',
    items: text
      .split(' ')
      .filter(Boolean)
      .map((value) => ({ type: 'atom', value })),
  }) as ImapNode;

describe('parseSortCriteria', () => {
  it('reads keys, each optionally reversed', () => {
    expect(parseSortCriteria(list('reverse DATE subject'))).toEqual([
      { key: 'DATE', reverse: true },
      { key: 'SUBJECT', reverse: false },
    ]);
    expect(parseSortCriteria(list('ARRIVAL CC FROM SIZE TO')).map((c) => c.key)).toEqual(['ARRIVAL', 'CC', 'FROM', 'SIZE', 'TO']);
  });
  for (const bad of ['', 'REVERSE', 'DATE REVERSE', 'REVERSE REVERSE DATE', 'DATE FOO', 'DISPLAYFROM']) {
    it(`refuses (${bad})`, () => expect(() => parseSortCriteria(list(bad))).toThrow(SortSyntaxError));
  }
  it('refuses a non-list', () => expect(() => parseSortCriteria({ type: 'atom', value: 'DATE' } as ImapNode)).toThrow(SortSyntaxError));
});
