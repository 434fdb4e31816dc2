// Base subject extraction (RFC 5256 2.1) as a table.
import { describe, it, expect } from 'vitest';
import { baseSubject } from '../../../../../src/main/server/imap/protocol/base-subject.ts';

describe('baseSubject', () => {
  const table: Array<[string, string, boolean]> = [
    ['hello', 'HELLO', false],
    ['Re: hello', 'HELLO', true],
    ['RE:hello', 'HELLO', true],
    ['Fwd: Re: FW: hello', 'HELLO', true],
    ['re [list]: hello', 'HELLO', true], // subj-refwd with a blob before the colon
    ['[list] Re: hello', 'HELLO', true],
    ['[list] [other] hello', 'HELLO', false],
    ['[list]', '[LIST]', false], // a blob alone stays
    ['hello (fwd)', 'HELLO', true],
    ['hello (fwd) (FWD)  ', 'HELLO', true],
    ['[Fwd: hello]', 'HELLO', true],
    ['[fwd: Re: [list] hello (fwd)]', 'HELLO', true],
    ['  \t hello\r\n  world  ', 'HELLO WORLD', false],
    ['Re: ', '', true],
    ['', '', false],
    ['Reply: hello', 'REPLY: HELLO', false], // "Reply" is not "re"
    ['Grüße', 'GRüßE', false], // only ASCII letters are folded
  ];
  for (const [input, subject, replyOrForward] of table) {
    it(JSON.stringify(input), () => expect(baseSubject(input)).toEqual({ subject, replyOrForward }));
  }
});
