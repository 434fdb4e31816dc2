import { describe, expect, it } from 'vitest';
import { decodePart, findSnippetPart, hasAttachments, makeSnippet } from '../../../../src/main/client/imap/body-structure.ts';

describe('body structure helpers', () => {
  const alternative = {
    type: 'multipart/mixed',
    childNodes: [
      {
        type: 'multipart/alternative',
        part: '1',
        childNodes: [
          { type: 'text/plain', part: '1.1', encoding: 'quoted-printable', parameters: { charset: 'iso-8859-1' } },
          { type: 'text/html', part: '1.2', encoding: 'base64', parameters: { charset: 'utf-8' } },
        ],
      },
      { type: 'application/pdf', part: '2', disposition: 'attachment', dispositionParameters: { filename: 'a.pdf' } },
    ],
  };

  it('picks the first plain text part and sees the attachment', () => {
    expect(findSnippetPart(alternative)).toEqual({ part: '1.1', type: 'text/plain', encoding: 'quoted-printable', charset: 'iso-8859-1' });
    expect(hasAttachments(alternative)).toBe(true);
  });

  it('falls back to HTML, and treats a single part as part 1', () => {
    expect(findSnippetPart({ type: 'text/html', encoding: '7bit' })).toMatchObject({ part: '1', type: 'text/html' });
    expect(hasAttachments({ type: 'text/plain' })).toBe(false);
  });

  it('decodes quoted-printable latin-1 and truncated base64', () => {
    expect(decodePart(Buffer.from('Die Fr=F6sche =\r\nsind da'), 'quoted-printable', 'iso-8859-1')).toBe('Die Frösche sind da');
    const b64 = Buffer.from('Grüße aus Köln, wie geht es?').toString('base64');
    expect(decodePart(Buffer.from(b64.slice(0, 17)), 'base64', 'utf-8')).toBe('Grüße aus ');
  });

  it('makes one readable line, without markup or quoted text', () => {
    expect(makeSnippet('<html><head><style>p{}</style></head><body><p>Hello&nbsp;<b>there</b> &amp; &#x263A;</p></body></html>', 'text/html', 200)).toBe(
      'Hello there & ☺',
    );
    expect(makeSnippet('New text\n> old quoted\n> more\nend', 'text/plain', 200)).toBe('New text end');
    expect(makeSnippet('x'.repeat(500), 'text/plain', 10)).toBe('xxxxxxxxxx');
  });
});
