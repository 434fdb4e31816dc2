// Property tests: random input never crashes the parser, never makes it hold more than the
// limits allow, and a live session keeps answering whatever a client sends.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { CommandReader } from '../../../../src/main/server/imap/protocol/command-reader.ts';
import { tokenizeCommand, ImapParseError } from '../../../../src/main/server/imap/protocol/tokenizer.ts';
import { parseSearch, SearchSyntaxError } from '../../../../src/main/server/imap/protocol/search-query.ts';
import { parseFetchItems, parseFetchRequest } from '../../../../src/main/server/imap/protocol/fetch-request.ts';
import { parseStoreRequest } from '../../../../src/main/server/imap/protocol/store-request.ts';
import { CommandError } from '../../../../src/main/server/imap/command-types.ts';
import { parseMessageStructure } from '../../../../src/main/mail/mime-tree.ts';
import { bodyStructure } from '../../../../src/main/server/imap/protocol/body-structure.ts';
import { envelope } from '../../../../src/main/server/imap/protocol/envelope.ts';
import { serializeToBuffer } from '../../../../src/main/server/imap/protocol/response.ts';
import { startTestServer } from '../../../support/imap-test-server.ts';
import { RawClient } from '../../../support/imap-raw-client.ts';
import { imapServerLimits } from '../../../../src/main/base/limits.ts';
import type { TestServer } from '../../../support/imap-test-server.ts';

const limits = { maxLineBytes: 512, maxLiteralBytes: 2048, maxCommandBytes: 4096, maxLiteralsPerCommand: 8 };

// Inputs that look like IMAP: tags, verbs, atoms, quoted strings, literals, brackets, parens.
const token = fc.oneof(
  fc.constantFrom(
    'a1',
    'UID',
    'FETCH',
    'SEARCH',
    'STORE',
    'LIST',
    'SELECT',
    'APPEND',
    'BODY[',
    'BODY.PEEK[',
    ']',
    '(',
    ')',
    '{',
    '}',
    '"',
    '\\',
    '*',
    '%',
    '1:*',
    '<0.5>',
    'HEADER.FIELDS',
    'BINARY.SIZE[',
    '+FLAGS.SILENT',
    '\\Seen',
    'UNCHANGEDSINCE',
    'CHANGEDSINCE',
    'VANISHED',
    'NOT',
    'OR',
    'CHARSET',
    'UTF-8',
    '{3}',
    '{2+}',
    '~{1}',
    'NIL',
    ' ',
    '\r\n',
    '\n',
    '\r',
  ),
  fc.string({ maxLength: 12 }),
  fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a).toString('latin1')),
);
const imapish = fc.array(token, { maxLength: 60 }).map((t) => Buffer.from(t.join(''), 'latin1'));

describe('parser fuzz', () => {
  it('never throws anything but parse errors and stays within its limits', () => {
    fc.assert(
      fc.property(fc.array(imapish, { maxLength: 8 }), (chunks) => {
        const r = new CommandReader(limits);
        for (const chunk of chunks) {
          for (const ev of r.push(chunk)) {
            expect(r.bufferedBytes).toBeLessThanOrEqual(limits.maxCommandBytes + limits.maxLineBytes);
            if (ev.kind !== 'command') continue;
            let cmd;
            try {
              cmd = tokenizeCommand(ev.command);
            } catch (err) {
              expect(err).toBeInstanceOf(ImapParseError);
              continue;
            }
            try {
              parseSearch(cmd.args);
            } catch (err) {
              expect(err).toBeInstanceOf(SearchSyntaxError);
            }
            try {
              parseFetchItems(cmd.args[1]);
            } catch (err) {
              expect(err).toBeInstanceOf(CommandError);
            }
            try {
              parseFetchRequest(cmd.args, { uid: true, qresync: true });
            } catch (err) {
              expect(err).toBeInstanceOf(CommandError);
            }
            try {
              parseStoreRequest(cmd.args);
            } catch (err) {
              expect(err).toBeInstanceOf(CommandError);
            }
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('parses any bytes as a message structure without throwing', () => {
    const mimeish = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            'Content-Type: multipart/mixed; boundary=b\r\n',
            '--b\r\n',
            '--b--\r\n',
            '\r\n',
            'Content-Type: message/rfc822\r\n',
            'Subject: x\r\n',
            'From: "a" <a@b>, group: c@d;\r\n',
            ' folded\r\n',
            'Content-Transfer-Encoding: base64\r\n',
          ),
          fc.string({ maxLength: 20 }),
        ),
        { maxLength: 40 },
      )
      .map((p) => Buffer.from(p.join(''), 'latin1'));
    fc.assert(
      fc.property(mimeish, (buf) => {
        const part = parseMessageStructure(buf);
        serializeToBuffer(bodyStructure(part, true));
        serializeToBuffer(envelope(part));
        expect(part.end).toBe(buf.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('live session fuzz', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('keeps answering after random lines, and memory stays bounded', async () => {
    const c = await RawClient.connect(srv.plain.port);
    await c.until(/\* OK/);
    expect(await c.cmd('l', `LOGIN ${srv.user} ${srv.password}`)).toMatch(/l OK/);
    await c.cmd('s', 'SELECT INBOX');
    const heapBefore = process.memoryUsage().heapUsed;
    let round = 0;
    // One session lives through every run, so fast-check's shrinking of a failure replays on a
    // session that may be gone: a failure names the last inputs this session was sent instead.
    const sent: string[] = [];
    const lastInput = (err: Error): never => {
      throw new Error(`${err.message}\nlast inputs: ${JSON.stringify(sent.slice(-3))}`);
    };
    await fc.assert(
      fc.asyncProperty(fc.array(imapish, { minLength: 1, maxLength: 10 }), async (lines) => {
        round++;
        // Keep each random line a complete line: no literal announcement at its end (the server
        // would rightly wait for the literal), no LOGOUT.
        const text = lines
          .map((l) => {
            let t = l
              .toString('latin1')
              .replace(/[\r\n]/g, ' ')
              .replace(/logout|idle|authenticate/gi, 'x');
            while (/\{\d*\+?\}?\s*$/.test(t)) t = t.replace(/\{\d*\+?\}?\s*$/, '');
            return t;
          })
          .join('\r\n');
        sent.push(text);
        c.write(Buffer.from(text + '\r\n', 'latin1'));
        const reply = await c.cmd(`z${round}`, 'NOOP').catch(lastInput);
        expect(reply).toMatch(new RegExp(`z${round} OK`));
      }),
      { numRuns: 150 },
    );
    // Literals of random sizes with random content are read exactly and the session goes on.
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.boolean(), async (bytes, plus) => {
        round++;
        sent.push(`SEARCH TEXT {${bytes.length}${plus ? '+' : ''}} ${Buffer.from(bytes).toString('hex').slice(0, 120)}…`);
        c.write(`q${round} SEARCH TEXT {${bytes.length}${plus ? '+' : ''}}\r\n`);
        if (!plus) await c.until(/\+ [^\r\n]*\r\n/).catch(lastInput);
        c.write(Buffer.from(bytes));
        c.write('\r\n');
        const reply = await c.until(new RegExp(`q${round} (OK|NO|BAD)[^\\r\\n]*\\r\\n`)).catch(lastInput);
        expect(reply).toMatch(new RegExp(`q${round} (OK|NO|BAD)`));
        // …and the next plain command is read as one.
        expect(await c.cmd(`n${round}`, 'NOOP').catch(lastInput)).toMatch(new RegExp(`n${round} OK`));
      }),
      { numRuns: 60 },
    );
    const heapAfter = process.memoryUsage().heapUsed;
    expect(heapAfter - heapBefore).toBeLessThan(200 * 1024 * 1024);
    expect(await c.cmd('end', 'NOOP')).toMatch(/end OK/);
    c.close();
  }, 120_000);

  it('ends a session after 50 invalid commands in a row; a valid one in between starts the count again', async () => {
    const limit = imapServerLimits.maxBadCommands;
    expect(limit).toBe(50);
    const c = await RawClient.connect(srv.plain.port);
    await c.until(/\* OK/);
    for (let i = 0; i < limit - 1; i++) c.write(`b${i} FROB\r\n`);
    expect(await c.cmd('n', 'NOOP')).toMatch(/n OK/);
    for (let i = 0; i < limit - 1; i++) c.write(`b${i} FROB\r\n`);
    await c.until(new RegExp(`b${limit - 2} BAD[^\\r\\n]*\\r\\n`));
    c.write(`b${limit - 1} FROB\r\n`);
    expect(await c.until(/\* BYE[^\r\n]*\r\n/)).toMatch(/\* BYE Too many invalid commands/);
    c.close();
  });

  it('closes a client that sends an oversized non-synchronizing literal, and others are unaffected', async () => {
    const bad = await RawClient.connect(srv.plain.port);
    await bad.until(/\* OK/);
    bad.write('a APPEND INBOX {999999999999+}\r\n');
    const bye = await bad.until(/\* BYE/);
    expect(bye).toMatch(/\* BYE Literal too large/);
    const good = await RawClient.connect(srv.plain.port);
    await good.until(/\* OK/);
    expect(await good.cmd('n', 'NOOP')).toMatch(/n OK/);
    good.close();
  });
});
