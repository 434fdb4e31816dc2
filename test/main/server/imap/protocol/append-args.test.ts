// APPEND arguments with MULTIAPPEND and CATENATE (RFC 3502, RFC 4469 5), as a table.
import { describe, it, expect } from 'vitest';
import { parseAppendMessages, AppendSyntaxError } from '../../../../../src/main/server/imap/protocol/append-args.ts';
import { tokenizeCommand } from '../../../../../src/main/server/imap/protocol/tokenizer.ts';

/** `{n}` marks where each literal goes, in order. */
function args(text: string, ...literals: string[]) {
  const fragments = text.split('{n}').map((f, i, all) => Buffer.from(i < all.length - 1 ? `${f}{${literals[i]!.length}}` : f));
  return tokenizeCommand({ fragments, literals: literals.map((l) => Buffer.from(l)) }).args.slice(1);
}

describe('parseAppendMessages', () => {
  it('reads a plain message with flags and date', () => {
    const [m] = parseAppendMessages(args('t APPEND INBOX (\\Seen) "17-Jul-1996 02:44:25 -0700" {n}', 'hello'));
    expect(m!.flags).toMatchObject({ type: 'list' });
    expect(m!.date!.toISOString()).toBe('1996-07-17T09:44:25.000Z');
    expect(m!.content).toEqual({ literal: Buffer.from('hello'), literal8: false });
  });

  it('reads CATENATE parts in order, mixed with plain messages', () => {
    const ms = parseAppendMessages(args('t APPEND INBOX CATENATE (TEXT {n} URL "/INBOX/;UID=1" TEXT ~{n}) {n}', 'a', 'b', 'c'));
    expect(ms.map((m) => m.content)).toEqual([
      { parts: [{ text: Buffer.from('a'), literal8: false }, { url: '/INBOX/;UID=1' }, { text: Buffer.from('b'), literal8: true }] },
      { literal: Buffer.from('c'), literal8: false },
    ]);
  });

  it('marks a literal8 message (RFC 3516 "~{n}")', () => {
    const [m] = parseAppendMessages(args('t APPEND INBOX ~{n}', 'bin'));
    expect(m!.content).toEqual({ literal: Buffer.from('bin'), literal8: true });
  });

  const bad: Array<[string, string[]]> = [
    ['t APPEND INBOX', []],
    ['t APPEND INBOX CATENATE ()', []],
    ['t APPEND INBOX CATENATE (FOO "x")', []],
    ['t APPEND INBOX CATENATE (URL)', []],
    ['t APPEND INBOX CATENATE (TEXT "not a literal")', []],
    ['t APPEND INBOX CATENATE', []],
    ['t APPEND INBOX "not a date" {n}', ['x']],
    ['t APPEND INBOX {n}', ['']],
  ];
  for (const [text, lits] of bad) it(`refuses ${text}`, () => expect(() => parseAppendMessages(args(text, ...lits))).toThrow(AppendSyntaxError));
});
