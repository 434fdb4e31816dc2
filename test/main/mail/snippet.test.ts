import { describe, expect, it } from 'vitest';
import { makeSnippet } from '../../../src/main/mail/snippet.ts';

describe('makeSnippet', () => {
  it('makes one readable line, without markup or quoted text', () => {
    expect(makeSnippet('<html><head><style>p{}</style></head><body><p>Hello&nbsp;<b>there</b> &amp; &#x263A;</p></body></html>', 'text/html', 200)).toBe(
      'Hello there & ☺',
    );
    expect(makeSnippet('New text\n> old quoted\n> more\nend', 'text/plain', 200)).toBe('New text end');
    expect(makeSnippet('x'.repeat(500), 'text/plain', 10)).toBe('xxxxxxxxxx');
  });
});
