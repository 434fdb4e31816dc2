// BODY[section] of attached messages (RFC 3501 6.4.5): a part of type MESSAGE/RFC822 is numbered
// on into the message it carries; HEADER, TEXT and HEADER.FIELDS of it are that message's; MIME is
// the part's own header. Each expected answer is also Dovecot's for the same APPENDed message.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mimeFixture, startImapPair } from '../../../support/imap-pair.ts';
import type { ImapPair } from '../../../support/imap-pair.ts';

const FIXTURES = [
  'forwarded-top-level.eml', // 1: the top message is message/rfc822 around a text message
  'forwarded-top-level-multipart.eml', // 2: ... around a multipart message
  'forwarded-attachment.eml', // 3: multipart/mixed, part 1 a message/rfc822 (text body)
  'forwarded-attachment-multipart.eml', // 4: part 2 a message/rfc822 with a multipart body
  'forwarded-twice.eml', // 5: message/rfc822 inside message/rfc822, and inside a multipart inside one
  'digest.eml', // 6: multipart/digest, whose parts are message/rfc822 unless they say otherwise
] as const;
const seqOf = (f: (typeof FIXTURES)[number]) => FIXTURES.indexOf(f) + 1;

const crlf = (s: string) => s.replace(/\n/g, '\r\n');
/** Decoded bytes as they are (a binary string), line ends included: BINARY of a base64 part. */
interface Bytes {
  bytes: string;
}
/** A section's value as a literal (text lines end in CRLF); BINARY may come as literal8 ("~{n}"), compared as "{n}". */
const lit = (v: string | Bytes) => {
  const s = typeof v === 'string' ? crlf(v) : v.bytes;
  return `{${Buffer.byteLength(s, 'latin1')}}\r\n${s}`;
};
const noLiteral8 = (s: string) => s.replace(/~\{(\d+)\}\r\n/g, '{$1}\r\n');

// The messages' pieces, as the fixture files spell them.
const GARDEN_OUTER_HEADER =
  'From: Carol <carol@example.org>\nTo: Dave <dave@example.org>\nSubject: Fwd: Garden plans\nDate: Tue, 03 Jun 2025 09:15:00 +0200\n' +
  'Message-ID: <fwd-top@example.org>\nMIME-Version: 1.0\nContent-Type: message/rfc822\n\n';
const GARDEN_HEADER =
  'From: Alice <alice@example.org>\nTo: Carol <carol@example.org>\nSubject: Garden plans\nDate: Mon, 02 Jun 2025 18:00:00 +0200\n' +
  'Message-ID: <orig-1@example.org>\nContent-Type: text/plain; charset=utf-8\n\n';
const GARDEN_TEXT = 'Tomatoes along the fence,\nbeans by the shed.\n';

const PHOTOS_HEADER =
  'From: Alice <alice@example.org>\nTo: Carol <carol@example.org>\nSubject: Photos\nDate: Mon, 02 Jun 2025 18:05:00 +0200\n' +
  'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="inner"\n\n';
const PNG_MIME = 'Content-Type: image/png; name="dot.png"\nContent-Disposition: attachment; filename="dot.png"\nContent-Transfer-Encoding: base64\n\n';
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGA\nWjR9awAAAABJRU5ErkJggg==';
const PHOTOS_TEXT = `--inner\nContent-Type: text/plain; charset=us-ascii\n\nTwo photos attached.\n\n--inner\n${PNG_MIME}${PNG_BASE64}\n--inner--\n`;

const RECIPE_MIME = 'Content-Type: message/rfc822\nContent-Description: forwarded message\n\n';
const RECIPE_HEADER =
  'From: Bob <bob@example.org>\nTo: Carol <carol@example.org>\nCc: kitchen:;, helpers: (nobody yet) ;\nSubject: Recipe\n' +
  'Date: Mon, 02 Jun 2025 12:00:00 +0200\nMessage-ID: <recipe@example.org>\nContent-Type: text/plain; charset=us-ascii\n\n';
const RECIPE_TEXT = 'Flour, water, salt.\nKnead for ten minutes.\n';

const INVOICE_MIME = 'Content-Type: message/rfc822; name="invoice.eml"\nContent-Disposition: attachment; filename="invoice.eml"\n\n';
const INVOICE_HEADER =
  'From: Shop <billing@shop.example>\nTo: Carol <carol@example.org>\nSubject: Invoice 42\nDate: Mon, 02 Jun 2025 08:00:00 +0200\n' +
  'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="inner"\n\n';
const TOTAL_MIME = 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n';
const CSV_MIME = 'Content-Type: text/csv; name="invoice.csv"\nContent-Disposition: attachment; filename="invoice.csv"\nContent-Transfer-Encoding: base64\n\n';
const INVOICE_TEXT = `--inner\n${TOTAL_MIME}Total: 12 =E2=82=AC\n\n--inner\n${CSV_MIME}aXRlbSxwcmljZQpicmVhZCwxMgo=\n--inner--\n`;

const CAROL_HEADER =
  'From: Carol <carol@example.org>\nTo: Erin <erin@example.org>\nSubject: Fwd: Garden plans\nDate: Tue, 03 Jun 2025 09:15:00 +0200\n' +
  'MIME-Version: 1.0\nContent-Type: message/rfc822\n\n';
const ALICE_HEADER =
  'From: Alice <alice@example.org>\nTo: Carol <carol@example.org>\nSubject: Garden plans\nDate: Mon, 02 Jun 2025 18:00:00 +0200\n' +
  'Content-Type: text/plain; charset=utf-8\n\n';
const ALICE_TEXT = 'Tomatoes along the fence.\n';
const NOTE_HEADER = 'From: Bob <bob@example.org>\nSubject: note one\nContent-Type: multipart/alternative; boundary="alt"\n\n';

const SEEDS_HEADER = 'From: Alice <alice@example.org>\nSubject: Seeds\nDate: Wed, 04 Jun 2025 10:00:00 +0200\n\n';
const SEEDS_TEXT = 'Who has spare seeds?\n';
const REPLY_HEADER =
  'From: Bob <bob@example.org>\nSubject: Re: Seeds\nDate: Wed, 04 Jun 2025 11:00:00 +0200\nMIME-Version: 1.0\n' +
  'Content-Type: multipart/alternative; boundary="alt"\n\n';

/** [fixture, FETCH item, the section's expected content ('' for a part that does not exist)]. */
const SECTIONS: Array<[(typeof FIXTURES)[number], string, string | Bytes]> = [
  // The top message is message/rfc822: its part 1 is its body, the whole encapsulated message.
  ['forwarded-top-level.eml', 'BODY.PEEK[1]', GARDEN_HEADER + GARDEN_TEXT],
  ['forwarded-top-level.eml', 'BODY.PEEK[1.HEADER]', GARDEN_HEADER],
  ['forwarded-top-level.eml', 'BODY.PEEK[1.TEXT]', GARDEN_TEXT],
  ['forwarded-top-level.eml', 'BODY.PEEK[1.MIME]', GARDEN_OUTER_HEADER],
  ['forwarded-top-level.eml', 'BODY.PEEK[1.1]', GARDEN_TEXT],
  ['forwarded-top-level.eml', 'BODY.PEEK[1.HEADER.FIELDS (SUBJECT FROM)]', 'From: Alice <alice@example.org>\nSubject: Garden plans\n\n'],
  [
    'forwarded-top-level.eml',
    'BODY.PEEK[1.HEADER.FIELDS.NOT (SUBJECT FROM DATE MESSAGE-ID)]',
    'To: Carol <carol@example.org>\nContent-Type: text/plain; charset=utf-8\n\n',
  ],
  ['forwarded-top-level.eml', 'BODY.PEEK[HEADER.FIELDS (SUBJECT)]', 'Subject: Fwd: Garden plans\n\n'],
  ['forwarded-top-level.eml', 'BODY.PEEK[TEXT]', GARDEN_HEADER + GARDEN_TEXT],
  ['forwarded-top-level.eml', 'BODY.PEEK[1.1.1]', ''], // a text body has no parts
  ['forwarded-top-level.eml', 'BODY.PEEK[1.2]', ''],
  ['forwarded-top-level.eml', 'BODY.PEEK[2]', ''],
  ['forwarded-top-level.eml', 'BINARY.PEEK[1]', GARDEN_HEADER + GARDEN_TEXT],
  ['forwarded-top-level.eml', 'BINARY.PEEK[1.1]', GARDEN_TEXT],
  // ... and when the encapsulated message is multipart, [1.n] are its parts.
  ['forwarded-top-level-multipart.eml', 'BODY.PEEK[1]', PHOTOS_HEADER + PHOTOS_TEXT],
  ['forwarded-top-level-multipart.eml', 'BODY.PEEK[1.HEADER]', PHOTOS_HEADER],
  ['forwarded-top-level-multipart.eml', 'BODY.PEEK[1.TEXT]', PHOTOS_TEXT],
  ['forwarded-top-level-multipart.eml', 'BODY.PEEK[1.1]', 'Two photos attached.\n'],
  ['forwarded-top-level-multipart.eml', 'BODY.PEEK[1.2]', PNG_BASE64],
  ['forwarded-top-level-multipart.eml', 'BODY.PEEK[1.2.MIME]', PNG_MIME],
  ['forwarded-top-level-multipart.eml', 'BODY.PEEK[1.1.1]', 'Two photos attached.\n'], // a leaf's own "1", as Dovecot answers
  ['forwarded-top-level-multipart.eml', 'BODY.PEEK[1.3]', ''],
  ['forwarded-top-level-multipart.eml', 'BODY.PEEK[2]', ''],
  ['forwarded-top-level-multipart.eml', 'BINARY.PEEK[1.1]', 'Two photos attached.\n'],
  // An attached message with a text body.
  ['forwarded-attachment.eml', 'BODY.PEEK[1]', RECIPE_HEADER + RECIPE_TEXT],
  ['forwarded-attachment.eml', 'BODY.PEEK[1.HEADER]', RECIPE_HEADER],
  ['forwarded-attachment.eml', 'BODY.PEEK[1.TEXT]', RECIPE_TEXT],
  ['forwarded-attachment.eml', 'BODY.PEEK[1.MIME]', RECIPE_MIME],
  ['forwarded-attachment.eml', 'BODY.PEEK[1.1]', RECIPE_TEXT],
  ['forwarded-attachment.eml', 'BODY.PEEK[1.HEADER.FIELDS (CC)]', 'Cc: kitchen:;, helpers: (nobody yet) ;\n\n'],
  [
    'forwarded-attachment.eml',
    'BODY.PEEK[1.HEADER.FIELDS.NOT (TO CC DATE)]',
    'From: Bob <bob@example.org>\nSubject: Recipe\nMessage-ID: <recipe@example.org>\nContent-Type: text/plain; charset=us-ascii\n\n',
  ],
  ['forwarded-attachment.eml', 'BODY.PEEK[1.1.1]', ''],
  ['forwarded-attachment.eml', 'BODY.PEEK[1.2]', ''],
  ['forwarded-attachment.eml', 'BODY.PEEK[2]', 'See the recipe above.'],
  ['forwarded-attachment.eml', 'BODY.PEEK[2.HEADER]', ''], // a text part is no message
  ['forwarded-attachment.eml', 'BINARY.PEEK[1.1]', RECIPE_TEXT],
  // An attached message with a multipart body.
  ['forwarded-attachment-multipart.eml', 'BODY.PEEK[2]', INVOICE_HEADER + INVOICE_TEXT],
  ['forwarded-attachment-multipart.eml', 'BODY.PEEK[2.HEADER]', INVOICE_HEADER],
  ['forwarded-attachment-multipart.eml', 'BODY.PEEK[2.TEXT]', INVOICE_TEXT],
  ['forwarded-attachment-multipart.eml', 'BODY.PEEK[2.MIME]', INVOICE_MIME],
  ['forwarded-attachment-multipart.eml', 'BODY.PEEK[2.HEADER.FIELDS (SUBJECT)]', 'Subject: Invoice 42\n\n'],
  ['forwarded-attachment-multipart.eml', 'BODY.PEEK[2.1]', 'Total: 12 =E2=82=AC\n'],
  ['forwarded-attachment-multipart.eml', 'BODY.PEEK[2.1.MIME]', TOTAL_MIME],
  ['forwarded-attachment-multipart.eml', 'BODY.PEEK[2.2]', 'aXRlbSxwcmljZQpicmVhZCwxMgo='],
  ['forwarded-attachment-multipart.eml', 'BODY.PEEK[2.2.MIME]', CSV_MIME],
  ['forwarded-attachment-multipart.eml', 'BODY.PEEK[2.2.HEADER]', ''],
  ['forwarded-attachment-multipart.eml', 'BODY.PEEK[2.3]', ''],
  ['forwarded-attachment-multipart.eml', 'BINARY.PEEK[2.1]', 'Total: 12 \xe2\x82\xac\n'],
  ['forwarded-attachment-multipart.eml', 'BINARY.PEEK[2.2]', { bytes: 'item,price\nbread,12\n' }],
  // Nested twice: message/rfc822 in a message/rfc822 part, and in a multipart inside one.
  ['forwarded-twice.eml', 'BODY.PEEK[2]', CAROL_HEADER + ALICE_HEADER + ALICE_TEXT],
  ['forwarded-twice.eml', 'BODY.PEEK[2.HEADER]', CAROL_HEADER],
  ['forwarded-twice.eml', 'BODY.PEEK[2.TEXT]', ALICE_HEADER + ALICE_TEXT],
  ['forwarded-twice.eml', 'BODY.PEEK[2.1]', ALICE_HEADER + ALICE_TEXT],
  ['forwarded-twice.eml', 'BODY.PEEK[2.1.HEADER]', ALICE_HEADER],
  ['forwarded-twice.eml', 'BODY.PEEK[2.1.TEXT]', ALICE_TEXT],
  ['forwarded-twice.eml', 'BODY.PEEK[2.1.MIME]', CAROL_HEADER],
  ['forwarded-twice.eml', 'BODY.PEEK[2.1.1]', ALICE_TEXT],
  ['forwarded-twice.eml', 'BODY.PEEK[2.1.HEADER.FIELDS (SUBJECT)]', 'Subject: Garden plans\n\n'],
  ['forwarded-twice.eml', 'BODY.PEEK[2.1.1.1]', ''],
  ['forwarded-twice.eml', 'BODY.PEEK[3.HEADER.FIELDS (SUBJECT)]', 'Subject: Fwd: two notes\n\n'],
  ['forwarded-twice.eml', 'BODY.PEEK[3.1]', 'Two notes follow.\n'],
  ['forwarded-twice.eml', 'BODY.PEEK[3.2.HEADER]', NOTE_HEADER],
  ['forwarded-twice.eml', 'BODY.PEEK[3.2.MIME]', 'Content-Type: message/rfc822\n\n'],
  ['forwarded-twice.eml', 'BODY.PEEK[3.2.1]', 'Note one.\n'],
  ['forwarded-twice.eml', 'BODY.PEEK[3.2.2]', '<p>Note one.</p>\n'],
  ['forwarded-twice.eml', 'BODY.PEEK[3.2.2.MIME]', 'Content-Type: text/html; charset=us-ascii\n\n'],
  ['forwarded-twice.eml', 'BODY.PEEK[3.2.3]', ''],
  ['forwarded-twice.eml', 'BINARY.PEEK[3.2.2]', '<p>Note one.</p>\n'],
  // multipart/digest: parts without a Content-Type are message/rfc822 (RFC 2046 5.1.5).
  ['digest.eml', 'BODY.PEEK[1]', SEEDS_HEADER + SEEDS_TEXT],
  ['digest.eml', 'BODY.PEEK[1.MIME]', '\n'],
  ['digest.eml', 'BODY.PEEK[1.HEADER]', SEEDS_HEADER],
  ['digest.eml', 'BODY.PEEK[1.TEXT]', SEEDS_TEXT],
  ['digest.eml', 'BODY.PEEK[1.1]', SEEDS_TEXT],
  ['digest.eml', 'BODY.PEEK[1.1.1]', ''],
  ['digest.eml', 'BODY.PEEK[2.HEADER]', REPLY_HEADER],
  ['digest.eml', 'BODY.PEEK[2.HEADER.FIELDS (FROM SUBJECT)]', 'From: Bob <bob@example.org>\nSubject: Re: Seeds\n\n'],
  ['digest.eml', 'BODY.PEEK[2.1]', 'I do.\n'],
  ['digest.eml', 'BODY.PEEK[2.2]', '<p>I do.</p>\n'],
  ['digest.eml', 'BODY.PEEK[2.2.1]', '<p>I do.</p>\n'],
  ['digest.eml', 'BODY.PEEK[3]', 'End of digest.\n'],
  ['digest.eml', 'BODY.PEEK[3.HEADER]', ''], // typed text/plain: not a message
  ['digest.eml', 'BODY.PEEK[4]', ''],
  ['digest.eml', 'BINARY.PEEK[1.1]', SEEDS_TEXT],
];

let pair: ImapPair;

beforeAll(async () => {
  pair = await startImapPair(FIXTURES.map(mimeFixture));
}, 120_000);

afterAll(async () => {
  await pair?.close();
});

describe('sections of attached messages (RFC 3501 6.4.5)', () => {
  it.each(SECTIONS)('%s %s', async (fixture, item, content) => {
    const seq = seqOf(fixture);
    const { ours, dovecot } = await pair.both(`FETCH ${seq} (${item})`);
    const name = item.replace('.PEEK', '');
    expect(noLiteral8(ours)).toBe(`* ${seq} FETCH (${name} ${lit(content)})\r\nOK`);
    expect(noLiteral8(ours)).toBe(noLiteral8(dovecot));
  });

  it.each(FIXTURES)('%s: BODYSTRUCTURE and ENVELOPE are Dovecot’s', async (fixture) => {
    const { ours, dovecot } = await pair.both(`FETCH ${seqOf(fixture)} (BODYSTRUCTURE BODY ENVELOPE)`);
    expect(ours).toBe(dovecot);
  });

  it('describes an attached message by its envelope, structure and lines, and its size is BODY[1]’s', async () => {
    const seq = seqOf('forwarded-attachment.eml');
    const { ours } = await pair.both(`FETCH ${seq} (BODYSTRUCTURE)`);
    const envelope =
      '("Mon, 02 Jun 2025 12:00:00 +0200" "Recipe" (("Bob" NIL "bob" "example.org")) (("Bob" NIL "bob" "example.org")) ' +
      '(("Bob" NIL "bob" "example.org")) (("Carol" NIL "carol" "example.org")) ' +
      '((NIL NIL "kitchen" NIL)(NIL NIL NIL NIL)(NIL NIL "helpers" NIL)(NIL NIL NIL NIL)) NIL NIL "<recipe@example.org>")';
    const size = Buffer.byteLength(crlf(RECIPE_HEADER + RECIPE_TEXT));
    // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines
    const part1 =
      `("message" "rfc822" NIL NIL "forwarded message" "7bit" ${size} ${envelope} ` +
      `("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${Buffer.byteLength(crlf(RECIPE_TEXT))} 2 NIL NIL NIL NIL) 10 NIL NIL NIL NIL)`;
    expect(ours).toContain(`BODYSTRUCTURE (${part1}(`);
  });

  it('BINARY.SIZE of a part is the length of its BINARY', async () => {
    const parts: Array<[(typeof FIXTURES)[number], string]> = [
      ['forwarded-top-level.eml', '1'],
      ['forwarded-top-level-multipart.eml', '1.2'],
      ['forwarded-attachment.eml', '1'],
      ['forwarded-attachment-multipart.eml', '2.1'],
      ['forwarded-attachment-multipart.eml', '2.2'],
      ['forwarded-twice.eml', '2.1.1'],
      ['digest.eml', '2.2'],
    ];
    for (const [fixture, part] of parts) {
      const seq = seqOf(fixture);
      const { ours } = await pair.both(`FETCH ${seq} (BINARY.SIZE[${part}] BINARY.PEEK[${part}])`);
      const m = /BINARY\.SIZE\[[\d.]+\] (\d+) BINARY\[[\d.]+\] ~?\{(\d+)\}/.exec(ours);
      expect(m, `${fixture} ${part}: ${ours}`).not.toBeNull();
      expect(m![1], `${fixture} ${part}`).toBe(m![2]);
    }
  });

  it('BINARY of an attached message is the message as stored (RFC 3516: only its own encoding is undone)', async () => {
    // Dovecot goes further and rewrites the parts inside to binary; the RFC asks for the section's
    // content with the part's Content-Transfer-Encoding (7bit here) removed, which is the message.
    const seq = seqOf('forwarded-top-level-multipart.eml');
    const { ours } = await pair.both(`FETCH ${seq} (BINARY.PEEK[1] BINARY.SIZE[1])`);
    expect(noLiteral8(ours)).toBe(
      `* ${seq} FETCH (BINARY[1] ${lit(PHOTOS_HEADER + PHOTOS_TEXT)} BINARY.SIZE[1] ${Buffer.byteLength(crlf(PHOTOS_HEADER + PHOTOS_TEXT))})\r\nOK`,
    );
  });
});
