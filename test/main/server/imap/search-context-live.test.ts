// SEARCH / SORT RETURN (UPDATE) across sessions (RFC 5267 4): another session stores, appends and
// expunges, and the searching session is told with ESEARCH ADDTO / REMOVEFROM at its next command
// or at once in IDLE, after the EXISTS and before the EXPUNGE they depend on. The SEARCH
// conversation runs against Dovecot too (it offers CONTEXT=SEARCH, not CONTEXT=SORT) and both
// must answer it line for line; SORT contexts and the context limit are Hearth's alone.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createDovecotUser, dovecot } from '../../../support/peers.ts';
import { startTestServer } from '../../../support/imap-test-server.ts';
import type { TestServer } from '../../../support/imap-test-server.ts';
import { appendMessage, login, untagged } from '../../../support/imap-pair.ts';
import type { RawClient } from '../../../support/imap-raw-client.ts';
import { imapServerLimits } from '../../../../src/main/base/limits.ts';

interface Account {
  port: number;
  user: string;
  password: string;
}

const message = (subject: string, date = 'Tue, 1 Jul 2008 10:00:00 +0000') =>
  `From: ctx@example.test\r\nDate: ${date}\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@ctx.test>\r\n\r\nbody ${subject}\r\n`;

/** The lines the RFC 5267 rules are about, in the order they came (FETCH and RECENT differ by server). */
const contextLines = (reply: string) => untagged(reply).filter((l) => /^\* (ESEARCH|\d+ EXISTS|\d+ EXPUNGE|NO \[NOUPDATE)/.test(l));
const status = (reply: string, tag: string) => new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)`).exec(reply)?.[2];

/** Two sessions on a fresh INBOX of five messages, the 2nd and 4th \Seen. */
async function sessions(account: Account): Promise<{ a: RawClient; b: RawClient }> {
  const b = await login(account.port, account.user, account.password);
  for (let i = 0; i < 5; i++) expect(await appendMessage(b, 'INBOX', message(`m${i}`), i % 2 ? ' (\\Seen)' : '')).toMatch(/ap OK/);
  const a = await login(account.port, account.user, account.password);
  for (const c of [a, b]) expect(await c.cmd('s', 'SELECT INBOX')).toMatch(/s OK/);
  return { a, b };
}

/**
 * The scripted conversation, step by step: what the searching session `a` is told. Every step's
 * expected lines are the same on both servers (Dovecot differs only where `differs` says).
 */
async function conversation(account: Account, differs: { unknownCancelStatus: 'NO' | 'BAD' }): Promise<void> {
  const { a, b } = await sessions(account);
  try {
    // A live SEARCH and a live UID SEARCH with COUNT (RFC 5267 4.3 example forms).
    expect(contextLines(await a.cmd('A01', 'SEARCH RETURN (UPDATE ALL) UNSEEN'))).toEqual(['* ESEARCH (TAG "A01") ALL 1,3,5']);
    expect(contextLines(await a.cmd('B01', 'UID SEARCH RETURN (UPDATE COUNT) SEEN'))).toEqual(['* ESEARCH (TAG "B01") UID COUNT 2']);
    // UPDATE alone asks for updates only; CONTEXT is a hint and changes nothing (RFC 5267 4.2).
    expect(contextLines(await a.cmd('D01', 'SEARCH RETURN (UPDATE) DRAFT'))).toEqual(['* ESEARCH (TAG "D01")']);
    expect(contextLines(await a.cmd('h', 'SEARCH RETURN (CONTEXT) SEEN'))).toEqual(['* ESEARCH (TAG "h") ALL 2,4']);
    // A tag in use by a context cannot start another (RFC 5267 4.3), nor can UPDATE come twice.
    expect(status(await a.cmd('A01', 'SEARCH RETURN (UPDATE) FLAGGED'), 'A01')).toBe('BAD');
    expect(status(await a.cmd('x', 'SEARCH RETURN (UPDATE UPDATE) ALL'), 'x')).toBe('BAD');
    // ...but a search without UPDATE may use it.
    expect(contextLines(await a.cmd('A01', 'SEARCH RETURN (COUNT) SEEN'))).toEqual(['* ESEARCH (TAG "A01") COUNT 2']);

    // Another session's STORE: told at the next command, after the flags.
    expect(await b.cmd('b1', 'STORE 1 +FLAGS (\\Seen)')).toMatch(/b1 OK/);
    expect(contextLines(await a.cmd('n1', 'NOOP'))).toEqual(['* ESEARCH (TAG "A01") REMOVEFROM (0 1)', '* ESEARCH (TAG "B01") UID ADDTO (0 1)']);

    // New mail (RFC 5267 4.3.3): ADDTO after the EXISTS that makes its numbers valid.
    expect(await appendMessage(b, 'INBOX', message('new1'))).toMatch(/ap OK/);
    expect(await appendMessage(b, 'INBOX', message('new2'), ' (\\Seen)')).toMatch(/ap OK/);
    expect(contextLines(await a.cmd('n2', 'NOOP'))).toEqual(['* 7 EXISTS', '* ESEARCH (TAG "A01") ADDTO (0 6)', '* ESEARCH (TAG "B01") UID ADDTO (0 7)']);

    // An expunge (RFC 5267 4.3.4): REMOVEFROM before the EXPUNGE, while 3 still names it.
    expect(await b.cmd('b2', 'STORE 3 +FLAGS (\\Deleted)')).toMatch(/b2 OK/);
    expect(await b.cmd('b3', 'EXPUNGE')).toMatch(/b3 OK/);
    expect(contextLines(await a.cmd('n3', 'NOOP'))).toEqual(['* ESEARCH (TAG "A01") REMOVEFROM (0 3)', '* 3 EXPUNGE']);

    // The session's own STORE updates its contexts before the STORE completes.
    expect(contextLines(await a.cmd('s1', 'STORE 2 -FLAGS (\\Seen)'))).toEqual([
      '* ESEARCH (TAG "A01") ADDTO (0 2)',
      '* ESEARCH (TAG "B01") UID REMOVEFROM (0 2)',
    ]);

    // In IDLE the updates come as they happen.
    a.write('i1 IDLE\r\n');
    await a.until(/\+ [^\r\n]*\r\n/);
    expect(await b.cmd('b4', 'STORE 1 -FLAGS (\\Seen)')).toMatch(/b4 OK/);
    const pushed = await a.until(/B01"\) UID REMOVEFROM[^\r\n]*\r\n/);
    expect(contextLines(pushed)).toEqual(['* ESEARCH (TAG "A01") ADDTO (0 1)', '* ESEARCH (TAG "B01") UID REMOVEFROM (0 1)']);
    a.write('DONE\r\n');
    expect(await a.until(/i1 OK[^\r\n]*\r\n/)).toMatch(/i1 OK/);

    // CANCELUPDATE (RFC 5267 4.3.5) with quoted tags; nothing more for those contexts.
    expect(status(await a.cmd('c1', 'CANCELUPDATE "A01" "B01"'), 'c1')).toBe('OK');
    expect(status(await a.cmd('c2', 'CANCELUPDATE "A01"'), 'c2')).toBe(differs.unknownCancelStatus);
    expect(status(await a.cmd('c3', 'CANCELUPDATE'), 'c3')).toBe('BAD');
    expect(status(await a.cmd('c4', 'CANCELUPDATE D01'), 'c4')).toBe('BAD');
    expect(await b.cmd('b5', 'STORE 1:* FLAGS (\\Seen)')).toMatch(/b5 OK/);
    expect(contextLines(await a.cmd('n4', 'NOOP'))).toEqual([]);
    // The tag is free again.
    expect(contextLines(await a.cmd('A01', 'SEARCH RETURN (UPDATE COUNT) UNSEEN'))).toEqual(['* ESEARCH (TAG "A01") COUNT 0']);

    // The session's own EXPUNGE: REMOVEFROM first here too.
    expect(contextLines(await a.cmd('E01', 'SEARCH RETURN (UPDATE ALL) SEEN'))).toEqual(['* ESEARCH (TAG "E01") ALL 1:6']);
    expect(await a.cmd('s2', 'STORE 1 +FLAGS.SILENT (\\Deleted)')).toMatch(/s2 OK/);
    expect(contextLines(await a.cmd('e1', 'EXPUNGE'))).toEqual(['* ESEARCH (TAG "E01") REMOVEFROM (0 1)', '* 1 EXPUNGE']);

    // Sequence numbers in the criteria name the messages they named when the search ran.
    expect(contextLines(await a.cmd('Q01', 'SEARCH RETURN (UPDATE ALL) 4:5 UNDRAFT'))).toEqual(['* ESEARCH (TAG "Q01") ALL 4:5']);
    expect(await b.cmd('bn', 'NOOP')).toMatch(/bn OK/);
    expect(await b.cmd('b6', 'STORE 1 +FLAGS (\\Deleted)')).toMatch(/b6 OK/);
    expect(await b.cmd('b7', 'EXPUNGE')).toMatch(/b7 OK/);
    expect(await appendMessage(b, 'INBOX', message('new3'))).toMatch(/ap OK/);
    expect(contextLines(await a.cmd('n5', 'NOOP'))).toEqual([
      '* ESEARCH (TAG "E01") REMOVEFROM (0 1)',
      '* 1 EXPUNGE',
      '* 5 EXISTS',
      '* ESEARCH (TAG "A01") ADDTO (0 5)',
    ]);
    expect(await b.cmd('b8', 'STORE 3 +FLAGS (\\Draft)')).toMatch(/b8 OK/);
    expect(contextLines(await a.cmd('n6', 'NOOP'))).toEqual(['* ESEARCH (TAG "D01") ADDTO (0 3)', '* ESEARCH (TAG "Q01") REMOVEFROM (0 3)']);

    // Contexts end with the mailbox (RFC 5267 4.3): after a new SELECT the tags are unknown.
    expect(await a.cmd('s', 'SELECT INBOX')).toMatch(/s OK/);
    expect(status(await a.cmd('c5', 'CANCELUPDATE "E01"'), 'c5')).toBe(differs.unknownCancelStatus);
  } finally {
    a.close();
    b.close();
  }
}

describe('live SEARCH results across sessions', () => {
  it('Dovecot answers the conversation as the test expects (proves the test; it answers NO to an unknown tag)', async () => {
    const du = createDovecotUser('ctx');
    const caps = await login(dovecot.imapPort, du.user, du.password);
    const line = untagged(await caps.cmd('c', 'CAPABILITY'))[0]!;
    caps.close();
    expect(line).toMatch(/ CONTEXT=SEARCH( |$)/);
    expect(line).not.toMatch(/CONTEXT=SORT/);
    await conversation({ port: dovecot.imapPort, ...du }, { unknownCancelStatus: 'NO' });
  }, 60_000);

  describe('Hearth', () => {
    let srv: TestServer;
    beforeAll(async () => {
      srv = await startTestServer();
    });
    afterAll(async () => {
      await srv?.close();
    });
    const account = () => ({ port: srv.plain.port, user: srv.user, password: srv.password });

    /** Two logged-in sessions for `run`, closed after it. */
    async function twoSessions(run: (a: RawClient, b: RawClient) => Promise<void>): Promise<void> {
      const a = await login(srv.plain.port, srv.user, srv.password);
      const b = await login(srv.plain.port, srv.user, srv.password);
      try {
        await run(a, b);
      } finally {
        a.close();
        b.close();
      }
    }

    it('advertises CONTEXT=SEARCH and CONTEXT=SORT', async () => {
      const c = await login(srv.plain.port, srv.user, srv.password);
      const line = untagged(await c.cmd('c', 'CAPABILITY'))[0]!;
      c.close();
      expect(line).toMatch(/ ESORT CONTEXT=SEARCH CONTEXT=SORT /);
    });

    it('answers the same conversation (BAD for a tag that names no context)', async () => {
      await conversation(account(), { unknownCancelStatus: 'BAD' });
    }, 60_000);

    it(
      'keeps SORT results live with positions in the sort order (CONTEXT=SORT), in IDLE too',
      () =>
        twoSessions(async (a, b) => {
          expect(await a.cmd('c', 'CREATE Sorted')).toMatch(/c OK/);
          // UIDs 1, 2, 3 with subjects b, d, f.
          for (const subject of ['b', 'd', 'f']) expect(await appendMessage(a, 'Sorted', message(subject))).toMatch(/ap OK/);
          for (const c of [a, b]) expect(await c.cmd('s', 'SELECT Sorted')).toMatch(/s OK/);
          expect(contextLines(await a.cmd('S01', 'UID SORT RETURN (UPDATE ALL) (SUBJECT) UTF-8 UNDELETED'))).toEqual(['* ESEARCH (TAG "S01") UID ALL 1:3']);
          expect(contextLines(await a.cmd('S02', 'SORT RETURN (UPDATE COUNT) (REVERSE SUBJECT) UTF-8 ALL'))).toEqual(['* ESEARCH (TAG "S02") COUNT 3']);
          // a (4), c (5), e (6) arrive: each lands between the old ones; one pair per place.
          for (const subject of ['a', 'c', 'e']) expect(await appendMessage(b, 'Sorted', message(subject))).toMatch(/ap OK/);
          expect(contextLines(await a.cmd('n1', 'NOOP'))).toEqual([
            '* 6 EXISTS',
            '* ESEARCH (TAG "S01") UID ADDTO (1 4 3 5 5 6)',
            // f e d c b a: message 6 (e) at 2, 5 (c) at 4, 4 (a) at 6.
            '* ESEARCH (TAG "S02") ADDTO (2 6 4 5 6 4)',
          ]);
          // d (UID 2, message 2) is deleted: it leaves S01 at its place, 4th of a b c d e f.
          expect(await b.cmd('b1', 'STORE 2 +FLAGS (\\Deleted)')).toMatch(/b1 OK/);
          expect(contextLines(await a.cmd('n2', 'NOOP'))).toEqual(['* ESEARCH (TAG "S01") UID REMOVEFROM (4 2)']);
          // Its expunge: S02 (f e d c b a) loses message 2 at position 3, before the EXPUNGE.
          expect(await b.cmd('b2', 'EXPUNGE')).toMatch(/b2 OK/);
          expect(contextLines(await a.cmd('n3', 'NOOP'))).toEqual(['* ESEARCH (TAG "S02") REMOVEFROM (3 2)', '* 2 EXPUNGE']);
          // In IDLE, new mail is pushed: EXISTS, then where it sorts.
          a.write('i1 IDLE\r\n');
          await a.until(/\+ [^\r\n]*\r\n/);
          expect(await appendMessage(b, 'Sorted', message('bb'))).toMatch(/ap OK/);
          const pushed = await a.until(/S02"\) ADDTO[^\r\n]*\r\n/);
          expect(contextLines(pushed)).toEqual(['* 6 EXISTS', '* ESEARCH (TAG "S01") UID ADDTO (3 7)', '* ESEARCH (TAG "S02") ADDTO (4 6)']);
          a.write('DONE\r\n');
          expect(await a.until(/i1 OK[^\r\n]*\r\n/)).toMatch(/i1 OK/);
        }),
      60_000,
    );

    it(
      'keeps header and body searches live, reading only the messages that changed',
      () =>
        twoSessions(async (a, b) => {
          expect(await a.cmd('c', 'CREATE Texts')).toMatch(/c OK/);
          for (const c of [a, b]) expect(await c.cmd('s', 'SELECT Texts')).toMatch(/s OK/);
          expect(contextLines(await a.cmd('H01', 'UID SEARCH RETURN (UPDATE ALL) SUBJECT picnic'))).toEqual(['* ESEARCH (TAG "H01") UID']);
          expect(contextLines(await a.cmd('T01', 'UID SEARCH RETURN (UPDATE) FLAGGED BODY "body picnic"'))).toEqual(['* ESEARCH (TAG "T01") UID']);
          expect(await appendMessage(b, 'Texts', message('other'), ' (\\Flagged)')).toMatch(/ap OK/);
          expect(await appendMessage(b, 'Texts', message('picnic'), ' (\\Flagged)')).toMatch(/ap OK/);
          expect(contextLines(await a.cmd('n1', 'NOOP'))).toEqual([
            '* 2 EXISTS',
            '* ESEARCH (TAG "H01") UID ADDTO (0 2)',
            '* ESEARCH (TAG "T01") UID ADDTO (0 2)',
          ]);
          expect(await b.cmd('b1', 'UID STORE 2 -FLAGS (\\Flagged)')).toMatch(/b1 OK/);
          expect(contextLines(await a.cmd('n2', 'NOOP'))).toEqual(['* ESEARCH (TAG "T01") UID REMOVEFROM (0 2)']);
        }),
      60_000,
    );

    it('ends contexts with UNSELECT and CLOSE: nothing more is told, the tags name nothing', () =>
      twoSessions(async (a, b) => {
        expect(await a.cmd('c', 'CREATE Ending')).toMatch(/c OK/);
        expect(await appendMessage(a, 'Ending', message('one'))).toMatch(/ap OK/);
        expect(await b.cmd('s', 'SELECT Ending')).toMatch(/s OK/);
        for (const end of ['UNSELECT', 'CLOSE']) {
          expect(await a.cmd('s', 'SELECT Ending')).toMatch(/s OK/);
          expect(contextLines(await a.cmd('K01', 'SEARCH RETURN (UPDATE) FLAGGED'))).toEqual(['* ESEARCH (TAG "K01")']);
          expect(await a.cmd('e', end)).toMatch(/e OK/);
          expect(await b.cmd('b', 'STORE 1 +FLAGS (\\Flagged)')).toMatch(/b OK/);
          expect(await a.cmd('s', 'SELECT Ending')).toMatch(/s OK/);
          expect(contextLines(await a.cmd('n', 'NOOP'))).toEqual([]);
          expect(status(await a.cmd('c', 'CANCELUPDATE "K01"'), 'c')).toBe('BAD');
          expect(await b.cmd('b', 'STORE 1 -FLAGS (\\Flagged)')).toMatch(/b OK/);
        }
      }));

    it('refuses more than maxSearchContexts contexts and time-dependent ones with NOUPDATE, answering the rest (RFC 5267 4.3.1)', async () => {
      const a = await login(srv.plain.port, srv.user, srv.password);
      try {
        expect(await a.cmd('s', 'SELECT INBOX')).toMatch(/s OK/);
        for (let i = 0; i < imapServerLimits.maxSearchContexts; i++) expect(await a.cmd(`L${i}`, 'SEARCH RETURN (UPDATE) ALL')).toMatch(new RegExp(`L${i} OK`));
        // The RFC's example, with the sort criteria its text leaves out.
        const over = await a.cmd('B02', 'UID SORT RETURN (UPDATE COUNT) (DATE) UTF-8 KEYWORD $Junk');
        expect(untagged(over)).toEqual(['* ESEARCH (TAG "B02") UID COUNT 0', '* NO [NOUPDATE "B02"] Too many contexts']);
        expect(status(over, 'B02')).toBe('OK');
        expect(status(await a.cmd('c', 'CANCELUPDATE "L0"'), 'c')).toBe('OK');
        const young = await a.cmd('Y01', 'SEARCH RETURN (UPDATE COUNT) YOUNGER 3600');
        expect(untagged(young)).toEqual([
          expect.stringMatching(/^\* ESEARCH \(TAG "Y01"\) COUNT \d+$/),
          '* NO [NOUPDATE "Y01"] Results that change with time are not kept up to date',
        ]);
        // The freed place is still there.
        expect(untagged(await a.cmd('F01', 'SEARCH RETURN (UPDATE) ALL'))).toEqual(['* ESEARCH (TAG "F01")']);
      } finally {
        a.close();
      }
    });
  });
});
