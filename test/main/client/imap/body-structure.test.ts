import { describe, expect, it } from 'vitest';
import { findSnippetPart, hasAttachments } from '../../../../src/main/client/imap/body-structure.ts';

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
});
