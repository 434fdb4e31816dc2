// The searchable text of raw messages: which parts count as text, HTML reduced, file names decoded,
// and every message of the shared corpus (malformed ones too) read without an exception.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { messageText } from '../../../src/main/mail/message-text.ts';
import { corpusMessages } from '../../support/corpus.ts';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

describe('messageText', () => {
  it('takes the plain alternative, the text of a forwarded message, and attachment names (RFC 2047 and 2231)', () => {
    const raw = crlf([
      'Subject: x',
      'Content-Type: multipart/mixed; boundary=out',
      '',
      '--out',
      'Content-Type: multipart/alternative; boundary=alt',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Caf=C3=A9 tomorrow at noon',
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>htmlonlyword</p>',
      '--alt--',
      '--out',
      'Content-Type: message/rfc822',
      '',
      'Subject: inner',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'forwarded zucchini',
      '--out',
      'Content-Type: application/pdf; name="=?UTF-8?B?UmVjaG51bmcgTcOkcnoucGRm?="',
      'Content-Disposition: attachment',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0xLjQK',
      '--out',
      'Content-Type: application/octet-stream',
      "Content-Disposition: attachment; filename*=utf-8''%E8%A6%8B%E7%A9%8D.xlsx",
      '',
      'xx',
      '--out--',
      '',
    ]);
    const got = messageText(raw, 10_000);
    expect(got.text).toContain('Café tomorrow at noon');
    expect(got.text).toContain('forwarded zucchini');
    expect(got.text).not.toContain('htmlonlyword');
    expect(got.filenames).toEqual(['Rechnung März.pdf', '見積.xlsx']);
  });

  it('reduces HTML to its text, without style or markup', () => {
    const raw = crlf([
      'Content-Type: text/html; charset=utf-8',
      '',
      '<html><head><style>.a{color:crimson}</style></head><body><p>Big <b>summer</b> sale &amp; more</p></body></html>',
    ]);
    expect(messageText(raw, 1000).text).toBe('Big summer sale & more');
  });

  it('stops at the limit', () => {
    const raw = crlf(['Content-Type: text/plain', '', 'word '.repeat(1000)]);
    expect(messageText(raw, 100).text.length).toBe(100);
  });

  it('reads every corpus message, and finds the words mailparser finds in plain messages', async () => {
    let compared = 0;
    for (const { name, raw } of corpusMessages()) {
      const got = messageText(raw, 100_000);
      const parsed = await simpleParser(raw, { skipHtmlToText: true });
      // Compared on single-part plain messages (mailparser also shows a digest's inner headers as text).
      const type = (parsed.headers.get('content-type') as { value?: string } | undefined)?.value ?? 'text/plain';
      if (typeof parsed.text !== 'string' || type !== 'text/plain') continue;
      const words = (parsed.text.match(/[\p{L}\p{N}]{4,}/gu) ?? []).slice(0, 5);
      for (const w of words) expect(got.text, name).toContain(w);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });
});
