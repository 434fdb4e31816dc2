// SORT (RFC 5256 3), ESORT (RFC 5267) and THREAD (RFC 5256 4-5) against Dovecot: the same
// messages (the MIME corpus plus a made-up conversation) with the same internal dates are
// appended to both servers, and every answer is compared exactly.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startTestServer } from '../../../support/imap-test-server.ts';
import { CORPUS_DIR as CORPUS, toCrlf as crlf } from '../../../support/corpus.ts';
import type { RawClient } from '../../../support/imap-raw-client.ts';
import type { TestServer } from '../../../support/imap-test-server.ts';
import { appendMessage, openPair, untagged } from '../../../support/imap-pair.ts';

/** Where Dovecot reads a message differently, so its sort keys differ. */
const KNOWN: Record<string, string> = {
  'legacy-049.eml': 'Dovecot drops the lone CR at the end on APPEND, which changes the size',
  'legacy-001.eml': 'Dovecot does not decode a UTF-7 encoded word in the subject',
};
/** Raw 8-bit bytes inside an encoded word: Dovecot reads them in the declared charset, we as UTF-8. */
const eightBitEncodedWord = (m: Buffer) => /=\?[^?\s]*\?[QB]\?[^?\s]*[\x80-\xff]/i.test(m.toString('latin1').split('\r\n\r\n')[0]!);
const corpus = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.eml') && !KNOWN[f])
  .sort()
  .map((f) => crlf(readFileSync(path.join(CORPUS, f))))
  .filter((m) => !eightBitEncodedWord(m));

/** A conversation for THREAD: replies by References and In-Reply-To, subjects alone, a missing parent, a loop. */
const conversation: Array<{ id: string; subject: string; date: string; from: string; refs?: string; inReplyTo?: string }> = [
  { id: 'a1', subject: 'Picnic on Sunday', date: 'Mon, 1 Jun 2026 10:00:00 +0200', from: 'ann@example.test' },
  { id: 'a2', subject: 'Re: Picnic on Sunday', date: 'Mon, 1 Jun 2026 11:00:00 +0200', from: 'bob@example.test', refs: '<a1@x>' },
  { id: 'a3', subject: 'Re: Picnic on Sunday', date: 'Mon, 1 Jun 2026 09:30:00 +0000', from: 'cid@example.test', refs: '<a1@x> <a2@x>' },
  { id: 'a4', subject: 'RE: Re: picnic on sunday', date: 'Tue, 2 Jun 2026 08:00:00 +0200', from: 'dan@example.test', inReplyTo: '<a2@x>' },
  { id: 'b1', subject: 'Fwd: Picnic on Sunday', date: 'Tue, 2 Jun 2026 09:00:00 +0200', from: 'eve@example.test' },
  { id: 'c2', subject: 'Re: Lost parent', date: 'Wed, 3 Jun 2026 09:00:00 +0200', from: 'fay@example.test', refs: '<c1@x>' },
  { id: 'c3', subject: 'Re: Lost parent', date: 'Wed, 3 Jun 2026 10:00:00 +0200', from: 'gus@example.test', refs: '<c1@x>' },
  { id: 'd1', subject: '[club] Minutes', date: 'Thu, 4 Jun 2026 09:00:00 +0200', from: 'hal@example.test' },
  { id: 'd2', subject: 'Minutes (fwd)', date: 'Thu, 4 Jun 2026 08:00:00 +0200', from: 'ida@example.test' },
  { id: 'd3', subject: 'Re: [club] Minutes', date: 'Thu, 4 Jun 2026 10:00:00 +0200', from: 'jon@example.test' },
  { id: 'e1', subject: 'Loop one', date: 'Fri, 5 Jun 2026 09:00:00 +0200', from: 'kim@example.test', refs: '<e2@x>' },
  { id: 'e2', subject: 'Loop two', date: 'Fri, 5 Jun 2026 10:00:00 +0200', from: 'lea@example.test', refs: '<e1@x>' },
  { id: 'f1', subject: '', date: 'not a date', from: 'mia@example.test' },
  { id: 'f2', subject: 'Re:', date: 'Sat, 6 Jun 2026 09:00:00 +0200', from: 'ned@example.test', refs: '<f1@x>' },
  { id: 'a1', subject: 'Picnic on Sunday (duplicate Message-ID)', date: 'Sun, 7 Jun 2026 09:00:00 +0200', from: 'ann@example.test' },
];
const conversationMessages = conversation.map((m) =>
  Buffer.from(
    `Date: ${m.date}\r\nFrom: ${m.from}\r\nTo: list@example.test\r\nSubject: ${m.subject}\r\nMessage-ID: <${m.id}@x>\r\n` +
      (m.refs ? `References: ${m.refs}\r\n` : '') +
      (m.inReplyTo ? `In-Reply-To: ${m.inReplyTo}\r\n` : '') +
      `\r\n${m.id}\r\n`,
  ),
);

let srv: TestServer;
let ours: RawClient;
let theirs: RawClient;

async function load(c: RawClient): Promise<void> {
  const all = [...corpus, ...conversationMessages];
  for (let i = 0; i < all.length; i++) {
    // Distinct internal dates, the same on both servers (ARRIVAL, and DATE's fallback).
    const date = new Date(Date.UTC(2026, 0, 1) + (all.length - i) * 61_000 * (i % 3 ? 1 : -1));
    const dd = String(date.getUTCDate()).padStart(2, '0');
    const mon = date.toUTCString().slice(8, 11);
    const time = date.toISOString().slice(11, 19);
    expect(await appendMessage(c, 'INBOX', all[i]!, ` "${dd}-${mon}-${date.getUTCFullYear()} ${time} +0000"`)).toMatch(/ap OK/);
  }
  expect(await c.cmd('s', 'SELECT INBOX')).toMatch(/s OK/);
}

beforeAll(async () => {
  srv = await startTestServer();
  ({ ours, theirs } = await openPair(srv));
  await load(ours);
  await load(theirs);
}, 120_000);

afterAll(async () => {
  ours?.close();
  theirs?.close();
  await srv?.close();
});

async function same(cmd: string): Promise<string[]> {
  const a = untagged(await ours.cmd('q', cmd));
  // Dovecot writes an empty THREAD answer as "* THREAD " (RFC 5256 6 has no space there).
  const b = untagged(await theirs.cmd('q', cmd))
    .filter((l) => !l.startsWith('* OK [HIGHESTMODSEQ'))
    .map((l) => l.trimEnd());
  expect(
    a.filter((l) => !l.startsWith('* OK [HIGHESTMODSEQ')),
    cmd,
  ).toEqual(b);
  return a;
}

describe('SORT like Dovecot', () => {
  const criteria = [
    'ARRIVAL',
    'DATE',
    'SIZE',
    'SUBJECT',
    'FROM',
    'TO',
    'CC',
    'REVERSE DATE',
    'REVERSE ARRIVAL',
    'SUBJECT DATE',
    'SUBJECT REVERSE DATE',
    'REVERSE SIZE FROM',
    'FROM REVERSE SUBJECT ARRIVAL',
  ];
  for (const c of criteria) {
    it(`SORT (${c}) and UID SORT (${c})`, async () => {
      const r = await same(`SORT (${c}) UTF-8 ALL`);
      expect(r[0]).toMatch(/^\* SORT( \d+)+$/);
      await same(`UID SORT (${c}) UTF-8 ALL`);
    });
  }

  it('SORT with search criteria and an empty result', async () => {
    await same('SORT (SUBJECT) UTF-8 SUBJECT picnic');
    await same('SORT (DATE) US-ASCII OR FROM ann FROM bob');
    expect(await same('SORT (DATE) UTF-8 SUBJECT nothing-matches-this')).toEqual(['* SORT']);
  });

  it('ESORT: RETURN (MIN MAX COUNT ALL) and PARTIAL in sort order', async () => {
    await same('SORT RETURN (MIN MAX COUNT) (DATE) UTF-8 ALL');
    await same('SORT RETURN (ALL) (REVERSE SUBJECT) UTF-8 ALL');
    await same('UID SORT RETURN () (SIZE) UTF-8 ALL');
    await same('SORT RETURN (PARTIAL 3:9) (FROM) UTF-8 ALL');
    await same('UID SORT RETURN (PARTIAL 80:100 COUNT) (ARRIVAL) UTF-8 ALL');
    await same('SORT RETURN (MIN MAX) (DATE) UTF-8 SUBJECT nothing-matches-this');
  });

  it('refuses malformed criteria', async () => {
    for (const cmd of [
      'SORT () UTF-8 ALL',
      'SORT (REVERSE) UTF-8 ALL',
      'SORT (DATE FOO) UTF-8 ALL',
      'SORT (DATE)',
      'SORT DATE UTF-8 ALL',
      'SORT RETURN (PARTIAL 1:2 ALL) (DATE) UTF-8 ALL',
    ]) {
      expect(await ours.cmd('b', cmd), cmd).toMatch(/b BAD/);
      expect(await theirs.cmd('b', cmd), cmd).toMatch(/b BAD/);
    }
  });
});

describe('THREAD like Dovecot', () => {
  for (const algorithm of ['ORDEREDSUBJECT', 'REFERENCES']) {
    it(`THREAD ${algorithm} and UID THREAD ${algorithm}`, async () => {
      const r = await same(`THREAD ${algorithm} UTF-8 ALL`);
      expect(r[0]).toMatch(/^\* THREAD \(/);
      await same(`UID THREAD ${algorithm} UTF-8 ALL`);
    });
    it(`THREAD ${algorithm} over search results, and an empty one`, async () => {
      await same(`THREAD ${algorithm} UTF-8 FROM example.test`);
      await same(`THREAD ${algorithm} UTF-8 OR SUBJECT picnic SUBJECT minutes`);
      expect(await same(`THREAD ${algorithm} UTF-8 SUBJECT nothing-matches-this`)).toEqual(['* THREAD']);
    });
  }

  it('refuses an unknown algorithm and missing arguments', async () => {
    for (const cmd of ['THREAD FOO UTF-8 ALL', 'THREAD REFERENCES', 'THREAD REFERENCES UTF-8']) {
      expect(await ours.cmd('b', cmd), cmd).toMatch(/b BAD/);
      expect(await theirs.cmd('b', cmd), cmd).toMatch(/b BAD/);
    }
  });
});
