// THREAD algorithms (RFC 5256 4-5) and the THREAD response syntax, as tables.
import { describe, it, expect } from 'vitest';
import { formatThreads, msgIds, threadOrderedSubject, threadReferences } from '../../../../src/main/server/imap/thread.ts';
import type { ThreadMessage } from '../../../../src/main/server/imap/thread.ts';
import { baseSubject } from '../../../../src/main/server/imap/protocol/base-subject.ts';

/** [subject, hour of the sent date, Message-ID, references…]; numbered from 1 in order. */
type Row = [string, number, string | null, ...string[]];
const messages = (rows: Row[]): ThreadMessage[] =>
  rows.map(([subject, hour, id, ...refs], i) => ({
    n: i + 1,
    msn: i + 1,
    date: hour * 3_600_000,
    subject: baseSubject(subject),
    messageId: id && `<${id}>`,
    references: refs.map((r) => `<${r}>`),
  }));

describe('THREAD=REFERENCES', () => {
  const table: Array<[string, Row[], string]> = [
    [
      'a chain is written flat',
      [
        ['a', 1, 'a'],
        ['Re: a', 2, 'b', 'a'],
        ['Re: a', 3, 'c', 'a', 'b'],
      ],
      '(1 2 3)',
    ],
    [
      'a branch gets one list per child',
      [
        ['a', 1, 'a'],
        ['Re: a', 2, 'b', 'a'],
        ['Re: a', 3, 'c', 'a'],
      ],
      '(1 (2)(3))',
    ],
    [
      'children by date, then by number',
      [
        ['a', 5, 'a'],
        ['Re: a', 9, 'b', 'a'],
        ['Re: a', 7, 'c', 'a'],
        ['Re: a', 7, 'd', 'a'],
      ],
      '(1 (3)(4)(2))',
    ],
    [
      'threads by the date of their first message',
      [
        ['x', 5, 'x'],
        ['y', 1, 'y'],
        ['z', 3, 'z'],
      ],
      '(2)(3)(1)',
    ],
    [
      'a missing parent with two replies becomes a dummy',
      [
        ['Re: q', 2, 'b', 'a'],
        ['Re: q', 1, 'c', 'a'],
      ],
      '((2)(1))',
    ],
    [
      'a missing parent with one reply is pruned',
      [
        ['Re: q', 2, 'b', 'a'],
        ['other', 1, 'o'],
      ],
      '(2)(1)',
    ],
    [
      'a middle message missing: the reply hangs under the one before',
      [
        ['a', 1, 'a'],
        ['Re: a', 3, 'c', 'a', 'b'],
      ],
      '(1 2)',
    ],
    [
      'In-Reply-To stands in for References (given as the last reference)',
      [
        ['a', 1, 'a'],
        ['Re: a', 2, 'b', 'a'],
      ],
      '(1 2)',
    ],
    [
      'same base subject: a reply joins the original',
      [
        ['hello', 1, 'a'],
        ['Re: hello', 2, 'b'],
        ['Fwd: hello', 3, 'c'],
      ],
      '(1 (2)(3))',
    ],
    [
      'same base subject, neither a reply: siblings under a dummy',
      [
        ['hello', 1, 'a'],
        ['hello', 2, 'b'],
      ],
      '((1)(2))',
    ],
    [
      'an empty subject is never grouped',
      [
        ['', 1, 'a'],
        ['', 2, 'b'],
      ],
      '(1)(2)',
    ],
    [
      'a reference loop is not closed: the later link is dropped',
      [
        ['a', 1, 'a', 'b'],
        ['b', 2, 'b', 'a'],
      ],
      '(2 1)',
    ],
    [
      'a duplicate Message-ID makes the second message stand alone',
      [
        ['a', 1, 'a'],
        ['b', 2, 'a'],
        ['Re: a', 3, 'c', 'a'],
      ],
      '(1 3)(2)',
    ],
    [
      'no Message-ID at all',
      [
        ['a', 1, null],
        ['b', 2, null],
      ],
      '(1)(2)',
    ],
    ['a reference to itself is ignored', [['a', 1, 'a', 'a']], '(1)'],
  ];
  for (const [what, rows, want] of table) it(what, () => expect(formatThreads(threadReferences(messages(rows)))).toBe(want));
});

describe('THREAD=ORDEREDSUBJECT', () => {
  const table: Array<[string, Row[], string]> = [
    [
      'groups by base subject, the earliest first, the rest its children',
      [
        ['Re: b', 3, null],
        ['a', 2, null],
        ['b', 1, null],
        ['Fwd: b', 4, null],
      ],
      '(3 (1)(4))(2)',
    ],
    [
      'one follower is written flat',
      [
        ['x', 1, null],
        ['Re: x', 2, null],
      ],
      '(1 2)',
    ],
    [
      'References play no part',
      [
        ['x', 1, 'x'],
        ['y', 2, 'y', 'x'],
      ],
      '(1)(2)',
    ],
  ];
  for (const [what, rows, want] of table) it(what, () => expect(formatThreads(threadOrderedSubject(messages(rows)))).toBe(want));
});

describe('msgIds', () => {
  it('finds the msg-ids, folding removed', () => {
    expect(msgIds('<a@x> <b\r\n @x>, junk <c@x>')).toEqual(['<a@x>', '<b@x>', '<c@x>']);
    expect(msgIds('no ids here')).toEqual([]);
    expect(msgIds(null)).toEqual([]);
  });
});
