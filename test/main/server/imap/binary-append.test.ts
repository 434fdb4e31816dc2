// Never a NUL in a literal (RFC 3501 9, CHAR8): a message APPENDed with binary content (RFC 3516
// literal8) is stored with its binary body parts re-encoded as base64, as Dovecot does for
// "Content-Transfer-Encoding: binary" parts, so BODY[...] never sends a NUL while BINARY[part] and
// BINARY.SIZE still give the decoded bytes. In a plain literal, as in Dovecot, a "binary" part is
// kept as it came unless it holds a NUL. First the conversion itself (a pure function), then
// APPEND + FETCH against Hearth and, for the messages both convert, byte for byte against Dovecot.
// Where Hearth goes further: a NUL in a 7bit/8bit/quoted-printable part is converted too (Dovecot
// stores it and sends 0x80 for it in BODY[], losing the byte), and a NUL no encoding can carry (in
// a header) refuses the APPEND with NO [UNKNOWN-CTE] (Dovecot stores it, with 0x80 in BODY[]).
import { describe, it, expect } from 'vitest';
import { BinaryNotStorable, reencodeBinaryParts } from '../../../../src/main/server/imap/binary-append.ts';
import { createDovecotUser, dovecot } from '../../../support/peers.ts';
import { serverForSuite } from '../../../support/imap-test-server.ts';
import { RawClient, loggedIn as session } from '../../../support/imap-raw-client.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');
const b64 = (s: string) => bytes(s).toString('base64');

/** [name, message as appended in a literal8, as stored] */
const CONVERSIONS: Array<[string, string, string]> = [
  [
    'a single binary part: the CTE header rewritten in place, the whole body (final CRLF too) base64',
    'MIME-Version: 1.0\r\nContent-Transfer-Encoding: binary\r\nContent-Type: application/octet-stream\r\n\r\nab\0cd\r\nxy\r\n',
    `MIME-Version: 1.0\r\nContent-Transfer-Encoding: base64\r\nContent-Type: application/octet-stream\r\n\r\n${b64('ab\0cd\r\nxy\r\n')}`,
  ],
  [
    'a binary part of a multipart: the CRLF before the boundary stays; other parts untouched',
    'Content-Type: multipart/mixed; boundary="b"\r\n\r\npre\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: image/png\r\ncontent-transfer-encoding: Binary\r\n\r\n\0\x01\xff\r\n--b--\r\n',
    `Content-Type: multipart/mixed; boundary="b"\r\n\r\npre\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64('\0\x01\xff')}\r\n--b--\r\n`,
  ],
  [
    'a NUL in a part without a CTE: one is added at the end of its header',
    'Subject: nul\r\nContent-Type: text/plain\r\n\r\nab\0cd\r\n',
    `Subject: nul\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64('ab\0cd\r\n')}`,
  ],
  [
    'a NUL in a quoted-printable part: decoded first, so the data keeps its meaning',
    'Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db\0c=\r\nd\r\n',
    `Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64('a=b\0cd\r\n')}`,
  ],
  [
    'a folded CTE field is replaced whole; bare LF line ends are kept in the header',
    'Content-Type: text/plain\nContent-Transfer-Encoding:\n  binary\nX-After: 1\n\nx\0y\n',
    `Content-Type: text/plain\nContent-Transfer-Encoding: base64\nX-After: 1\n\n${b64('x\0y\n')}`,
  ],
  [
    'inside a message/rfc822 part: the encapsulated message is converted, its own CTE stays',
    'Content-Type: message/rfc822\r\nContent-Transfer-Encoding: binary\r\n\r\nSubject: inner\r\nContent-Transfer-Encoding: binary\r\n\r\nx\0y\r\n',
    `Content-Type: message/rfc822\r\nContent-Transfer-Encoding: binary\r\n\r\nSubject: inner\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64('x\0y\r\n')}`,
  ],
  ['a binary part with an empty body is left alone', 'Content-Transfer-Encoding: binary\r\n\r\n', 'Content-Transfer-Encoding: binary\r\n\r\n'],
  [
    'a binary CTE on a multipart is not converted (some MUAs write it; Dovecot leaves it too)',
    'Content-Type: multipart/mixed; boundary=z\r\nContent-Transfer-Encoding: binary\r\n\r\n--z\r\n\r\nplain\r\n--z--\r\n',
    'Content-Type: multipart/mixed; boundary=z\r\nContent-Transfer-Encoding: binary\r\n\r\n--z\r\n\r\nplain\r\n--z--\r\n',
  ],
];

describe('reencodeBinaryParts', () => {
  it.each(CONVERSIONS)('%s', (_name, input, stored) => {
    expect(reencodeBinaryParts(bytes(input), true).toString('latin1')).toBe(stored);
  });

  it('in a plain literal converts only what holds a NUL (a "binary" part without one stays, as in Dovecot)', () => {
    const textual = bytes('Content-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n\r\nd2UgaGF2ZQ==\r\n');
    expect(reencodeBinaryParts(textual, false)).toBe(textual);
    const [, withNul, stored] = CONVERSIONS[0]!;
    expect(reencodeBinaryParts(bytes(withNul), false).toString('latin1')).toBe(stored);
  });

  it('gives back the very same buffer when nothing is binary', () => {
    const plain = bytes('Subject: binary options\r\nContent-Type: text/plain\r\n\r\nThe word BINARY is not an encoding.\r\n');
    expect(reencodeBinaryParts(plain, true)).toBe(plain);
    const textual = bytes('Subject: hi\r\n\r\nno binary here\r\n');
    expect(reencodeBinaryParts(textual, true)).toBe(textual);
  });

  it('writes base64 in lines of 76 characters with CRLF between, none after the last', () => {
    const data = Buffer.alloc(200, 0xab);
    data[7] = 0;
    const out = reencodeBinaryParts(Buffer.concat([bytes('Content-Transfer-Encoding: binary\r\n\r\n'), data]), true).toString('latin1');
    const body = out.slice(out.indexOf('\r\n\r\n') + 4);
    const lines = body.split('\r\n');
    expect(lines.map((l) => l.length)).toEqual([76, 76, 76, 40]);
    expect(Buffer.from(lines.join(''), 'base64').equals(data)).toBe(true);
  });

  it.each([
    ['a NUL in a header', 'Subject: a\0b\r\nContent-Type: text/plain\r\n\r\nabcd\r\n'],
    ['a NUL in a multipart preamble', 'Content-Type: multipart/mixed; boundary=b\r\n\r\npre\0amble\r\n--b\r\n\r\nx\r\n--b--\r\n'],
    ['a NUL in a part of an unknown encoding', 'Content-Transfer-Encoding: x-uuencode\r\n\r\nbe\0gin\r\n'],
  ])('refuses %s: no CTE can carry it', (_name, input) => {
    expect(() => reencodeBinaryParts(bytes(input), true)).toThrow(BinaryNotStorable);
    expect(() => reencodeBinaryParts(bytes(input), false)).toThrow(BinaryNotStorable);
  });
});

// ---- APPEND and FETCH over IMAP ----

interface Target {
  port: number;
  user: string;
  password: string;
}

/** Messages both servers convert the same way: their FETCH answers must be the same bytes. */
const SHARED: Array<[string, string]> = [
  ['binary root part', 'MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\nab\0cd\r\nxy\r\n'],
  [
    'binary attachment in a multipart',
    'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n\0\x01\x02\xff\r\n--b--\r\n',
  ],
  ['CTE before Content-Type, upper case', 'Content-Transfer-Encoding: BINARY\r\nContent-Type: text/plain\r\n\r\nab\0cd'],
  [`a long binary part`, `Content-Type: image/png\r\nContent-Transfer-Encoding: binary\r\n\r\n${'\x89PNG\0\x01\x02\xfe'.repeat(40)}\r\n`],
];

async function appendBinary(c: RawClient, box: string, message: string): Promise<string> {
  c.write(Buffer.concat([bytes(`ba APPEND ${box} ~{${message.length}+}\r\n`), bytes(message), bytes('\r\n')]));
  return c.until(/(^|\r\n)ba (OK|NO|BAD)[^\r\n]*\r\n/);
}

/** A FETCH answer without the tagged line's free text (timings differ). */
async function fetch(c: RawClient, what: string): Promise<string> {
  return (await c.cmd('bf', `FETCH ${what}`)).replace(/bf (OK|NO|BAD)[^\r\n]*\r\n$/, '$1');
}

/** The literals' contents of a response ({n} and ~{n} alike), in order. */
function literals(text: string): string[] {
  const out: string[] = [];
  const re = /~?\{(\d+)\}\r\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out.push(text.slice(re.lastIndex, re.lastIndex + Number(m[1])));
    re.lastIndex += Number(m[1]);
  }
  return out;
}

async function loadShared(t: Target, box: string): Promise<RawClient> {
  const c = await session(t);
  await c.cmd('bc', `CREATE ${box}`);
  for (const [, m] of SHARED) expect(await appendBinary(c, box, m)).toMatch(/ba OK \[APPENDUID/);
  expect(await c.cmd('be', `EXAMINE ${box}`)).toMatch(new RegExp(`\\* ${SHARED.length} EXISTS`));
  return c;
}

describe('APPEND of binary content, then FETCH', () => {
  const hearth = serverForSuite();

  it('answers BODY[], BODYSTRUCTURE, BINARY and BINARY.SIZE exactly as Dovecot for the binary parts both convert', async () => {
    const d = createDovecotUser();
    const ours = await loadShared(hearth(), 'BinShared');
    const theirs = await loadShared({ port: dovecot.imapPort, ...d }, 'BinShared');
    try {
      for (let i = 1; i <= SHARED.length; i++) {
        const part = i === 2 ? 2 : 1;
        for (const items of [
          '(RFC822.SIZE BODY.PEEK[] BODYSTRUCTURE)',
          `(BODY.PEEK[${part}] BODY.PEEK[${part}.MIME] BINARY.PEEK[${part}] BINARY.SIZE[${part}])`,
        ]) {
          const a = await fetch(ours, `${i} ${items}`);
          expect(a, `${SHARED[i - 1]![0]}: ${items}`).toBe(await fetch(theirs, `${i} ${items}`));
          expect(a).toMatch(/OK$/);
        }
      }
    } finally {
      ours.close();
      theirs.close();
    }
  });

  it('stores every binary part so that BODY[] has no NUL, while BINARY gives the bytes back', async () => {
    const c = await session(hearth());
    try {
      await c.cmd('bc', 'CREATE BinOwn');
      const messages = [
        ...SHARED.map(([, m]) => m),
        'Subject: nul\r\nContent-Type: text/plain\r\n\r\nab\0cd\r\n',
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\nhel\0lo\r\n--b--\r\n',
      ];
      for (const m of messages) expect(await appendBinary(c, 'BinOwn', m)).toMatch(/ba OK \[APPENDUID/);
      // A plain literal with a NUL (not allowed by RFC 3501, sent anyway by some clients) likewise.
      const plain = 'Content-Type: text/plain\r\n\r\nx\0y\r\n';
      c.write(bytes(`bp APPEND BinOwn {${plain.length}+}\r\n${plain}\r\n`));
      expect(await c.until(/bp (OK|NO|BAD).*\r\n/)).toMatch(/bp OK/);
      await c.cmd('bs', 'SELECT BinOwn');
      const all = await fetch(c, '1:* (BODY.PEEK[] BODY.PEEK[1] BODY.PEEK[TEXT] RFC822)');
      expect(all).toMatch(/OK$/);
      expect(all.includes('\0')).toBe(false);
      expect(literals(all)).toHaveLength((messages.length + 1) * 4);
      // The NUL part of a multipart, and the single parts: decoded again by BINARY.
      expect(await fetch(c, '5 (BINARY.PEEK[1] BINARY.SIZE[1] BODY.PEEK[1])')).toBe(
        `* 5 FETCH (BINARY[1] ~{7}\r\nab\0cd\r\n BINARY.SIZE[1] 7 BODY[1] {12}\r\n${b64('ab\0cd\r\n')})\r\nOK`,
      );
      expect(await fetch(c, '6 (BINARY.PEEK[1] BINARY.SIZE[1])')).toBe('* 6 FETCH (BINARY[1] ~{6}\r\nhel\0lo BINARY.SIZE[1] 6)\r\nOK');
      expect(await fetch(c, '7 (BINARY.PEEK[1])')).toBe('* 7 FETCH (BINARY[1] ~{5}\r\nx\0y\r\n)\r\nOK');
    } finally {
      c.close();
    }
  });

  it('refuses with NO [UNKNOWN-CTE] a NUL no encoding can carry, storing nothing of a MULTIAPPEND', async () => {
    const c = await session(hearth());
    try {
      await c.cmd('bc', 'CREATE BinRefused');
      const good = 'Content-Transfer-Encoding: binary\r\n\r\nok\0\r\n';
      const bad = 'Subject: a\0b\r\n\r\nbody\r\n';
      c.write(bytes(`bm APPEND BinRefused ~{${good.length}+}\r\n${good} ~{${bad.length}+}\r\n${bad}\r\n`));
      expect(await c.until(/bm (OK|NO|BAD).*\r\n/)).toMatch(/^bm NO \[UNKNOWN-CTE\]/m);
      expect(await c.cmd('bt', 'STATUS BinRefused (MESSAGES)')).toMatch(/MESSAGES 0\)/);
    } finally {
      c.close();
    }
  });
});
