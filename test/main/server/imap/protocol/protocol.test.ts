import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CommandReader } from '../../../../../src/main/server/imap/protocol/command-reader.ts';
import type { ReaderEvent } from '../../../../../src/main/server/imap/protocol/command-reader.ts';
import { tokenizeCommand, ImapParseError, nodeText } from '../../../../../src/main/server/imap/protocol/tokenizer.ts';
import type { ParsedCommand } from '../../../../../src/main/server/imap/protocol/tokenizer.ts';
import { parseSequenceSet, resolveSequenceSet, formatSequenceSet, formatUidList } from '../../../../../src/main/server/imap/protocol/sequence-set.ts';
import { serializeToBuffer, atom, formatInternalDate, parseImapDate, astring } from '../../../../../src/main/server/imap/protocol/response.ts';
import { parseSearch } from '../../../../../src/main/server/imap/protocol/search-query.ts';
import { parseFetchItems } from '../../../../../src/main/server/imap/protocol/fetch-request.ts';
import { imapServerLimits } from '../../../../../src/main/base/limits.ts';

const limits = { ...imapServerLimits, maxLineBytes: 200, maxLiteralBytes: 1000, maxCommandBytes: 1500 };

function commandsOf(events: ReaderEvent[]): ParsedCommand[] {
  return events.filter((e) => e.kind === 'command').map((e) => tokenizeCommand((e as Extract<ReaderEvent, { kind: 'command' }>).command));
}

function parseLine(line: string): ParsedCommand {
  const r = new CommandReader(imapServerLimits);
  const cmds = commandsOf(r.push(Buffer.from(line + '\r\n')));
  expect(cmds).toHaveLength(1);
  return cmds[0]!;
}

describe('command reader', () => {
  it('splits pipelined commands and keeps partial lines across chunks', () => {
    const r = new CommandReader(limits);
    const ev1 = r.push(Buffer.from('a1 NOOP\r\na2 CAPA'));
    expect(commandsOf(ev1).map((c) => c.name)).toEqual(['NOOP']);
    const ev2 = r.push(Buffer.from('BILITY\r\n'));
    expect(commandsOf(ev2).map((c) => [c.tag, c.name])).toEqual([['a2', 'CAPABILITY']]);
  });

  it('asks for a continuation for a synchronizing literal, not for LITERAL+', () => {
    const r = new CommandReader(limits);
    const ev = r.push(Buffer.from('a LOGIN {5}\r\n'));
    expect(ev).toEqual([{ kind: 'continue' }]);
    const ev2 = r.push(Buffer.from('alice {3+}\r\npw!\r\n'));
    expect(ev2.map((e) => e.kind)).toEqual(['command']);
    const cmd = commandsOf(ev2)[0]!;
    expect(cmd.args.map((a) => nodeText(a))).toEqual(['alice', 'pw!']);
  });

  it('reads literals byte by byte, including CRLF inside', () => {
    const r = new CommandReader(limits);
    const input = Buffer.from('x APPEND INBOX {12}\r\nab\r\ncd\r\nef\r\n\r\n');
    const events: ReaderEvent[] = [];
    for (const b of input) events.push(...r.push(Buffer.from([b])));
    const cmds = commandsOf(events);
    expect(cmds).toHaveLength(1);
    expect((cmds[0]!.args[1] as { value: Buffer }).value.toString()).toBe('ab\r\ncd\r\nef\r\n');
  });

  it('rejects an over-long line with the tag and goes on', () => {
    const r = new CommandReader(limits);
    const ev = r.push(Buffer.from(`t1 LOGIN ${'x'.repeat(300)}\r\nt2 NOOP\r\n`));
    expect(ev[0]).toEqual({ kind: 'error', tag: 't1', reason: 'Command line too long', fatal: false });
    expect(commandsOf(ev).map((c) => c.tag)).toEqual(['t2']);
  });

  it('rejects an oversized synchronizing literal without waiting for it, fatal for LITERAL+', () => {
    const r = new CommandReader(limits);
    const ev = r.push(Buffer.from('t1 APPEND INBOX {5000}\r\nt2 NOOP\r\n'));
    expect(ev[0]).toMatchObject({ kind: 'error', tag: 't1', fatal: false });
    expect(commandsOf(ev).map((c) => c.tag)).toEqual(['t2']);
    const r2 = new CommandReader(limits);
    expect(r2.push(Buffer.from('t1 APPEND INBOX {5000+}\r\n'))[0]).toMatchObject({ kind: 'error', fatal: true });
  });

  it('bounds the bytes held for a command', () => {
    const r = new CommandReader(limits);
    r.push(Buffer.from('t1 APPEND INBOX {900+}\r\n' + 'x'.repeat(900) + ' {900+}\r\n'));
    expect(r.bufferedBytes).toBeLessThanOrEqual(limits.maxCommandBytes);
  });
});

describe('tokenizer', () => {
  it('parses quoted strings with escapes, NIL, lists and atoms', () => {
    const c = parseLine('A001 LIST "" "Foo \\"bar\\" \\\\ baz"');
    expect(c.name).toBe('LIST');
    expect(c.args.map((a) => nodeText(a))).toEqual(['', 'Foo "bar" \\ baz']);
    const s = parseLine('a STORE 1:3,5 +FLAGS.SILENT (\\Seen $Forwarded)');
    expect(s.args[2]).toEqual({
      type: 'list',
      items: [
        { type: 'atom', value: '\\Seen' },
        { type: 'atom', value: '$Forwarded' },
      ],
    });
  });

  it('merges UID with its command', () => {
    const c = parseLine('7 uid fetch 1:* (FLAGS)');
    expect(c.name).toBe('UID FETCH');
    expect(c.args[0]).toEqual({ type: 'atom', value: '1:*' });
  });

  it('parses FETCH body sections with fields and partial ranges', () => {
    const c = parseLine('a FETCH 1 (BODY.PEEK[1.2.HEADER.FIELDS (From "To")]<10.200> BINARY[3] BODY[])');
    const list = c.args[1] as unknown as { items: Array<Record<string, unknown>> };
    expect(list.items[0]).toMatchObject({ type: 'atom', value: 'BODY.PEEK', partial: { start: 10, length: 200 } });
    expect(list.items[0]!.section).toEqual([
      { type: 'atom', value: '1.2.HEADER.FIELDS' },
      {
        type: 'list',
        items: [
          { type: 'atom', value: 'From' },
          { type: 'string', value: Buffer.from('To'), literal: false },
        ],
      },
    ]);
    expect(list.items[2]).toEqual({ type: 'atom', value: 'BODY', section: [] });
    const items = parseFetchItems(c.args[1]);
    expect(items[0]).toMatchObject({ kind: 'section', setsSeen: false, path: [1, 2], spec: { kind: 'fields', fields: ['From', 'To'], not: false } });
    expect(items[1]).toMatchObject({ kind: 'section', binary: true, path: [3] });
  });

  it('keeps brackets in mailbox names that are not fetch sections', () => {
    const c = parseLine('a LIST "" [Gmail]/*');
    expect(nodeText(c.args[1])).toBe('[Gmail]/*');
  });

  it('rejects malformed commands with the tag', () => {
    for (const line of ['a1 LOGIN "unterminated', 'a1 FETCH 1 (FLAGS', 'a1 FETCH 1 BODY[HEADER', '+ NOOP', '(x) NOOP']) {
      const r = new CommandReader(imapServerLimits);
      const ev = r.push(Buffer.from(line + '\r\n'));
      expect(() => commandsOf(ev)).toThrow(ImapParseError);
    }
  });

  it('parses 8-bit UTF-8 quoted strings', () => {
    const c = parseLine('a SEARCH CHARSET UTF-8 SUBJECT "Grüße"');
    expect(nodeText(c.args[3])).toBe('Grüße');
  });
});

describe('sequence sets', () => {
  it('parses, resolves * and formats', () => {
    expect(parseSequenceSet('1:3,5,7:*')).toEqual([
      [1, 3],
      [5, 5],
      [7, Infinity],
    ]);
    expect(resolveSequenceSet(parseSequenceSet('4:*')!, 2)).toEqual([[2, 4]]);
    expect(parseSequenceSet('0')).toBeNull();
    expect(parseSequenceSet('1,,2')).toBeNull();
    expect(formatSequenceSet([5, 1, 2, 3, 9])).toBe('1:3,5,9');
    expect(formatUidList([4, 5, 6, 2])).toBe('4:6,2');
  });
});

describe('serialiser', () => {
  it('quotes, escapes, uses literals for CR/LF and NIL for null', () => {
    expect(serializeToBuffer([null, 1, 'a "q"', atom('\\Seen'), 'x\r\ny']).toString()).toBe('(NIL 1 "a \\"q\\"" \\Seen {4}\r\nx\r\ny)');
    expect(astring('INBOX')).toBe('INBOX');
    expect(astring('My Folder')).toBe('"My Folder"');
  });

  it('formats and parses dates', () => {
    const d = parseImapDate('17-Jul-1996 02:44:25 -0700', true)!;
    expect(d.toISOString()).toBe('1996-07-17T09:44:25.000Z');
    expect(formatInternalDate(d)).toBe('17-Jul-1996 09:44:25 +0000');
    expect(parseImapDate('1-Feb-1994', false)!.toISOString()).toBe('1994-02-01T00:00:00.000Z');
    expect(parseImapDate('31-Foo-1994', false)).toBeNull();
  });
});

describe('search query', () => {
  it('parses nested OR/NOT, dates, headers, MODSEQ and RETURN', () => {
    const c = parseLine('a UID SEARCH RETURN (MIN COUNT) CHARSET UTF-8 OR (FROM "bob" SINCE 1-Jan-2020) NOT SEEN MODSEQ "/flags/\\\\draft" all 620 1:5');
    const q = parseSearch(c.args);
    expect(q.returns).toMatchObject({ min: true, count: true, max: false, all: false, partial: null });
    expect(q.charset).toBe('UTF-8');
    expect(q.key).toMatchObject({
      op: 'and',
      keys: [
        {
          op: 'or',
          a: {
            op: 'and',
            keys: [
              { op: 'header', field: 'from', value: 'bob' },
              { op: 'date', field: 'internal', cmp: 'since' },
            ],
          },
          b: { op: 'not', key: { op: 'flag', flag: '\\Seen', set: true } },
        },
        { op: 'modseq', modseq: 620 },
        { op: 'seq', ranges: [[1, 5]] },
      ],
    });
    expect(() => parseSearch(parseLine('a SEARCH FROM').args)).toThrow();
    expect(() => parseSearch(parseLine('a SEARCH BOGUS').args)).toThrow();
  });
});

// Client commands recorded from real clients talking to our server (see ../fixtures/*.txt, recorded by ../clients.test.ts).
describe('recorded client transcripts', () => {
  const dir = path.join(import.meta.dirname, '../fixtures');
  const files = readdirSync(dir).filter((f) => f.endsWith('.client.txt'));
  it('has transcripts', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    it(`parses every command of ${f}`, () => {
      const r = new CommandReader(imapServerLimits);
      const data = readFileSync(path.join(dir, f));
      const events = r.push(data);
      expect(events.filter((e) => e.kind === 'error')).toEqual([]);
      const cmds: ParsedCommand[] = [];
      let saslNext = false;
      for (const e of events) {
        if (e.kind !== 'command') continue;
        // The line after "AUTHENTICATE PLAIN" (without initial response) is SASL data, not a command.
        if (saslNext) {
          saslNext = false;
          expect(e.command.fragments[0]!.toString()).toMatch(/^[A-Za-z0-9+/=]+$/);
          continue;
        }
        const c = tokenizeCommand(e.command);
        saslNext = c.name === 'AUTHENTICATE' && c.args.length === 1;
        cmds.push(c);
      }
      expect(cmds.length).toBeGreaterThan(3);
      for (const c of cmds) expect(c.tag.length).toBeGreaterThan(0);
    });
  }
});
