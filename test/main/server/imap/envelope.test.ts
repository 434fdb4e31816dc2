// ENVELOPE's address lists (RFC 3501 7.4.2) from address headers as RFC 5322 3.4 writes them:
// groups as start and end markers, comments and folding white space dropped (never an address of
// their own), quoted strings unquoted, obsolete forms (4.4) read. Each expected answer is also
// Dovecot's for the same APPENDed message.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mimeFixture, startImapPair } from '../../../support/imap-pair.ts';
import type { ImapPair } from '../../../support/imap-pair.ts';

/** [Cc header value (a binary string of its bytes), the ENVELOPE cc field RFC 3501 asks for]. */
const CC: Array<[string, string]> = [
  // Groups: "(NIL NIL group NIL)" starts one, "(NIL NIL NIL NIL)" ends it; a comment is no member.
  ['group:;, group2: (foo) ;', '((NIL NIL "group" NIL)(NIL NIL NIL NIL)(NIL NIL "group2" NIL)(NIL NIL NIL NIL))'],
  ['undisclosed-recipients:;', '((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL))'],
  [
    'team: Erin <erin@example.org>, frank@example.org;, after@example.org',
    '((NIL NIL "team" NIL)("Erin" NIL "erin" "example.org")(NIL NIL "frank" "example.org")(NIL NIL NIL NIL)(NIL NIL "after" "example.org"))',
  ],
  ['"The Team": a@example.org;', '((NIL NIL "The Team" NIL)(NIL NIL "a" "example.org")(NIL NIL NIL NIL))'],
  ['open-group: a@example.org', '((NIL NIL "open-group" NIL)(NIL NIL "a" "example.org")(NIL NIL NIL NIL))'],
  // Comments and white space inside an addr-spec are CFWS: dropped (RFC 5322 3.4.1, 4.4).
  ['<user-from (comment)@ (comment) domain.org>', '((NIL NIL "user-from" "domain.org"))'],
  ['user-from @ domain . org', '((NIL NIL "user-from" "domain.org"))'],
  ['Real Name (comment) <real@example.org>', '(("Real Name" NIL "real" "example.org"))'],
  // ... but a comment after a bare addr-spec is its display name (the old "addr (Name)" form).
  ['plain@example.org (Comment Name)', '(("Comment Name" NIL "plain" "example.org"))'],
  ['(only a comment)', 'NIL'],
  // Quoted strings lose their quotes and backslashes (a name holding '"' goes as a literal, like Dovecot's).
  ['"Quoted, Name" <q@example.org>', '(("Quoted, Name" NIL "q" "example.org"))'],
  ['"Escaped \\"quote\\"" <e@example.org>', '(({15}\r\nEscaped "quote" NIL "e" "example.org"))'],
  ['"quoted local"@example.org', '((NIL NIL "quoted local" "example.org"))'],
  ['John Q. Public <jqp@example.org>', '(("John Q. Public" NIL "jqp" "example.org"))'],
  ['Several   spaced\twords <w@example.org>', '(("Several spaced words" NIL "w" "example.org"))'],
  // Encoded words and 8-bit names stay as they are written (ENVELOPE carries the raw bytes).
  ['=?utf-8?q?J=C3=B6rg?= <joerg@example.org>', '(("=?utf-8?q?J=C3=B6rg?=" NIL "joerg" "example.org"))'],
  ['Anna =?utf-8?q?M=C3=BCller?= <anna@example.org>', '(("Anna =?utf-8?q?M=C3=BCller?=" NIL "anna" "example.org"))'],
  ['J\xc3\xb6rg <j@example.org>', '(({5}\r\nJ\xc3\xb6rg NIL "j" "example.org"))'],
  // Obsolete route, domain literal, several addresses.
  ['<@relay.example,@gw.example:routed@example.org>', '((NIL "@relay.example,@gw.example" "routed" "example.org"))'],
  ['lit@[192.0.2.1]', '((NIL NIL "lit" "[192.0.2.1]"))'],
  ['a@example.org, B <b@example.org>,c@example.org', '((NIL NIL "a" "example.org")("B" NIL "b" "example.org")(NIL NIL "c" "example.org"))'],
  // What is missing or broken, spelled as Dovecot spells it.
  ['bare-word', '((NIL NIL "bare-word" "MISSING_DOMAIN"))'],
  ['Two Words', '(("Two Words" NIL "MISSING_MAILBOX" "MISSING_DOMAIN"))'],
  ['<>', '((NIL NIL "MISSING_MAILBOX" "MISSING_DOMAIN"))'],
  ['Broken <open@example.org', '(("Broken" NIL "open" "SYNTAX_ERROR"))'],
  ['a@example.org garbage, b@example.org', '((NIL NIL "a" "example.org"))'],
];

const message = (n: number, cc: string) =>
  Buffer.from(
    `From: Sender <sender@example.org>\r\nTo: to@example.org\r\nCc: ${cc}\r\nSubject: case ${n}\r\n` +
      `Date: Fri, 06 Jun 2025 07:00:00 +0200\r\nMessage-ID: <c${n}@example.org>\r\n\r\nbody\r\n`,
    'latin1',
  );

const FIXTURE = 'address-groups.eml';
let pair: ImapPair;

beforeAll(async () => {
  pair = await startImapPair([...CC.map(([cc], i) => message(i + 1, cc)), mimeFixture(FIXTURE)]);
}, 120_000);

afterAll(async () => {
  await pair?.close();
});

describe('ENVELOPE address lists', () => {
  it.each(CC.map(([cc, field], i) => [i + 1, cc, field] as const))('%i: Cc: %s', async (seq, _cc, field) => {
    const { ours, dovecot } = await pair.both(`FETCH ${seq} (ENVELOPE)`);
    const sender = '(("Sender" NIL "sender" "example.org"))';
    expect(ours).toBe(
      `* ${seq} FETCH (ENVELOPE ("Fri, 06 Jun 2025 07:00:00 +0200" "case ${seq}" ${sender} ${sender} ${sender} ` +
        `((NIL NIL "to" "example.org")) ${field} NIL NIL "<c${seq}@example.org>"))\r\nOK`,
    );
    expect(ours).toBe(dovecot);
  });

  it('reads every address field of a real message the same way (From with comments, groups in Cc, Reply-To)', async () => {
    const seq = CC.length + 1;
    const { ours, dovecot } = await pair.both(`FETCH ${seq} (ENVELOPE)`);
    const from = '((NIL NIL "user-from" "domain.org"))';
    const replyTo = '((NIL NIL "team" NIL)("Erin" NIL "erin" "example.org")(NIL NIL "frank" "example.org")(NIL NIL NIL NIL))';
    const to = '(("Dave" NIL "dave" "example.org")(NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL))';
    const cc = '((NIL NIL "group" NIL)(NIL NIL NIL NIL)(NIL NIL "group2" NIL)(NIL NIL NIL NIL))';
    const bcc = '(("Quoted, Name" NIL "q" "example.org")("Comment Name" NIL "plain" "example.org")("=?utf-8?q?J=C3=B6rg?=" NIL "joerg" "example.org"))';
    const subject = '{33}\r\n=?iso-8859-1?q?Fr\xf6sche?= im Teich';
    expect(ours).toBe(
      `* ${seq} FETCH (ENVELOPE ("Fri, 06 Jun 2025 07:00:00 +0200" ${subject} ${from} ${from} ${replyTo} ${to} ${cc} ${bcc} NIL "<groups@example.org>"))\r\nOK`,
    );
    expect(ours).toBe(dovecot);
  });
});

/** The sequence numbers of the Cc table's messages whose header value passes `pick`. */
const seqsWhere = (pick: (cc: string) => boolean) => CC.flatMap(([cc], i) => (pick(cc) ? [i + 1] : []));
/** A UTF-8 search string as a non-synchronising literal (RFC 7888 LITERAL+). */
const utf8 = (s: string) => `{${Buffer.byteLength(s)}+}\r\n${s}`;

/**
 * Dovecot matches an address field only in its own normalised form ('"Comment Name"
 * <plain@example.org>', names quoted); we match a readable one ('Comment Name <plain@example.org>')
 * and the raw text too (HEADER FROM shares the key), so only searches both find are compared.
 */
describe('SEARCH by address (RFC 5322 3.4.1: CFWS is not part of an address) and decoded header text', () => {
  const fixture = CC.length + 1;
  it.each([
    ['FROM user-from@domain.org', [fixture]],
    ['CC user-from@domain.org', seqsWhere((cc) => cc.includes('user-from'))],
    // "plain@example.org (Comment Name)" is the address <plain@example.org> named by its comment.
    ['CC "<plain@example.org>"', seqsWhere((cc) => cc.startsWith('plain@'))],
    ['CC frank@example.org', seqsWhere((cc) => cc.includes('frank@'))],
    ['CC "The Team"', seqsWhere((cc) => cc.startsWith('"The Team"'))],
    ['BCC "Comment Name"', [fixture]],
    // Encoded words (raw 8-bit bytes inside one too) and raw UTF-8, decoded before matching.
    [`CHARSET UTF-8 SUBJECT ${utf8('Frösche')}`, [fixture]],
    [`CHARSET UTF-8 TEXT ${utf8('Frösche im')}`, [fixture]],
    [`CHARSET UTF-8 CC ${utf8('Jörg')}`, seqsWhere((cc) => cc.includes('J=C3=B6rg') || cc.includes('J\xc3\xb6rg'))],
    [`CHARSET UTF-8 BCC ${utf8('Jörg <joerg@example.org>')}`, [fixture]],
    [`CHARSET UTF-8 CC ${utf8('Anna Müller')}`, seqsWhere((cc) => cc.startsWith('Anna'))],
  ])('SEARCH %s', async (criteria, seqs) => {
    expect(seqs.length).toBeGreaterThan(0);
    const { ours, dovecot } = await pair.both(`SEARCH ${criteria}`);
    expect(ours).toBe(`* SEARCH ${seqs.join(' ')}\r\nOK`);
    expect(ours).toBe(dovecot);
  });
});
