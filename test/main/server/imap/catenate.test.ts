// CATENATE (RFC 4469): APPEND put together from TEXT literals and IMAP URLs (RFC 5092) of the
// user's own messages. The same commands go to Dovecot and the stored messages are compared.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer } from '../../../support/imap-test-server.ts';
import type { RawClient } from '../../../support/imap-raw-client.ts';
import type { TestServer } from '../../../support/imap-test-server.ts';
import { appendMessage, login, openPair } from '../../../support/imap-pair.ts';

const original =
  'Subject: part\r\nFrom: a@example.test\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n--b\r\nContent-Type: text/plain\r\n\r\nsecond\r\n--b--\r\n';
const lit = (s: string) => `{${Buffer.byteLength(s)}+}\r\n${s}`;

let srv: TestServer;
let ours: RawClient;
let theirs: RawClient;

beforeAll(async () => {
  srv = await startTestServer({
    users: [
      ['alice@home.arpa', 'alice-secret-pw'],
      ['bob@home.arpa', 'bob-secret-pw'],
    ],
  });
  ({ ours, theirs } = await openPair(srv));
  for (const c of [ours, theirs]) {
    expect(await appendMessage(c, 'INBOX', original)).toMatch(/ap OK \[APPENDUID \d+ 1\]/);
    expect(await c.cmd('s', 'SELECT INBOX')).toMatch(/s OK/);
  }
}, 60_000);

afterAll(async () => {
  ours?.close();
  theirs?.close();
  await srv?.close();
});

/** The tagged reply and the body of the message it stored (if any), without timing text. */
async function run(c: RawClient, command: string): Promise<{ status: string; body: string | null }> {
  const r = await c.cmd('c', command);
  const tagged = /c (OK|NO|BAD)( \[[^\]]*\])?/.exec(r)!;
  const uid = /APPENDUID \d+ (?:\d+:)?(\d+)\]/.exec(r)?.[1]; // the last one stored
  if (!uid) return { status: `${tagged[1]}${tagged[2]?.replace(/\d{6,}/g, 'N') ?? ''}`, body: null };
  const f = await c.cmd('f', `UID FETCH ${uid} BODY.PEEK[]`);
  const m = /BODY\[\] \{(\d+)\}\r\n/.exec(f)!;
  const start = m.index + m[0].length;
  return { status: tagged[1]!, body: f.slice(start, start + Number(m[1])) };
}

describe('CATENATE like Dovecot', () => {
  const table: Array<[string, string, string | null]> = [
    ['TEXT and a body part', `APPEND INBOX CATENATE (TEXT ${lit('Subject: new\r\n\r\n')} URL "/INBOX/;UID=1/;SECTION=1")`, 'Subject: new\r\n\r\nfirst'],
    [
      'header, MIME header and body of a part (RFC 4469 example)',
      `APPEND INBOX CATENATE (URL "/INBOX/;UID=1/;SECTION=HEADER" TEXT ${lit('--b\r\n')} URL "/INBOX/;UID=1/;SECTION=2.MIME" URL "/INBOX/;UID=1/;SECTION=2")`,
      null,
    ],
    ['a whole message, relative to the selected mailbox', 'APPEND INBOX CATENATE (URL ";UID=1")', original],
    ['PARTIAL of a message', 'APPEND INBOX CATENATE (URL "/INBOX/;UID=1/;PARTIAL=0.10")', 'Subject: p'],
    ['PARTIAL of a section', 'APPEND INBOX CATENATE (URL "/INBOX/;UID=1/;SECTION=1/;PARTIAL=2.3")', 'rst'],
    ['HEADER.FIELDS', 'APPEND INBOX CATENATE (URL "/INBOX/;UID=1/;SECTION=HEADER.FIELDS%20(SUBJECT)")', 'Subject: part\r\n\r\n'],
    ['with the UIDVALIDITY', 'APPEND INBOX CATENATE (URL "/INBOX;UIDVALIDITY=UV/;UID=1/;SECTION=2")', 'second'],
    [
      'flags and CATENATE mixed with MULTIAPPEND',
      `APPEND INBOX (\\Seen) CATENATE (TEXT ${lit('Subject: x\r\n\r\n')}) CATENATE (URL "/INBOX/;UID=1/;SECTION=1")`,
      'first',
    ],
    ['a missing message is BADURL', 'APPEND INBOX CATENATE (URL "/INBOX/;UID=99")', 'NO [BADURL /INBOX/;UID=99]'],
    ['a wrong UIDVALIDITY is BADURL', 'APPEND INBOX CATENATE (URL "/INBOX;UIDVALIDITY=1/;UID=1")', 'NO [BADURL /INBOX;UIDVALIDITY=1/;UID=1]'],
    ['a missing mailbox is BADURL', 'APPEND INBOX CATENATE (URL "/Nowhere/;UID=1")', 'NO [BADURL /Nowhere/;UID=1]'],
    ['an empty list is BAD', 'APPEND INBOX CATENATE ()', 'BAD'],
    ['a destination that does not exist is TRYCREATE', `APPEND Nowhere CATENATE (TEXT ${lit('Subject: x\r\n\r\n')})`, 'NO [TRYCREATE]'],
  ];
  for (const [what, command, want] of table) {
    it(what, async () => {
      const uv = async (c: RawClient) => /UIDVALIDITY (\d+)/.exec(await c.cmd('u', 'STATUS INBOX (UIDVALIDITY)'))![1]!;
      const a = await run(ours, command.replace('UV', await uv(ours)));
      const b = await run(theirs, command.replace('UV', await uv(theirs)));
      expect(a).toEqual(b);
      if (want === null) expect(a.status).toBe('OK');
      else if (a.body !== null) expect(a.body).toBe(want);
      else expect(a.status).toBe(want);
    });
  }

  it('stores nothing when one URL of a MULTIAPPEND is bad', async () => {
    const before = /UIDNEXT (\d+)/.exec(await ours.cmd('u', 'STATUS INBOX (UIDNEXT)'))![1];
    expect(await ours.cmd('m', `APPEND INBOX CATENATE (TEXT ${lit('Subject: x\r\n\r\n')}) CATENATE (URL "/INBOX/;UID=999")`)).toMatch(/m NO \[BADURL/);
    expect(/UIDNEXT (\d+)/.exec(await ours.cmd('u', 'STATUS INBOX (UIDNEXT)'))![1]).toBe(before);
  });
});

describe('CATENATE URLs are limited to the authenticated user', () => {
  it('accepts an absolute URL naming the user, by address or local part', async () => {
    for (const user of ['alice%40home.arpa', 'alice']) {
      const r = await run(ours, `APPEND INBOX CATENATE (URL "imap://${user}@localhost/INBOX/;UID=1/;SECTION=2")`);
      expect(r).toEqual({ status: 'OK', body: 'second' });
    }
  });

  it("refuses another user's mail, an anonymous URL and URLAUTH", async () => {
    const bob = await login(srv.plain.port, 'bob@home.arpa', 'bob-secret-pw');
    expect(await appendMessage(bob, 'INBOX', 'Subject: bob private\r\n\r\nsecret\r\n')).toMatch(/ap OK/);
    bob.close();
    for (const url of ['imap://bob%40home.arpa@localhost/INBOX/;UID=1', 'imap://localhost/INBOX/;UID=1', '/INBOX/;UID=1/;URLAUTH=anonymous:internal:0123']) {
      expect(await ours.cmd('x', `APPEND INBOX CATENATE (URL "${url}")`), url).toMatch(/x NO \[BADURL /);
    }
  });

  it('advertises CATENATE', async () => {
    expect(await ours.cmd('c', 'CAPABILITY')).toMatch(/^\* CAPABILITY .* CATENATE/m);
  });
});
