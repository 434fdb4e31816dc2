import { describe, expect, it } from 'vitest';
import { addressListText, mailboxesOf, parseAddressList, type AddressListItem } from '../../../src/main/mail/address-list.ts';

/** A compact spelling of the items: "name <mailbox@domain>", "group:" and ";" for group markers. */
function spell(items: readonly AddressListItem[]): string[] {
  return items.map((a) => {
    if (a.kind === 'group') return `${a.name}:`;
    if (a.kind === 'group-end') return ';';
    const route = a.route ? `${a.route}:` : '';
    const addr = `<${route}${a.mailbox ?? '?'}@${a.syntaxError ? '!' : (a.domain ?? '?')}>`;
    return a.name === null ? addr : `${a.name} ${addr}`;
  });
}

describe('parseAddressList (RFC 5322 3.4)', () => {
  it.each([
    ['a@example.org', ['<a@example.org>']],
    ['Name <a@example.org>', ['Name <a@example.org>']],
    ['a@example.org, B <b@example.org>', ['<a@example.org>', 'B <b@example.org>']],
    // groups (3.4): markers around the members; a comment is no member
    ['group:;, group2: (foo) ;', ['group:', ';', 'group2:', ';']],
    ['team: Erin <e@x.org>, f@x.org;, after@x.org', ['team:', 'Erin <e@x.org>', '<f@x.org>', ';', '<after@x.org>']],
    ['"The Team": a@x.org;', ['The Team:', '<a@x.org>', ';']],
    ['open: a@x.org', ['open:', '<a@x.org>', ';']],
    // CFWS (3.2.2) inside and around an addr-spec is dropped
    ['<user-from (comment)@ (comment) domain.org>', ['<user-from@domain.org>']],
    ['user @ domain . org', ['<user@domain.org>']],
    ['Real (c) Name <r@x.org>', ['Real Name <r@x.org>']],
    ['  (lead) a@x.org  ', ['<a@x.org>']],
    ['(only a comment)', []],
    ['', []],
    // a comment after a bare addr-spec names it (the old "addr (Name)" form)
    ['plain@x.org (Comment Name)', ['Comment Name <plain@x.org>']],
    ['plain@x.org (outer (nested) text)', ['outer (nested) text <plain@x.org>']],
    // quoted strings (3.2.4) and obs-phrase (4.1)
    ['"Doe, Jane" <j@x.org>', ['Doe, Jane <j@x.org>']],
    ['"a \\"b\\" \\\\ c" <q@x.org>', ['a "b" \\ c <q@x.org>']],
    ['"quoted local"@x.org', ['<quoted local@x.org>']],
    ['John Q. Public <jqp@x.org>', ['John Q. Public <jqp@x.org>']],
    ['Many   spaced\twords <w@x.org>', ['Many spaced words <w@x.org>']],
    // obs-route (4.4) and domain literals (3.4.1)
    ['<@relay.example,@gw.example:r@x.org>', ['<@relay.example,@gw.example:r@x.org>']],
    ['lit@[192.0.2.1]', ['<lit@[192.0.2.1]>']],
    // what is missing or broken
    ['bare-word', ['<bare-word@?>']],
    ['Two Words', ['Two Words <?@?>']],
    ['"Only Quoted"', ['Only Quoted <?@?>']],
    ['<>', ['<?@?>']],
    ['Broken <open@x.org', ['Broken <open@!>']],
    ['a@x.org garbage, b@x.org', ['<a@x.org>']],
    ['a@x.org,, b@x.org', ['<a@x.org>', '<?@?>', '<b@x.org>']],
  ])('%j', (value, expected) => {
    expect(spell(parseAddressList(value))).toEqual(expected);
  });

  it('keeps 8-bit bytes and encoded words as they are written', () => {
    const [a] = parseAddressList('=?utf-8?q?J=C3=B6rg?= <j@x.org>');
    expect(a).toMatchObject({ name: '=?utf-8?q?J=C3=B6rg?=', mailbox: 'j', domain: 'x.org' });
    const [b] = parseAddressList('J\xc3\xb6rg <j\xc3\xb6@x.org>');
    expect(b).toMatchObject({ name: 'J\xc3\xb6rg', mailbox: 'j\xc3\xb6' });
  });

  it('reads a huge list in linear time and stops at a bound', () => {
    const t = Date.now();
    const items = parseAddressList('a@x.org,'.repeat(200_000));
    expect(items.length).toBe(10_000);
    expect(Date.now() - t).toBeLessThan(2000);
    expect(parseAddressList('('.repeat(100_000))).toEqual([]);
  });

  it('mailboxesOf drops the group markers', () => {
    expect(spell(mailboxesOf(parseAddressList('g: a@x.org;, b@x.org')))).toEqual(['<a@x.org>', '<b@x.org>']);
  });
});

describe('addressListText (what SEARCH FROM/TO/CC/BCC match)', () => {
  it.each([
    ['<user-from (comment)@ (comment) domain.org>', 'user-from@domain.org'],
    ['plain@x.org (Comment Name)', 'Comment Name <plain@x.org>'],
    ['"Doe, Jane" <j@x.org>, k@x.org', 'Doe, Jane <j@x.org>, k@x.org'],
    ['group:;, group2: (foo) ;, team: a@x.org, B <b@x.org>;', 'group: ;, group2: ;, team: a@x.org, B <b@x.org>;'],
    ['=?iso-8859-1?q?Fr\xf6sche?= <f@x.org>', 'Frösche <f@x.org>'],
    ['J\xc3\xb6rg <j\xc3\xb6@x.org>', 'Jörg <jö@x.org>'],
    ['bare-word', 'bare-word'],
    ['(only a comment)', ''],
  ])('%j -> %j', (value, text) => {
    expect(addressListText(value)).toBe(text);
  });
});
