// LIST / LSUB answers as a table: which names, with which attributes (RFC 3501 6.3.8-9, RFC 5258).
import { describe, it, expect } from 'vitest';
import { listMailboxes } from '../../../../src/main/server/imap/mailbox-listing.ts';
import { parseListArgs, ListSyntaxError } from '../../../../src/main/server/imap/protocol/list-args.ts';
import { patternToRegExp } from '../../../../src/main/server/imap/commands/list.ts';
import { tokenizeCommand } from '../../../../src/main/server/imap/protocol/tokenizer.ts';

const boxes = ['INBOX', 'Drafts', 'a', 'a/b', 'a/b/c', 'x', 'x/y'].map((name) => ({ name, specialUse: name === 'Drafts' ? '\\Drafts' : null }));
// "gone" and "x/z/w" were subscribed and then deleted; "a/b/c" and "x/y" are subscribed and exist.
const subscriptions = ['Drafts', 'a/b/c', 'gone', 'x/y', 'x/z/w'];

function run(command: string): string[] {
  const parsed = tokenizeCommand({ fragments: [Buffer.from(`t ${command}`)], literals: [] });
  const lsub = parsed.name === 'LSUB';
  const a = parseListArgs(parsed.args, lsub);
  const res = a.patterns.map(patternToRegExp);
  const rows = listMailboxes(boxes, subscriptions, {
    lsub,
    selection: a.selection,
    returns: a.returns,
    extended: a.extended,
    matches: (n) => res.some((r) => r.test(n)),
    matchesLevel: (n) => res.some((r, i) => a.patterns[i]!.endsWith('%') && r.test(n)),
  });
  return rows.map((r) => `(${r.attrs.join(' ')}) ${r.name}${r.childInfo.length ? ` (CHILDINFO (${r.childInfo.map((c) => `"${c}"`).join(' ')}))` : ''}`);
}

describe('listMailboxes', () => {
  const table: Array<[string, string[]]> = [
    ['LIST "" %', ['(\\HasNoChildren) INBOX', '(\\HasNoChildren \\Drafts) Drafts', '(\\HasChildren) a', '(\\HasChildren) x']],
    ['LSUB "" *', ['(\\HasNoChildren) Drafts', '(\\HasNoChildren) a/b/c', '() gone', '(\\HasNoChildren) x/y', '() x/z/w']],
    // An unsubscribed level above a subscribed name: \Noselect under LSUB "%" (RFC 3501 6.3.9).
    ['LSUB "" %', ['(\\HasNoChildren) Drafts', '(\\Noselect) a', '() gone', '(\\Noselect) x']],
    ['LSUB "" x/%', ['(\\HasNoChildren) x/y', '(\\Noselect) x/z']],
    ['LSUB "" x/z', []], // only a trailing "%" answers with the levels above
    ['LIST (SUBSCRIBED RECURSIVEMATCH) "" x/z', ['(\\NonExistent) x/z (CHILDINFO ("SUBSCRIBED"))']],
    // Deleted but subscribed: \Subscribed \NonExistent (RFC 5258 3.4).
    [
      'LIST (SUBSCRIBED) "" *',
      [
        '(\\Subscribed \\HasNoChildren \\Drafts) Drafts',
        '(\\Subscribed \\HasNoChildren) a/b/c',
        '(\\Subscribed \\NonExistent) gone',
        '(\\Subscribed \\HasNoChildren) x/y',
        '(\\Subscribed \\NonExistent) x/z/w',
      ],
    ],
    ['LIST (SUBSCRIBED) "" %', ['(\\Subscribed \\HasNoChildren \\Drafts) Drafts', '(\\Subscribed \\NonExistent) gone']],
    // RECURSIVEMATCH: parents of subscribed names the pattern does not reach, with CHILDINFO (RFC 5258 3.5).
    [
      'LIST (SUBSCRIBED RECURSIVEMATCH) "" %',
      [
        '(\\Subscribed \\HasNoChildren \\Drafts) Drafts',
        '(\\HasChildren) a (CHILDINFO ("SUBSCRIBED"))',
        '(\\Subscribed \\NonExistent) gone',
        '(\\HasChildren) x (CHILDINFO ("SUBSCRIBED"))',
      ],
    ],
    ['LIST (SUBSCRIBED RECURSIVEMATCH) "" x/%', ['(\\Subscribed \\HasNoChildren) x/y', '(\\NonExistent) x/z (CHILDINFO ("SUBSCRIBED"))']],
    [
      'LIST (SUBSCRIBED RECURSIVEMATCH) "" *',
      [
        '(\\Subscribed \\HasNoChildren \\Drafts) Drafts',
        '(\\Subscribed \\HasNoChildren) a/b/c',
        '(\\Subscribed \\NonExistent) gone',
        '(\\Subscribed \\HasNoChildren) x/y',
        '(\\Subscribed \\NonExistent) x/z/w',
      ],
    ],
    ['LIST "" x/* RETURN (SUBSCRIBED)', ['(\\Subscribed \\HasNoChildren) x/y']],
    ['LIST (SPECIAL-USE) "" *', ['(\\HasNoChildren \\Drafts) Drafts']],
    ['LIST (REMOTE) "" (INBOX x)', ['(\\HasNoChildren) INBOX', '(\\HasChildren) x']],
  ];
  for (const [command, want] of table) it(command, () => expect(run(command)).toEqual(want));
});

describe('parseListArgs', () => {
  for (const bad of [
    'LIST (FOO) "" %',
    'LIST "" % RETURN (FOO)',
    'LIST (RECURSIVEMATCH) "" %',
    'LIST (RECURSIVEMATCH REMOTE) "" %',
    'LIST "" % RETURN',
    'LIST ""',
    'LSUB "" (a b)',
    'LIST "" % extra',
  ]) {
    it(`BAD: ${bad}`, () => {
      const parsed = tokenizeCommand({ fragments: [Buffer.from(`t ${bad}`)], literals: [] });
      expect(() => parseListArgs(parsed.args, parsed.name === 'LSUB')).toThrow(ListSyntaxError);
    });
  }
  it('reads selection and return options', () => {
    const parsed = tokenizeCommand({
      fragments: [Buffer.from('t LIST (SUBSCRIBED RECURSIVEMATCH) "" % RETURN (CHILDREN STATUS (MESSAGES) SUBSCRIBED)')],
      literals: [],
    });
    expect(parseListArgs(parsed.args, false)).toMatchObject({
      selection: { subscribed: true, recursiveMatch: true, specialUse: false },
      returns: { subscribed: true, children: true, status: { type: 'list' } },
      extended: true,
    });
  });
});
