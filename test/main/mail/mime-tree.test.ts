import { describe, expect, it } from 'vitest';
import {
  headerValue,
  param,
  parseContentType,
  parseHeaderBlock,
  parseHeaderOnly,
  parseMessageStructure,
  transferEncoding,
} from '../../../src/main/mail/mime-tree.ts';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

describe('parseContentType', () => {
  it.each([
    ['text/plain; charset=utf-8', 'text', 'plain', [['charset', 'utf-8']]],
    ['Text/HTML; Charset="ISO-8859-1"', 'text', 'html', [['Charset', 'ISO-8859-1']]],
    ['multipart/mixed; boundary="a;b\\"c"', 'multipart', 'mixed', [['boundary', 'a;b"c']]],
    ['application/pdf; name=a.pdf junk', 'application', 'pdf', [['name', 'a.pdf']]],
  ])('%j', (value, type, subtype, params) => {
    expect(parseContentType(value)).toMatchObject({ type, subtype, params });
  });

  it('gives null for a value that is not type/subtype', () => {
    expect(parseContentType('text')).toBeNull();
    expect(param(parseContentType('text/plain; CHARSET=x')!, 'charset')).toBe('x');
  });
});

describe('parseHeaderBlock', () => {
  it('unfolds continuation lines and lower-cases names', () => {
    const h = parseHeaderBlock('Subject: one\r\n two\r\nX-A:b\r\nnot a header\r\n');
    expect(h).toEqual([
      ['subject', 'one two'],
      ['x-a', 'b'],
    ]);
    expect(headerValue(h, 'x-a')).toBe('b');
    expect(headerValue(h, 'x-b')).toBeNull();
  });
});

describe('parseMessageStructure', () => {
  it('finds the parts of a multipart message as byte offsets', () => {
    const raw = crlf([
      'Content-Type: multipart/mixed; boundary=XX',
      '',
      'preamble',
      '--XX',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: Quoted-Printable',
      '',
      'hello',
      'world',
      '--XX',
      'Content-Type: message/rfc822',
      '',
      'Subject: inner',
      '',
      'inner body',
      '--XX--',
      '',
    ]);
    const root = parseMessageStructure(raw);
    expect(root.contentType.type).toBe('multipart');
    expect(root.children).toHaveLength(2);
    const [text, msg] = root.children as [(typeof root.children)[0], (typeof root.children)[0]];
    expect(raw.toString('latin1', text.bodyStart, text.end)).toBe('hello\r\nworld');
    expect(text.lines).toBe(1);
    expect(transferEncoding(text)).toBe('quoted-printable');
    expect(msg.message?.headers).toEqual([['subject', 'inner']]);
    expect(raw.toString('latin1', msg.message!.bodyStart, msg.message!.end)).toBe('inner body');
  });

  it('treats a message without Content-Type as us-ascii text, and a multipart without parts as text', () => {
    expect(parseMessageStructure(crlf(['Subject: x', '', 'body'])).contentType).toMatchObject({
      type: 'text',
      subtype: 'plain',
      params: [['charset', 'us-ascii']],
    });
    expect(parseMessageStructure(crlf(['Content-Type: multipart/mixed; boundary=B', '', 'no parts'])).contentType.type).toBe('text');
    expect(transferEncoding(parseMessageStructure(crlf(['', 'body'])))).toBe('7bit');
  });
});

describe('parseHeaderOnly', () => {
  it('needs the whole header, and shows a multipart as one opaque part', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary=B', 'Subject: s', '', '--B']);
    expect(parseHeaderOnly(raw.subarray(0, 20), raw.length)).toBeNull();
    const head = parseHeaderOnly(raw, raw.length)!;
    expect(head.contentType.type).toBe('application');
    expect(headerValue(head.headers, 'subject')).toBe('s');
    expect(head.end).toBe(raw.length);
  });
});
