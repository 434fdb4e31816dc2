// The search box's query language, table by table: what each query parses to, and the message
// each bad query gets.
import { describe, expect, it } from 'vitest';
import { parseSearchQuery, SearchQueryError, type SearchTerm } from '../../src/shared/search-query.ts';
import { indexableText, queryTokens } from '../../src/shared/search-tokens.ts';

const NOW = new Date(2026, 2, 10, 15, 30).getTime();
const local = (y: number, m: number, d: number) => new Date(y, m - 1, d).getTime();
const word = (text: string, extra: Partial<Extract<SearchTerm, { kind: 'text' }>> = {}): SearchTerm => ({
  kind: 'text',
  field: 'any',
  text,
  phrase: false,
  prefix: false,
  negated: false,
  ...extra,
});

describe('parseSearchQuery', () => {
  it.each<[string, SearchTerm[]]>([
    ['invoice', [word('invoice')]],
    ['  two   words ', [word('two'), word('words')]],
    ['"exact phrase here"', [word('exact phrase here', { phrase: true })]],
    ['meet*', [word('meet', { prefix: true })]],
    ['"no prefix*"', [word('no prefix*', { phrase: true })]],
    ['-spam', [word('spam', { negated: true })]],
    ['a - b', [word('a'), word('-'), word('b')]],
    ['from:bob', [word('bob', { field: 'from' })]],
    ['FROM:Bob', [word('Bob', { field: 'from' })]],
    ['to:alice@example.org cc:carol', [word('alice@example.org', { field: 'to' }), word('carol', { field: 'cc' })]],
    ['subject:"q3 report"', [word('q3 report', { field: 'subject', phrase: true })]],
    ['filename:budget*', [word('budget', { field: 'filename', prefix: true })]],
    ['-from:alice', [word('alice', { field: 'from', negated: true })]],
    ['has:attachment', [{ kind: 'attachment', negated: false }]],
    ['-has:attachments', [{ kind: 'attachment', negated: true }]],
    ['is:unread', [{ kind: 'flag', flag: 'unread', negated: false }]],
    [
      'is:read is:seen',
      [
        { kind: 'flag', flag: 'read', negated: false },
        { kind: 'flag', flag: 'read', negated: false },
      ],
    ],
    [
      'is:flagged -is:starred is:unflagged',
      [
        { kind: 'flag', flag: 'flagged', negated: false },
        { kind: 'flag', flag: 'flagged', negated: true },
        { kind: 'flag', flag: 'unflagged', negated: false },
      ],
    ],
    ['in:Archive/2025', [{ kind: 'folder', name: 'Archive/2025', negated: false }]],
    ['in:"Old Mail"', [{ kind: 'folder', name: 'Old Mail', negated: false }]],
    ['account:work', [{ kind: 'account', name: 'work', negated: false }]],
    ['before:2026-01-31', [{ kind: 'date', op: 'before', at: local(2026, 1, 31), negated: false }]],
    ['after:2025-12-01', [{ kind: 'date', op: 'after', at: local(2025, 12, 1), negated: false }]],
    ['after:7d', [{ kind: 'date', op: 'after', at: local(2026, 3, 3), negated: false }]],
    ['before:2w', [{ kind: 'date', op: 'before', at: local(2026, 2, 24), negated: false }]],
    ['larger:10k', [{ kind: 'size', op: 'larger', bytes: 10 * 1024, negated: false }]],
    ['smaller:2M', [{ kind: 'size', op: 'smaller', bytes: 2 * 1024 * 1024, negated: false }]],
    ['larger:1.5mb', [{ kind: 'size', op: 'larger', bytes: 1.5 * 1024 * 1024, negated: false }]],
    ['larger:500', [{ kind: 'size', op: 'larger', bytes: 500, negated: false }]],
    ['re: hello', [word('re:'), word('hello')]],
    ['"https://example.org/x"', [word('https://example.org/x', { phrase: true })]],
    [
      'report from:bob -is:read has:attachment after:2026-02-01 -"draft copy"',
      [
        word('report'),
        word('bob', { field: 'from' }),
        { kind: 'flag', flag: 'read', negated: true },
        { kind: 'attachment', negated: false },
        { kind: 'date', op: 'after', at: local(2026, 2, 1), negated: false },
        word('draft copy', { phrase: true, negated: true }),
      ],
    ],
    ['', []],
    ['*', []],
  ])('%s', (query, terms) => {
    expect(parseSearchQuery(query, NOW).terms).toEqual(terms);
  });

  it.each<[string, RegExp]>([
    ['form:bob', /form: is not a search operator \(known: from: to: cc: subject: filename: has: is: in: account: before: after: larger: smaller:\)/],
    ['https://example.org', /https: is not a search operator/],
    ['is:important', /is:important is not known: use is:unread, is:read, is:flagged or is:unflagged/],
    ['has:pdf', /has:pdf is not known: use has:attachment/],
    ['before:yesterday', /"yesterday" is not a date: write YYYY-MM-DD/],
    ['after:2026-02-30', /"2026-02-30" is not a date/],
    ['larger:big', /"big" is not a size/],
    ['smaller:10x', /"10x" is not a size/],
    ['"open phrase', /A quoted phrase is not closed/],
    ['from:""', /from: needs a value/],
  ])('%s is refused', (query, message) => {
    expect(() => parseSearchQuery(query, NOW)).toThrow(SearchQueryError);
    expect(() => parseSearchQuery(query, NOW)).toThrow(message);
  });

  it('says where the bad term starts', () => {
    try {
      parseSearchQuery('fine words -colour:red', NOW);
      expect.unreachable();
    } catch (e) {
      expect((e as SearchQueryError).at).toBe(11);
    }
  });
});

describe('search tokens', () => {
  it.each<[string, string[]]>([
    ['Hello, world!', ['Hello', 'world']],
    ['alice@example.org', ['alice', 'example', 'org']],
    ['don’t stop', ['don', 't', 'stop']],
    ['会議室', ['会議', '議室']],
    ['会', ['会']],
    ['Tokyo東京2026', ['Tokyo', '東京', '2026']],
    ['東京タワーへ', ['東京', '京タ', 'タワ', 'ワー', 'ーへ']],
    ['Καλημέρα σας', ['καλημερα', 'σασ']],
  ])('query %s', (text, tokens) => {
    expect(queryTokens(text).map((t) => (/[\u0370-\u03ff]/.test(t) ? t.toLowerCase() : t))).toEqual(tokens);
  });

  it('stores a CJK run as bigrams and its last character, leaving other text alone', () => {
    expect(indexableText('会議室 meeting').split(/\s+/).filter(Boolean)).toEqual(['会議', '議室', '室', 'meeting']);
    expect(indexableText('Straße café')).toBe('Straße café');
  });
});
