// Pure parts of the POP3 server: command lines, bounded line splitting, byte-stuffing, SASL PLAIN.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineSplitter, parseCommandLine, parseLineCount, parseMessageNumber } from '../../../../../src/main/server/pop3/protocol/line-parser.ts';
import { DotStuffer } from '../../../../../src/main/server/pop3/protocol/dot-stuffer.ts';
import { decodePlain } from '../../../../../src/main/server/pop3/commands/auth.ts';
import { DotUnstuffer } from '../../../../../src/main/client/pop3/index.ts';

function stuffAll(message: Buffer, cuts: number[], bodyLines?: number): Buffer {
  const s = new DotStuffer(bodyLines);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...new Set(cuts.map((c) => c % (message.length + 1)))].sort((a, b) => a - b).concat(message.length)) {
    out.push(s.feed(message.subarray(prev, p)));
    prev = p;
    if (s.done) break;
  }
  out.push(s.end());
  return Buffer.concat(out);
}

function unstuff(wire: Buffer): { body: Buffer; done: boolean; rest: Buffer } {
  const r = new DotUnstuffer().feed(wire);
  return { body: Buffer.concat(r.parts), done: r.done, rest: r.rest };
}

describe('command line parser', () => {
  it('splits verb and arguments, verbs case-insensitive', () => {
    expect(parseCommandLine('retr 1')).toEqual({ ok: true, command: { verb: 'RETR', args: ['1'] } });
    expect(parseCommandLine('TOP 1 10 ')).toEqual({ ok: true, command: { verb: 'TOP', args: ['1', '10'] } });
    expect(parseCommandLine('LIST 1  2')).toMatchObject({ ok: false });
    expect(parseCommandLine('PASS a b  c ')).toEqual({ ok: true, command: { verb: 'PASS', args: ['a b  c '] } });
    expect(parseCommandLine('PASS')).toEqual({ ok: true, command: { verb: 'PASS', args: [] } });
    expect(parseCommandLine('')).toMatchObject({ ok: false });
    expect(parseCommandLine('RE\0TR')).toMatchObject({ ok: false });
    expect(parseCommandLine('X1 2')).toMatchObject({ ok: false });
    expect(parseMessageNumber('12')).toBe(12);
    for (const bad of ['0', '-1', '+1', '1e3', '', ' 1', '9999999999', undefined]) expect(parseMessageNumber(bad)).toBeNull();
    expect(parseLineCount('0')).toBe(0);
  });

  it('never throws and always gives a verb or an error (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (line) => {
        const r = parseCommandLine(line);
        if (r.ok) {
          expect(r.command.verb).toMatch(/^[A-Z]{3,4}$/);
          expect(r.command.args.every((a) => a.length > 0 && !a.includes(' '))).toBe(true);
        } else {
          expect(r.error.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('LineSplitter', () => {
  it('bounds lines and recovers at the next line end', () => {
    const s = new LineSplitter(16);
    expect(s.push(Buffer.from('NOOP\r\nST'))).toEqual([{ line: 'NOOP' }]);
    expect(s.push(Buffer.from('AT\r\n' + 'X'.repeat(40)))).toEqual([{ line: 'STAT' }, { tooLong: true }]);
    expect(s.push(Buffer.from('XXXX\r\nQUIT\n'))).toEqual([{ line: 'QUIT' }]);
  });

  it('gives the same lines however the bytes are cut (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[ -~]{0,40}$/), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), (lines, cuts) => {
        const wire = Buffer.from(lines.map((l) => l + '\r\n').join(''));
        const s = new LineSplitter(32);
        const got: unknown[] = [];
        let prev = 0;
        for (const p of [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b).concat(wire.length)) {
          got.push(...s.push(wire.subarray(prev, p)));
          prev = p;
        }
        expect(got).toEqual(lines.map((l) => (l.length + 2 > 32 ? { tooLong: true } : { line: l })));
      }),
      { numRuns: 500 },
    );
  });
});

describe('DotStuffer', () => {
  it('stuffs leading dots, ends with CRLF.CRLF, and the client decoder restores the bytes (fast-check)', () => {
    const line = fc.stringMatching(/^[.a-z ]{0,10}$/);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 15 }), fc.array(fc.nat(), { maxLength: 6 }), (lines, cuts) => {
        const message = Buffer.from(lines.map((l) => l + '\r\n').join(''));
        const wire = stuffAll(message, cuts);
        expect(wire.toString()).not.toMatch(/(^|\r\n)\.[^.\r]/);
        const r = unstuff(wire);
        expect(r.done).toBe(true);
        expect(r.rest.length).toBe(0);
        expect(r.body.equals(message)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('turns bare LF into CRLF and completes an unterminated last line', () => {
    expect(stuffAll(Buffer.from('a\nb\r\n.c\nd'), []).toString()).toBe('a\r\nb\r\n..c\r\nd\r\n.\r\n');
    expect(stuffAll(Buffer.from('a\r'), []).toString()).toBe('a\r\n.\r\n');
    expect(stuffAll(Buffer.alloc(0), []).toString()).toBe('.\r\n');
  });

  it('TOP stops after the header, the blank line and n body lines, wherever the chunks are cut', () => {
    const msg = Buffer.from('Subject: x\r\nX-A: .y\r\n\r\n.one\r\ntwo\r\nthree\r\n');
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 5 }), (cuts) => {
        expect(stuffAll(msg, cuts, 0).toString()).toBe('Subject: x\r\nX-A: .y\r\n\r\n.\r\n');
        expect(stuffAll(msg, cuts, 2).toString()).toBe('Subject: x\r\nX-A: .y\r\n\r\n..one\r\ntwo\r\n.\r\n');
        expect(stuffAll(msg, cuts, 9).toString()).toBe('Subject: x\r\nX-A: .y\r\n\r\n..one\r\ntwo\r\nthree\r\n.\r\n');
      }),
      { numRuns: 200 },
    );
  });
});

describe('SASL PLAIN decoding', () => {
  it('accepts authcid/passwd with an empty or equal authzid only', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    expect(decodePlain(b64('\0alice@home.arpa\0pw with space'))).toEqual({ authcid: 'alice@home.arpa', password: 'pw with space' });
    expect(decodePlain(b64('alice@home.arpa\0alice@home.arpa\0pw'))).toEqual({ authcid: 'alice@home.arpa', password: 'pw' });
    expect(decodePlain(b64('bob@home.arpa\0alice@home.arpa\0pw'))).toBeNull();
    expect(decodePlain(b64('\0alice'))).toBeNull();
    expect(decodePlain('not base64!')).toBeNull();
    expect(decodePlain('=')).toBeNull();
  });
});
