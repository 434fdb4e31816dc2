// SEARCH details a compliance suite checks: SENT* keys read the Date: header in its own zone
// (RFC 3501 6.4.4), MODSEQ searches enable CONDSTORE (RFC 7162 3.1) and the MODSEQ of
// RETURN (MIN)/(MAX) is that message's (RFC 4731 3.2), PARTIAL (RFC 5267 4.4). Where Dovecot
// can be asked, the same mailbox is loaded into both servers and the answers compared.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer } from '../../../support/imap-test-server.ts';
import type { RawClient } from '../../../support/imap-raw-client.ts';
import type { TestServer } from '../../../support/imap-test-server.ts';
import { appendMessage, login, openPair, untagged } from '../../../support/imap-pair.ts';

const messages = [
  ['Mon, 26 Mar 2007 01:00:00 +0200', 'Re: hello'],
  ['25 Mar 2007 00:00 +0200', 'hello'],
  ['Sun, 25 Mar 2007 23:30:00 -0500', 'Fwd: hello'],
  ['24 Mar 2007 12:00:00 GMT', 'other'],
  ['Sat, 24 Mar 2007 23:59:59 -1200', 'late'],
].map(([date, subject], i) => `Date: ${date}\r\nSubject: ${subject}\r\nFrom: a${i}@example.test\r\nMessage-ID: <${i}@example.test>\r\n\r\nbody ${i}\r\n`);

let srv: TestServer;
let ours: RawClient;
let theirs: RawClient;

beforeAll(async () => {
  srv = await startTestServer();
  ({ ours, theirs } = await openPair(srv));
  for (const c of [ours, theirs]) {
    for (const m of messages) expect(await appendMessage(c, 'INBOX', m)).toMatch(/ap OK/);
    expect(await c.cmd('s', 'SELECT INBOX')).toMatch(/s OK/);
  }
}, 60_000);

afterAll(async () => {
  ours?.close();
  theirs?.close();
  await srv?.close();
});

const lines = async (c: RawClient, cmd: string) => untagged(await c.cmd('q', cmd));

describe('SENTBEFORE / SENTON / SENTSINCE use the date as written', () => {
  const table: Array<[string, string]> = [
    ['SEARCH SENTON 25-Mar-2007', '* SEARCH 2 3'],
    ['SEARCH SENTON 24-Mar-2007', '* SEARCH 4 5'],
    ['SEARCH SENTBEFORE 25-Mar-2007', '* SEARCH 4 5'],
    ['SEARCH SENTSINCE 26-Mar-2007', '* SEARCH 1'],
    ['SEARCH SENTSINCE 25-Mar-2007 SENTBEFORE 26-Mar-2007', '* SEARCH 2 3'],
  ];
  for (const [cmd, want] of table) {
    it(`${cmd} -> ${want}, as Dovecot answers`, async () => {
      expect(await lines(ours, cmd)).toEqual([want]);
      expect(await lines(theirs, cmd)).toEqual([want]);
    });
  }
});

describe('CONDSTORE and ESEARCH', () => {
  it('the first SEARCH MODSEQ of a session enables CONDSTORE with an untagged HIGHESTMODSEQ, once', async () => {
    const first = await lines(ours, 'SEARCH MODSEQ 1');
    expect(first[0]).toMatch(/^\* OK \[HIGHESTMODSEQ \d+\]/);
    expect(first[1]).toMatch(/^\* SEARCH 1 2 3 4 5 \(MODSEQ \d+\)$/);
    expect(await lines(ours, 'SEARCH MODSEQ 1')).toHaveLength(1);
    // Dovecot answers the same way.
    const d = await lines(theirs, 'SEARCH MODSEQ 1');
    expect(d[0]).toMatch(/^\* OK \[HIGHESTMODSEQ \d+\]/);
  });

  it('RETURN (MIN) / (MAX) with MODSEQ answer that message’s MODSEQ, not the highest of all matches', async () => {
    expect(await ours.cmd('st', 'STORE 3 +FLAGS (\\Flagged)')).toMatch(/st OK/);
    const modseq = async (n: number) => Number(/MODSEQ \((\d+)\)/.exec((await lines(ours, `FETCH ${n} (MODSEQ)`))[0]!)![1]);
    const [m1, m3, m5] = [await modseq(1), await modseq(3), await modseq(5)];
    expect(m3).toBeGreaterThan(Math.max(m1, m5));
    expect(await lines(ours, 'SEARCH RETURN (MIN) MODSEQ 1')).toEqual([`* ESEARCH (TAG "q") MIN 1 MODSEQ ${m1}`]);
    expect(await lines(ours, 'SEARCH RETURN (MAX) MODSEQ 1')).toEqual([`* ESEARCH (TAG "q") MAX 5 MODSEQ ${m5}`]);
    expect(await lines(ours, 'SEARCH RETURN (MIN MAX) MODSEQ 1')).toEqual([`* ESEARCH (TAG "q") MIN 1 MAX 5 MODSEQ ${Math.max(m1, m5)}`]);
    expect(await lines(ours, 'UID SEARCH RETURN (COUNT) MODSEQ 1')).toEqual([`* ESEARCH (TAG "q") UID COUNT 5 MODSEQ ${m3}`]);
  });

  it('the first FETCH MODSEQ of a session also enables CONDSTORE with HIGHESTMODSEQ', async () => {
    const c = await login(srv.plain.port, srv.user, srv.password);
    expect(await c.cmd('s', 'EXAMINE INBOX')).toMatch(/s OK/);
    const r = untagged(await c.cmd('f', 'FETCH 1 (MODSEQ)'));
    expect(r[0]).toMatch(/^\* OK \[HIGHESTMODSEQ \d+\]/);
    expect(r[1]).toMatch(/^\* 1 FETCH \(MODSEQ \(\d+\)\)$/);
    expect(untagged(await c.cmd('f', 'FETCH 1 (MODSEQ)'))).toHaveLength(1);
    c.close();
  });

  it('ENABLE CONDSTORE and STATUS HIGHESTMODSEQ enable it the same way while a mailbox is selected', async () => {
    const c = await login(srv.plain.port, srv.user, srv.password);
    expect(await c.cmd('s', 'EXAMINE INBOX')).toMatch(/s OK/);
    expect(untagged(await c.cmd('e', 'ENABLE CONDSTORE'))).toEqual([expect.stringMatching(/^\* OK \[HIGHESTMODSEQ \d+\]/), '* ENABLED CONDSTORE']);
    expect(untagged(await c.cmd('e', 'STATUS INBOX (HIGHESTMODSEQ)'))).toHaveLength(1);
    c.close();
    const d = await login(srv.plain.port, srv.user, srv.password);
    expect(await d.cmd('s', 'EXAMINE INBOX')).toMatch(/s OK/);
    expect(untagged(await d.cmd('e', 'STATUS INBOX (HIGHESTMODSEQ)'))[0]).toMatch(/^\* OK \[HIGHESTMODSEQ \d+\]/);
    d.close();
  });

  it('RETURN (PARTIAL lo:hi) answers like Dovecot; ALL with PARTIAL and negative ranges are BAD', async () => {
    for (const cmd of [
      'SEARCH RETURN (PARTIAL 2:3) ALL',
      'SEARCH RETURN (PARTIAL 4:9 MIN) ALL',
      'UID SEARCH RETURN (PARTIAL 6:7) ALL',
      'SEARCH RETURN (COUNT) SENTON 25-Mar-2007',
    ]) {
      const a = await lines(ours, cmd);
      expect(a).toEqual(await lines(theirs, cmd));
    }
    expect(await lines(ours, 'SEARCH RETURN (PARTIAL 2:3) ALL')).toEqual(['* ESEARCH (TAG "q") PARTIAL (2:3 2:3)']);
    expect(await ours.cmd('b', 'SEARCH RETURN (PARTIAL 1:2 ALL) ALL')).toMatch(/b BAD/);
    expect(await ours.cmd('b', 'SEARCH RETURN (PARTIAL -1:-2) ALL')).toMatch(/b BAD/);
    expect(await ours.cmd('b', 'SEARCH RETURN (FOO) ALL')).toMatch(/b BAD/);
  });

  it('RETURN (COUNT UPDATE) answers the COUNT and keeps the result live (search-context-live.test.ts)', async () => {
    expect(await lines(ours, 'SEARCH RETURN (COUNT UPDATE) ALL')).toEqual(['* ESEARCH (TAG "q") COUNT 5']);
    expect(await ours.cmd('c', 'CANCELUPDATE "q"')).toMatch(/c OK/);
  });
});
