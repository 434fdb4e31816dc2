import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  decodeCharset,
  decodeEncodedWords,
  decodeHeaderBytes,
  decodePart,
  decodeQuotedPrintable,
  decodeTransfer,
  decodeUtf7,
  headerText,
} from '../../../src/main/mail/decode.ts';

const latin1 = (s: string) => Buffer.from(s, 'latin1');

describe('decodeTransfer', () => {
  it.each([
    ['7bit', 'plain text', 'plain text'],
    ['8bit', 'Gr\xfc\xdfe', 'Gr\xfc\xdfe'],
    ['binary', '\x00\xff', '\x00\xff'],
    ['', 'as is', 'as is'],
    ['base64', 'SGVs\r\nbG8=', 'Hello'],
    ['base64', 'SGk=', 'Hi'],
    ['quoted-printable', 'a=3Db=\r\nc', 'a=bc'],
  ])('%s %j -> %j', (encoding, body, bytes) => {
    expect(decodeTransfer(latin1(body), encoding)?.toString('latin1')).toBe(bytes);
  });

  it('gives null for an encoding it does not know', () => {
    expect(decodeTransfer(latin1('begin 644 x'), 'x-uuencode')).toBeNull();
  });
});

describe('decodeBase64', () => {
  it.each([
    // [input, whole body, cut off: whole 4-character groups, a final padded one included]
    ['SGVsbG8=', 'Hello', 'Hello'],
    ['SGVsbG8gd29ybGQ=', 'Hello world', 'Hello world'],
    ['SGk=', 'Hi', 'Hi'],
    ['SQ==', 'I', 'I'],
    ['SGVs\r\nbG8g', 'Hello ', 'Hello '],
    ['SGVs\r\nbG8=\r\n', 'Hello', 'Hello'],
    // The cut fell inside a group: the incomplete group is dropped.
    ['SGVsb', 'Hel', 'Hel'],
    ['SGVsbG8', 'Hello', 'Hel'],
    ['SGVsbG', 'Hell', 'Hel'],
  ])('%j -> %j whole, %j cut off', (input, whole, cutOff) => {
    expect(decodeBase64(latin1(input)).toString('latin1')).toBe(whole);
    expect(decodeBase64(latin1(input), true).toString('latin1')).toBe(cutOff);
  });
});

describe('decodeQuotedPrintable (RFC 2045 6.7)', () => {
  it.each([
    ['Die Fr=F6sche', 'Die Fr\xf6sche'],
    ['soft =\r\nbreak', 'soft break'],
    ['soft =\nbreak (LF only)', 'soft break (LF only)'],
    ['padding \t \r\nnext', 'padding\r\nnext'],
    ['lower =e4 hex', 'lower \xe4 hex'],
    ['a lone = and =XY stay', 'a lone = and =XY stay'],
    ['cut off at =F', 'cut off at =F'],
  ])('%j -> %j', (input, bytes) => {
    expect(decodeQuotedPrintable(latin1(input)).toString('latin1')).toBe(bytes);
  });
});

describe('decodeCharset', () => {
  const utf8 = Buffer.from('Grüße', 'utf8');
  it.each([
    [latin1('Gr\xfc\xdfe'), 'iso-8859-1', 'Grüße'],
    [latin1('Gr\xfc\xdfe'), ' ISO-8859-1 ', 'Grüße'],
    [utf8, 'utf-8', 'Grüße'],
    [utf8, 'us-ascii', 'Grüße'],
    [utf8, undefined, 'Grüße'],
    [utf8, '', 'Grüße'],
    [Buffer.from([0x47, 0xff]), 'utf-8', 'G\uFFFD'],
  ])('%j in %j -> %j', (bytes, charset, text) => {
    expect(decodeCharset(bytes, charset)).toBe(text);
  });

  it('reads an unknown charset as UTF-8 for searching, or as latin1 for showing every byte', () => {
    expect(decodeCharset(utf8, 'x-no-such-charset')).toBe('Grüße');
    expect(decodeCharset(latin1('Gr\xfc\xdfe'), 'x-no-such-charset', 'latin1')).toBe('Grüße');
  });
});

describe('decodePart (a part cut off anywhere)', () => {
  it('decodes quoted-printable latin-1 and truncated base64', () => {
    expect(decodePart(Buffer.from('Die Fr=F6sche =\r\nsind da'), 'quoted-printable', 'iso-8859-1')).toBe('Die Frösche sind da');
    const b64 = Buffer.from('Grüße aus Köln, wie geht es?').toString('base64');
    expect(decodePart(Buffer.from(b64.slice(0, 17)), 'base64', 'utf-8')).toBe('Grüße aus ');
  });

  it('decodes a short base64 part whole: its final padded group is text, not a cut', () => {
    expect(decodePart(latin1('SGk=\r\n'), 'base64', 'us-ascii')).toBe('Hi');
    expect(decodePart(latin1(Buffer.from('Grüße').toString('base64')), 'base64', 'utf-8')).toBe('Grüße');
  });

  it('drops a character cut in two at the end, and keeps the bytes of an unknown encoding', () => {
    expect(decodePart(Buffer.from('Grüß', 'utf8').subarray(0, 5), '8bit', 'utf-8')).toBe('Grü');
    expect(decodePart(latin1('as is'), 'x-unknown', 'utf-8')).toBe('as is');
    expect(decodePart(latin1('Gr\xfc\xdfe'), '8bit', 'x-no-such-charset')).toBe('Grüße');
  });
});

describe('header values', () => {
  it.each([
    ['=?utf-8?q?Gr=C3=BC=C3=9Fe?=', 'Grüße'],
    ['=?ISO-8859-1?Q?Gr=FC=DFe_aus?= =?utf-8?B?S8O2bG4=?=', 'Grüße ausKöln'],
    ['=?utf-8*de?b?S8O2bG4=?= und mehr', 'Köln und mehr'],
    ['no words here', 'no words here'],
  ])('decodeEncodedWords %j -> %j', (value, text) => {
    expect(decodeEncodedWords(value)).toBe(text);
  });

  it('reads raw bytes outside encoded words as UTF-8 and inside one in its own charset', () => {
    const raw = Buffer.concat([Buffer.from('Köln ', 'utf8'), latin1('=?iso-8859-1?q?M\xfcnchen?=')]).toString('latin1');
    expect(decodeHeaderBytes(raw)).toBe('Köln München');
    expect(headerText(Buffer.from('Köln', 'utf8').toString('latin1'))).toBe('Köln');
  });
});

describe('UTF-7 and raw 8-bit headers', () => {
  it.each([
    ['Fr+APY-sche', 'Frösche'],
    ['1+-1=2', '1+1=2'],
    ['+ZeVnLIqe-', '日本語'],
    ['+2D3eAA-', '\u{1F600}'],
    ['A+ImIDkQ.', 'A\u2262\u0391.'],
    ['lone + plus', 'lone + plus'],
  ])('decodeUtf7 %j -> %j', (raw, text) => {
    expect(decodeUtf7(latin1(raw))).toBe(text);
  });

  it('decodes UTF-7 under each of its labels, in bodies and encoded words', () => {
    for (const label of ['utf-7', 'UTF7', 'unicode-1-1-utf-7', 'csUnicode11UTF7', 'x-unicode-2-0-utf-7'])
      expect(decodeCharset(latin1('Fr+APY-sche'), label)).toBe('Frösche');
    expect(decodeEncodedWords('=?utf-7?Q?Die_Fr+APY-sche?=')).toBe('Die Frösche');
  });

  it('reads raw bytes that are not UTF-8 in the message charset, else windows-1252, for display; as U+FFFD for the server', () => {
    expect(headerText('Fr\xf6sche')).toBe('Fr\uFFFDsche');
    expect(headerText('Fr\xf6sche', 'utf-8')).toBe('Frösche');
    expect(headerText('\x93quoted\x94', 'us-ascii')).toBe('\u201cquoted\u201d');
    expect(headerText('\xcf\xf0\xe8\xe2\xe5\xf2', 'windows-1251')).toBe('Привет');
    expect(decodeHeaderBytes('Die Fr\xf6sche =?utf-8?q?und_K=C3=B6ln?=', 'iso-8859-1')).toBe('Die Frösche und Köln');
    // A raw byte inside an ISO-8859-1 encoded word is read once, in that charset.
    expect(decodeHeaderBytes('=?iso-8859-1?Q?Die_Hasen_und_die_Fr\xf6sche?=')).toBe('Die Hasen und die Frösche');
  });
});
