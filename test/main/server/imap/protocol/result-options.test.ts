// ESEARCH result options (RFC 4731, RFC 5267): parsing RETURN (…) and the ESEARCH line they ask for.
import { describe, it, expect } from 'vitest';
import { esearchLine, parseResultOptions, ResultOptionError } from '../../../../../src/main/server/imap/protocol/result-options.ts';
import type { ImapNode } from '../../../../../src/main/server/imap/protocol/tokenizer.ts';

const list = (...words: string[]): ImapNode => ({ type: 'list', items: words.map((value) => ({ type: 'atom', value })) }) as ImapNode;
const opts = (...words: string[]) => parseResultOptions(list(...words));

describe('parseResultOptions', () => {
  it('reads the options; an empty list means ALL (RFC 4731 3.1)', () => {
    expect(opts()).toMatchObject({ all: true, min: false });
    expect(opts('min', 'COUNT')).toMatchObject({ min: true, count: true, all: false });
    expect(opts('PARTIAL', '1:10')).toMatchObject({ partial: [1, 10], all: false });
    expect(opts('PARTIAL', '10:1').partial).toEqual([1, 10]);
    expect(opts('UPDATE', 'COUNT')).toMatchObject({ update: true, count: true });
  });
  it('UPDATE alone asks for updates only; CONTEXT alone is a hint, so ALL (RFC 5267 4.2, 4.3; as Dovecot)', () => {
    expect(opts('UPDATE')).toMatchObject({ update: true, all: false });
    expect(opts('CONTEXT')).toMatchObject({ context: true, all: true });
  });
  for (const bad of [['FOO'], ['PARTIAL'], ['PARTIAL', '0:5'], ['PARTIAL', '-1:-5'], ['PARTIAL', '1:2', 'ALL'], ['UPDATE', 'UPDATE']]) {
    it(`refuses ${bad.join(' ')}`, () => expect(() => opts(...bad)).toThrow(ResultOptionError));
  }
});

describe('esearchLine', () => {
  const hits = [
    { n: 2, modseq: 7 },
    { n: 3, modseq: 9 },
    { n: 4, modseq: 5 },
    { n: 8, modseq: 6 },
  ];
  const search = { sorted: false, modseq: true };
  const table: Array<[string[], string]> = [
    [['MIN'], 'MIN 2 MODSEQ 7'], // RFC 4731 3.2: a single MIN or MAX: that message's MODSEQ
    [['MAX'], 'MAX 8 MODSEQ 6'],
    [['MIN', 'MAX'], 'MIN 2 MAX 8 MODSEQ 7'], // both: the higher of the two
    [['COUNT'], 'COUNT 4 MODSEQ 9'], // otherwise: the highest of all
    [['MIN', 'COUNT'], 'MIN 2 COUNT 4 MODSEQ 9'],
    [['ALL'], 'ALL 2:4,8 MODSEQ 9'],
    [['PARTIAL', '2:3'], 'PARTIAL (2:3 3:4) MODSEQ 9'],
    [['PARTIAL', '4:9'], 'PARTIAL (4:9 8) MODSEQ 6'],
    [['COUNT', 'PARTIAL', '1:1', 'MIN'], 'MIN 2 PARTIAL (1:1 2) COUNT 4 MODSEQ 9'],
  ];
  for (const [words, want] of table) {
    it(`RETURN (${words.join(' ')})`, () => expect(esearchLine('t1', false, hits, opts(...words), search)).toBe(`* ESEARCH (TAG "t1") ${want}\r\n`));
  }

  it('leaves MIN, MAX, ALL and MODSEQ out when nothing matched, keeps COUNT 0 and PARTIAL NIL', () => {
    expect(esearchLine('t', true, [], opts('MIN', 'MAX', 'COUNT'), search)).toBe('* ESEARCH (TAG "t") UID COUNT 0\r\n');
    expect(esearchLine('t', false, [], opts('PARTIAL', '1:5'), search)).toBe('* ESEARCH (TAG "t") PARTIAL (1:5 NIL)\r\n');
    expect(esearchLine('t', false, [], opts(), search)).toBe('* ESEARCH (TAG "t")\r\n');
  });

  it('keeps the sort order for SORT (RFC 5267 3.1): MIN and MAX are the first and last sorted', () => {
    const sorted = [
      { n: 4, modseq: 1 },
      { n: 2, modseq: 1 },
      { n: 3, modseq: 1 },
      { n: 1, modseq: 1 },
    ];
    expect(esearchLine('s', false, sorted, opts('ALL', 'MIN', 'MAX', 'COUNT'), { sorted: true, modseq: false })).toBe(
      '* ESEARCH (TAG "s") MIN 4 MAX 1 ALL 4,2:3,1 COUNT 4\r\n',
    );
  });
});
