// Pure parts of the POP3 client: status lines, RFC 3206 codes, APOP, and the streaming dot-unstuffer.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { apopDigest, apopTimestamp, DotUnstuffer, errorFromStatus, parseCapabilities, parseStatusLine } from '../../../../src/main/client/pop3/index.ts';

describe('status lines and response codes', () => {
  it('parses +OK / -ERR with and without codes', () => {
    expect(parseStatusLine('+OK 2 320')).toMatchObject({ ok: true, code: null, text: '2 320' });
    expect(parseStatusLine('+OK')).toMatchObject({ ok: true, text: '' });
    expect(parseStatusLine('-ERR [IN-USE] Do you have another POP session running?')).toMatchObject({ ok: false, code: 'IN-USE' });
    expect(parseStatusLine('-ERR [sys/temp] try later')).toMatchObject({ code: 'SYS/TEMP', text: 'try later' });
    expect(parseStatusLine('+OKAY')).toBeNull();
    expect(parseStatusLine('* OK imap')).toBeNull();
  });

  it('maps RFC 3206 codes and command context onto the catalogue', () => {
    const err = (line: string, ctx: 'auth' | 'message' | 'command') => errorFromStatus(parseStatusLine(line)!, ctx);
    expect(err('-ERR [AUTH] Authentication failed.', 'command').code).toBe('AUTH_FAILED');
    expect(err('-ERR [IN-USE] locked', 'auth').code).toBe('MAILDROP_LOCKED');
    expect(err('-ERR [SYS/TEMP] disk busy', 'auth').code).toBe('SERVER_TEMPORARY');
    expect(err('-ERR [SYS/PERM] broken', 'auth').code).toBe('SERVER_ERROR');
    expect(err('-ERR [LOGIN-DELAY] wait', 'auth').code).toBe('SERVER_TEMPORARY');
    expect(err('-ERR invalid password', 'auth').code).toBe('AUTH_FAILED');
    expect(err('-ERR no such message', 'message').code).toBe('MESSAGE_GONE');
    expect(err('-ERR huh', 'command').code).toBe('SERVER_ERROR');
    expect(err('-ERR huh', 'command').response).toBe('-ERR huh');
  });

  it('computes the RFC 1939 APOP example digest', () => {
    const greeting = 'POP3 server ready <1896.697170952@dbc.mtview.ca.us>';
    const ts = apopTimestamp(greeting);
    expect(ts).toBe('<1896.697170952@dbc.mtview.ca.us>');
    expect(apopDigest(ts!, 'tanstaaf')).toBe('c4c9334bac560ecc979e58001b3e22fb');
    expect(apopTimestamp('Dovecot (Debian) ready.')).toBeNull();
  });

  it('parses CAPA lines', () => {
    const caps = parseCapabilities(['TOP', 'sasl PLAIN LOGIN', 'PIPELINING', '']);
    expect(caps.get('SASL')).toEqual(['PLAIN', 'LOGIN']);
    expect(caps.has('PIPELINING')).toBe(true);
  });
});

/** Reference encoder: RFC 1939 byte-stuffing of a CRLF message plus the terminator. */
function stuff(body: string): string {
  const withEnd = body.length === 0 || body.endsWith('\r\n') ? body : body + '\r\n';
  return withEnd.replace(/(^|\r\n)\./g, '$1..') + '.\r\n';
}

function decodeInChunks(wire: Buffer, cuts: number[]): { body: Buffer; rest: Buffer; done: boolean } {
  const u = new DotUnstuffer();
  const parts: Buffer[] = [];
  let pending: Buffer = Buffer.alloc(0);
  const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  for (const p of [...points, wire.length]) {
    const chunk = Buffer.concat([pending, wire.subarray(prev, p)]);
    prev = p;
    const r = u.feed(chunk);
    parts.push(...r.parts);
    pending = r.rest;
    if (r.done) return { body: Buffer.concat(parts), rest: Buffer.concat([r.rest, wire.subarray(prev)]), done: true };
  }
  return { body: Buffer.concat(parts), rest: pending, done: false };
}

describe('DotUnstuffer', () => {
  it('undoes stuffing and stops at the terminator, handing back what follows', () => {
    const wire = Buffer.from('..\r\n...x\r\nline.\r\n.\r\n+OK next\r\n');
    const r = decodeInChunks(wire, []);
    expect(r.done).toBe(true);
    expect(r.body.toString()).toBe('.\r\n..x\r\nline.\r\n');
    expect(r.rest.toString()).toBe('+OK next\r\n');
  });

  it('decodes any CRLF body split at any points exactly (fast-check)', () => {
    const lineArb = fc.stringMatching(/^[.a-z\r ]{0,12}$/).map((s) => s.replace(/\r/g, ''));
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 8 }), (lines, cuts) => {
        const body = lines.map((l) => l + '\r\n').join('');
        const wire = Buffer.from(stuff(body) + '+OK after\r\n');
        const r = decodeInChunks(wire, cuts);
        expect(r.done).toBe(true);
        expect(r.body.toString()).toBe(body);
        expect(r.rest.toString()).toBe('+OK after\r\n');
      }),
      { numRuns: 500 },
    );
  });

  it('hands on lines in one slice, split only where a stuffed dot is dropped', () => {
    const r = new DotUnstuffer().feed(Buffer.from('a\r\nb\r\nc\r\n..d\r\ne\r\n.\r\n'));
    expect(r.done).toBe(true);
    expect(r.parts.map((p) => p.toString())).toEqual(['a\r\nb\r\nc\r\n', '.d\r\ne\r\n']);
  });

  it('is not done while the terminator is incomplete', () => {
    const u = new DotUnstuffer();
    const r1 = u.feed(Buffer.from('abc\r\n.'));
    expect(r1.done).toBe(false);
    expect(r1.rest.toString()).toBe('.');
    const r2 = u.feed(Buffer.from('.\r'));
    expect(r2.done).toBe(false);
    expect(r2.rest.toString()).toBe('.\r');
    const r3 = u.feed(Buffer.from('.\r\n'));
    expect(r3.done).toBe(true);
  });
});
