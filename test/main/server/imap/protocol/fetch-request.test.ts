// FETCH arguments as tables: command line -> typed request, or command line -> the BAD's text.
import { describe, it, expect } from 'vitest';
import { parseFetchItems, parseFetchRequest } from '../../../../../src/main/server/imap/protocol/fetch-request.ts';
import type { FetchItem, FetchRequest, MetadataName, SectionItem, StructureName } from '../../../../../src/main/server/imap/protocol/fetch-request.ts';
import { badText, tokenizeLine } from '../../../../support/imap-command.ts';

/** Parse a FETCH or UID FETCH line; QRESYNC is on unless said otherwise. */
function parse(line: string, qresync = true): FetchRequest {
  const cmd = tokenizeLine(line);
  return parseFetchRequest(cmd.args, { uid: cmd.name.startsWith('UID '), qresync });
}

const meta = (name: MetadataName): FetchItem => ({ kind: 'metadata', name });
const struct = (name: StructureName): FetchItem => ({ kind: 'structure', name });
const section = (responseName: string, fields: Partial<SectionItem> = {}): FetchItem => ({
  kind: 'section',
  responseName,
  binary: false,
  setsSeen: true,
  path: [],
  spec: { kind: 'all' },
  partial: null,
  ...fields,
});
const request = (items: FetchItem[], rest: Partial<FetchRequest> = {}): FetchRequest => ({
  sequenceSet: [[1, 1]],
  items,
  changedSince: null,
  vanished: false,
  enablesCondstore: false,
  ...rest,
});

const parsed: Array<[line: string, expected: FetchRequest]> = [
  // Sequence sets ("*" stays Infinity until the handler resolves it).
  [
    'FETCH 1:3,5,7:* (FLAGS)',
    request([meta('FLAGS')], {
      sequenceSet: [
        [1, 3],
        [5, 5],
        [7, Infinity],
      ],
    }),
  ],
  ['FETCH * FLAGS', request([meta('FLAGS')], { sequenceSet: [[Infinity, Infinity]] })],
  ['FETCH 4:2 FLAGS', request([meta('FLAGS')], { sequenceSet: [[2, 4]] })],
  ['FETCH "1:2" FLAGS', request([meta('FLAGS')], { sequenceSet: [[1, 2]] })],
  // One attribute, a list, case-insensitive names.
  ['FETCH 1 FLAGS', request([meta('FLAGS')])],
  ['fetch 1 (flags uid internaldate rfc822.size)', request([meta('FLAGS'), meta('UID'), meta('INTERNALDATE'), meta('RFC822.SIZE')])],
  ['FETCH 1 (ENVELOPE BODY BODYSTRUCTURE)', request([struct('ENVELOPE'), struct('BODY'), struct('BODYSTRUCTURE')])],
  ['FETCH 1 (MODSEQ)', request([meta('MODSEQ')], { enablesCondstore: true })],
  // Macros (RFC 3501 6.4.5), only as the whole item argument.
  ['FETCH 1 ALL', request([meta('FLAGS'), meta('INTERNALDATE'), meta('RFC822.SIZE'), struct('ENVELOPE')])],
  ['FETCH 1 fast', request([meta('FLAGS'), meta('INTERNALDATE'), meta('RFC822.SIZE')])],
  ['FETCH 1 FULL', request([meta('FLAGS'), meta('INTERNALDATE'), meta('RFC822.SIZE'), struct('ENVELOPE'), struct('BODY')])],
  // RFC822 forms answered under their own names.
  ['FETCH 1 RFC822', request([section('RFC822')])],
  ['FETCH 1 RFC822.HEADER', request([section('RFC822.HEADER', { setsSeen: false, spec: { kind: 'header' } })])],
  ['FETCH 1 (RFC822.TEXT)', request([section('RFC822.TEXT', { spec: { kind: 'text' } })])],
  // BODY[section]<partial> and BODY.PEEK.
  ['FETCH 1 BODY[]', request([section('BODY[]')])],
  ['FETCH 1 BODY.PEEK[]', request([section('BODY[]', { setsSeen: false })])],
  ['FETCH 1 body.peek[]<0.100>', request([section('BODY[]<0>', { setsSeen: false, partial: { start: 0, length: 100 } })])],
  ['FETCH 1 BODY[]<5>', request([section('BODY[]<5>', { partial: { start: 5, length: null } })])],
  ['FETCH 1 BODY[HEADER]', request([section('BODY[HEADER]', { spec: { kind: 'header' } })])],
  ['FETCH 1 BODY[text]', request([section('BODY[TEXT]', { spec: { kind: 'text' } })])],
  ['FETCH 1 BODY[1]', request([section('BODY[1]', { path: [1] })])],
  ['FETCH 1 BODY[1.2.3]<10.20>', request([section('BODY[1.2.3]<10>', { path: [1, 2, 3], partial: { start: 10, length: 20 } })])],
  ['FETCH 1 BODY[1.MIME]', request([section('BODY[1.MIME]', { path: [1], spec: { kind: 'mime' } })])],
  ['FETCH 1 BODY[2.HEADER]', request([section('BODY[2.HEADER]', { path: [2], spec: { kind: 'header' } })])],
  ['FETCH 1 BODY[2.TEXT]', request([section('BODY[2.TEXT]', { path: [2], spec: { kind: 'text' } })])],
  [
    'FETCH 1 BODY.PEEK[header.fields (from "To" Subject)]',
    request([section('BODY[HEADER.FIELDS (FROM TO SUBJECT)]', { setsSeen: false, spec: { kind: 'fields', fields: ['from', 'To', 'Subject'], not: false } })]),
  ],
  [
    'FETCH 1 BODY[1.2.HEADER.FIELDS.NOT (Received)]<0.50>',
    request([
      section('BODY[1.2.HEADER.FIELDS.NOT (RECEIVED)]<0>', {
        path: [1, 2],
        spec: { kind: 'fields', fields: ['Received'], not: true },
        partial: { start: 0, length: 50 },
      }),
    ]),
  ],
  ['FETCH 1 BODY[HEADER.FIELDS ({4+}\r\nDate)]', request([section('BODY[HEADER.FIELDS (DATE)]', { spec: { kind: 'fields', fields: ['Date'], not: false } })])],
  // BINARY (RFC 3516): part numbers only; BINARY.SIZE without a range.
  ['FETCH 1 BINARY[]', request([section('BINARY[]', { binary: true })])],
  ['FETCH 1 BINARY[1]', request([section('BINARY[1]', { binary: true, path: [1] })])],
  ['FETCH 1 binary.peek[1.2]<0.10>', request([section('BINARY[1.2]<0>', { binary: true, setsSeen: false, path: [1, 2], partial: { start: 0, length: 10 } })])],
  ['FETCH 1 BINARY.SIZE[2]', request([{ kind: 'binarySize', responseName: 'BINARY.SIZE[2]', path: [2] }])],
  ['FETCH 1 BINARY.SIZE[]', request([{ kind: 'binarySize', responseName: 'BINARY.SIZE[]', path: [] }])],
  // Several kinds in one list keep their order.
  [
    'FETCH 1 (UID BODY.PEEK[HEADER] BINARY.SIZE[1] ENVELOPE FLAGS)',
    request([
      meta('UID'),
      section('BODY[HEADER]', { setsSeen: false, spec: { kind: 'header' } }),
      { kind: 'binarySize', responseName: 'BINARY.SIZE[1]', path: [1] },
      struct('ENVELOPE'),
      meta('FLAGS'),
    ]),
  ],
  // UID FETCH always answers UID, first unless asked for elsewhere (RFC 3501 6.4.8).
  ['UID FETCH 1:* (FLAGS)', request([meta('UID'), meta('FLAGS')], { sequenceSet: [[1, Infinity]] })],
  ['UID FETCH 7 (FLAGS UID)', request([meta('FLAGS'), meta('UID')], { sequenceSet: [[7, 7]] })],
  ['UID FETCH 7 ALL', request([meta('UID'), meta('FLAGS'), meta('INTERNALDATE'), meta('RFC822.SIZE'), struct('ENVELOPE')], { sequenceSet: [[7, 7]] })],
  // CHANGEDSINCE adds MODSEQ and enables CONDSTORE; VANISHED with it in UID FETCH (RFC 7162).
  ['FETCH 1 (FLAGS) (CHANGEDSINCE 12345)', request([meta('FLAGS'), meta('MODSEQ')], { changedSince: 12345, enablesCondstore: true })],
  ['FETCH 1 (MODSEQ FLAGS) (changedsince 0)', request([meta('MODSEQ'), meta('FLAGS')], { changedSince: 0, enablesCondstore: true })],
  ['FETCH 1 FLAGS ()', request([meta('FLAGS')])],
  [
    'UID FETCH 1:* (FLAGS) (CHANGEDSINCE 5 VANISHED)',
    request([meta('UID'), meta('FLAGS'), meta('MODSEQ')], { sequenceSet: [[1, Infinity]], changedSince: 5, vanished: true, enablesCondstore: true }),
  ],
  [
    'UID FETCH 3 (FLAGS) (vanished CHANGEDSINCE 9007199254740991)',
    request([meta('UID'), meta('FLAGS'), meta('MODSEQ')], { sequenceSet: [[3, 3]], changedSince: 9007199254740991, vanished: true, enablesCondstore: true }),
  ],
];

const refused: Array<[line: string, bad: string]> = [
  // Sequence set first, then items, then modifiers, then the argument count.
  ['FETCH', 'Invalid sequence set'],
  ['FETCH 0 FLAGS', 'Invalid sequence set'],
  ['FETCH 1,,2 FLAGS', 'Invalid sequence set'],
  ['FETCH $ FLAGS', 'Invalid sequence set'],
  ['FETCH (1) FLAGS', 'Invalid sequence set'],
  ['FETCH 0 BOGUS', 'Invalid sequence set'],
  ['FETCH 1', 'FETCH items expected'],
  ['FETCH 1 ()', 'FETCH items expected'],
  ['FETCH 1 "FLAGS"', 'Invalid FETCH item'],
  ['FETCH 1 ("FLAGS")', 'Invalid FETCH item'],
  ['FETCH 1 ((FLAGS))', 'Invalid FETCH item'],
  ['FETCH 1 (ALL)', 'Unknown FETCH item ALL'],
  ['FETCH 1 bogus', 'Unknown FETCH item BOGUS'],
  ['FETCH 1 BODY.PEEK', 'Unknown FETCH item BODY.PEEK'],
  ['FETCH 1 BINARY', 'Unknown FETCH item BINARY'],
  [`FETCH 1 (FLAGS ${'X'.repeat(40)})`, `Unknown FETCH item ${'X'.repeat(30)}`],
  // Sections.
  ['FETCH 1 BODY[X]', 'Invalid section'],
  ['FETCH 1 BODY[(FROM)]', 'Invalid section'],
  ['FETCH 1 BODY["1"]', 'Invalid section'],
  ['FETCH 1 BODY[1 TEXT]', 'Invalid section'],
  ['FETCH 1 BODY[HEADER X]', 'Invalid section'],
  ['FETCH 1 BODY[1.HEADER.FIELDS (FROM) X]', 'Invalid section'],
  ['FETCH 1 BODY[1.FOO]', 'Invalid section'],
  ['FETCH 1 BODY[0]', 'Invalid part number'],
  ['FETCH 1 BODY[1.100001]', 'Invalid part number'],
  ['FETCH 1 BODY[MIME]', 'MIME needs a part number'],
  ['FETCH 1 BODY[HEADER.FIELDS]', 'Header field list expected'],
  ['FETCH 1 BODY[HEADER.FIELDS ()]', 'Header field list expected'],
  ['FETCH 1 BODY[HEADER.FIELDS FROM]', 'Header field list expected'],
  ['FETCH 1 BODY[HEADER.FIELDS (Fr:om)]', 'Invalid header field name'],
  ['FETCH 1 BODY[HEADER.FIELDS ((FROM))]', 'Invalid header field name'],
  ['FETCH 1 BODY[HEADER.FIELDS ("")]', 'Invalid header field name'],
  ['FETCH 1 BODY[]<0.0>', 'Empty partial range'],
  ['FETCH 1 BINARY[HEADER]', 'BINARY takes part numbers only'],
  ['FETCH 1 BINARY.PEEK[1.TEXT]', 'BINARY takes part numbers only'],
  ['FETCH 1 BINARY.SIZE[1.MIME]', 'BINARY takes part numbers only'],
  ['FETCH 1 BINARY.SIZE[1]<0.5>', 'BINARY.SIZE takes no range'],
  // Modifiers.
  ['FETCH 1 FLAGS CHANGEDSINCE', 'Invalid FETCH modifiers'],
  ['FETCH 1 FLAGS (BOGUS)', 'Unknown FETCH modifier'],
  ['FETCH 1 FLAGS ("CHANGEDSINCE" 1)', 'Unknown FETCH modifier'],
  ['FETCH 1 FLAGS (CHANGEDSINCE)', 'CHANGEDSINCE must be a number'],
  ['FETCH 1 FLAGS (CHANGEDSINCE x)', 'CHANGEDSINCE must be a number'],
  ['FETCH 1 FLAGS (CHANGEDSINCE "1")', 'CHANGEDSINCE must be a number'],
  ['FETCH 1 FLAGS (CHANGEDSINCE 12345678901234567890)', 'CHANGEDSINCE must be a number'],
  ['FETCH 1 FLAGS (CHANGEDSINCE 9007199254740992)', 'CHANGEDSINCE out of range'],
  ['FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)', 'VANISHED needs UID FETCH, QRESYNC and CHANGEDSINCE'],
  ['UID FETCH 1 FLAGS (VANISHED)', 'VANISHED needs UID FETCH, QRESYNC and CHANGEDSINCE'],
  ['FETCH 1 FLAGS (CHANGEDSINCE 1) X', 'Too many arguments'],
  ['FETCH 1 FLAGS (BOGUS) X', 'Unknown FETCH modifier'],
];

describe('FETCH request', () => {
  it.each(parsed)('%j', (line, expected) => {
    expect(parse(line)).toEqual(expected);
  });

  it.each(refused)('%j is BAD', (line, text) => {
    expect(badText(() => parse(line))).toBe(text);
  });

  it('refuses VANISHED while QRESYNC is not enabled', () => {
    expect(badText(() => parse('UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)', false))).toBe('VANISHED needs UID FETCH, QRESYNC and CHANGEDSINCE');
    expect(parse('UID FETCH 1:* FLAGS (CHANGEDSINCE 1)', false).changedSince).toBe(1);
  });

  it('refuses a partial range on an attribute without a section', () => {
    // The tokenizer gives ranges to sections only; the parser does not rely on it.
    expect(badText(() => parseFetchItems({ type: 'atom', value: 'FLAGS', partial: { start: 0, length: 1 } }))).toBe('Invalid FETCH item');
  });
});
