// STORE arguments as tables: command line -> typed request, or command line -> the BAD's text.
import { describe, it, expect } from 'vitest';
import { parseStoreRequest } from '../../../../../src/main/server/imap/protocol/store-request.ts';
import type { StoreRequest } from '../../../../../src/main/server/imap/protocol/store-request.ts';
import { badText, tokenizeLine } from '../../../../support/imap-command.ts';

const parse = (line: string): StoreRequest => parseStoreRequest(tokenizeLine(line).args);

const request = (mode: StoreRequest['mode'], flags: string[], rest: Partial<StoreRequest> = {}): StoreRequest => ({
  sequenceSet: [[1, 1]],
  mode,
  silent: false,
  flags,
  unchangedSince: null,
  enablesCondstore: false,
  ...rest,
});

const parsed: Array<[line: string, expected: StoreRequest]> = [
  // The three operations, with and without .SILENT, case-insensitive.
  ['STORE 1 FLAGS (\\Seen)', request('replace', ['\\Seen'])],
  ['STORE 1 +FLAGS (\\Seen)', request('add', ['\\Seen'])],
  ['STORE 1 -FLAGS (\\Seen)', request('remove', ['\\Seen'])],
  ['STORE 1 FLAGS.SILENT (\\Seen)', request('replace', ['\\Seen'], { silent: true })],
  ['STORE 1 +flags.silent (\\Seen)', request('add', ['\\Seen'], { silent: true })],
  ['STORE 1 -FLAGS.SILENT (\\Seen)', request('remove', ['\\Seen'], { silent: true })],
  // Sequence sets; UID STORE parses alike (the handler decides what the numbers are).
  [
    'STORE 1:3,5:* +FLAGS (\\Deleted)',
    request('add', ['\\Deleted'], {
      sequenceSet: [
        [1, 3],
        [5, Infinity],
      ],
    }),
  ],
  ['UID STORE * +FLAGS (\\Deleted)', request('add', ['\\Deleted'], { sequenceSet: [[Infinity, Infinity]] })],
  // Flags: system flags in their canonical spelling, keywords as given, duplicates dropped.
  ['STORE 1 +FLAGS (\\seen \\ANSWERED \\Flagged \\deleted \\Draft)', request('add', ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'])],
  ['STORE 1 FLAGS ($Forwarded NonJunk $label1)', request('replace', ['$Forwarded', 'NonJunk', '$label1'])],
  ['STORE 1 +FLAGS (\\Seen \\seen $A $A)', request('add', ['\\Seen', '$A'])],
  // A single bare flag, or several one after another (RFC 3501 store-att-flags).
  ['STORE 1 -FLAGS \\Deleted', request('remove', ['\\Deleted'])],
  ['STORE 1 +FLAGS \\Seen \\Flagged', request('add', ['\\Seen', '\\Flagged'])],
  // No flags: FLAGS () clears them; so does FLAGS with nothing after it.
  ['STORE 1 FLAGS ()', request('replace', [])],
  ['STORE 1 FLAGS', request('replace', [])],
  // UNCHANGEDSINCE (RFC 7162 3.1.3); any modifier list enables CONDSTORE.
  ['UID STORE 5 (UNCHANGEDSINCE 12) +FLAGS (\\Seen)', request('add', ['\\Seen'], { sequenceSet: [[5, 5]], unchangedSince: 12, enablesCondstore: true })],
  ['STORE 1 (unchangedsince 0) FLAGS.SILENT ()', request('replace', [], { silent: true, unchangedSince: 0, enablesCondstore: true })],
  ['STORE 1 () +FLAGS ($A)', request('add', ['$A'], { enablesCondstore: true })],
];

const refused: Array<[line: string, bad: string]> = [
  // Sequence set first, then modifiers, the operation, the flags.
  ['STORE', 'Invalid sequence set'],
  ['STORE x FLAGS (\\Seen)', 'Invalid sequence set'],
  ['STORE 0 FLAGS (\\Seen)', 'Invalid sequence set'],
  ['STORE 0 BOGUS', 'Invalid sequence set'],
  ['STORE 1 (BOGUS 1) FLAGS ()', 'Unknown STORE modifier'],
  ['STORE 1 (CHANGEDSINCE 1) FLAGS ()', 'Unknown STORE modifier'],
  ['STORE 1 ("UNCHANGEDSINCE" 1) FLAGS ()', 'Unknown STORE modifier'],
  ['STORE 1 (UNCHANGEDSINCE) FLAGS ()', 'UNCHANGEDSINCE must be a number'],
  ['STORE 1 (UNCHANGEDSINCE -1) FLAGS ()', 'UNCHANGEDSINCE must be a number'],
  ['STORE 1 (UNCHANGEDSINCE 9007199254740992) FLAGS ()', 'UNCHANGEDSINCE out of range'],
  ['STORE 1 (UNCHANGEDSINCE 1) BOGUS ()', 'Expected FLAGS, +FLAGS or -FLAGS'],
  ['STORE 1', 'Expected FLAGS, +FLAGS or -FLAGS'],
  ['STORE 1 FLAG (\\Seen)', 'Expected FLAGS, +FLAGS or -FLAGS'],
  ['STORE 1 *FLAGS (\\Seen)', 'Expected FLAGS, +FLAGS or -FLAGS'],
  ['STORE 1 +FLAGS.QUIET (\\Seen)', 'Expected FLAGS, +FLAGS or -FLAGS'],
  ['STORE 1 "FLAGS" (\\Seen)', 'Expected FLAGS, +FLAGS or -FLAGS'],
  ['STORE 1 (FLAGS) (\\Seen)', 'Unknown STORE modifier'],
  ['STORE 1 FLAGS (\\Recent)', 'Invalid flag'],
  ['STORE 1 FLAGS (\\Bogus)', 'Invalid flag'],
  ['STORE 1 FLAGS ("$A")', 'Invalid flag'],
  ['STORE 1 FLAGS (a]b)', 'Invalid flag'],
  ['STORE 1 FLAGS ((\\Seen))', 'Invalid flag'],
  ['STORE 1 FLAGS (\\Seen) (\\Draft)', 'Invalid flag'],
];

describe('STORE request', () => {
  it.each(parsed)('%j', (line, expected) => {
    expect(parse(line)).toEqual(expected);
  });

  it.each(refused)('%j is BAD', (line, text) => {
    expect(badText(() => parse(line))).toBe(text);
  });
});
