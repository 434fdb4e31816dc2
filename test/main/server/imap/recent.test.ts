// \Recent (RFC 3501 2.3.2, 6.3.1, 6.3.2, 6.3.10, 6.4.4, 7.3.2) as Dovecot keeps it: a message is
// recent to one read-write session, the one whose SELECT found it unclaimed or that was told of it
// first; EXAMINE shows the unclaimed ones as recent without claiming them; COPY, MOVE and APPEND
// make new, unclaimed messages. The same table runs against Dovecot, whose answers it was written
// from. Where RFC 3501 leaves a choice, the table accepts both: Dovecot sends `* n RECENT` only when
// the count changed, Hearth with every EXISTS as well.
import { describe, it, expect } from 'vitest';
import { createDovecotUser, dovecot } from '../../../support/peers.ts';
import { serverForSuite } from '../../../support/imap-test-server.ts';
import { RawClient, loggedIn as session, expectInOrder } from '../../../support/imap-raw-client.ts';

/** A and B select read-write, C examines; D selects nothing unless a step says so. */
type Who = 'A' | 'B' | 'C' | 'D';

interface Step {
  who: Who;
  cmd: string;
  /** Lines that must appear in this order in the answer (untagged and tagged). */
  inOrder?: RegExp[];
  /** Lines that must not appear. */
  absent?: RegExp[];
}

interface Case {
  name: string;
  steps: Step[];
}

const body = 'Subject: r\r\n\r\nrecent\r\n';
const append = (box: string, flags = '') => `APPEND ${box} (${flags}) {${body.length}+}\r\n${body}`;
const EXISTS = (n: number) => new RegExp(`^\\* ${n} EXISTS\\r$`, 'm');
const RECENT = (n: number) => new RegExp(`^\\* ${n} RECENT\\r$`, 'm');
/** No RECENT other than `n` (none at all is fine: the count did not change). */
const NO_RECENT_BUT = (n: number) => new RegExp(`^\\* (?!${n} )\\d+ RECENT\\r$`, 'm');
const FLAGS = (msn: number, flags: string) => new RegExp(`^\\* ${msn} FETCH \\((UID \\d+ )?FLAGS \\(${flags.replace(/\\/g, '\\\\')}\\)\\)\\r$`, 'm');
const ANY_RECENT_FLAG = /\\Recent/;
const SEARCH = (nums: string) => new RegExp(`^\\* SEARCH${nums ? ' ' + nums : ''}\\r$`, 'm');
const STATUS_RECENT = (n: number) => new RegExp(`^\\* STATUS \\S+ \\(RECENT ${n}\\)\\r$`, 'm');
const OK = /^\S+ OK/m;
const BAD = /^\S+ BAD/m;

/** Every case starts with %BOX% holding two messages and %BOX%x one, appended while nobody had them selected. */
const CASES: Case[] = [
  {
    name: 'SELECT claims the recent messages: no other SELECT or EXAMINE, nor a second SELECT, finds them again',
    steps: [
      { who: 'A', cmd: 'SELECT %BOX%', inOrder: [EXISTS(2), RECENT(2), OK] },
      { who: 'A', cmd: 'FETCH 1:* (FLAGS)', inOrder: [FLAGS(1, '\\Recent'), FLAGS(2, '\\Recent'), OK] },
      { who: 'B', cmd: 'SELECT %BOX%', inOrder: [EXISTS(2), RECENT(0), OK] },
      { who: 'B', cmd: 'FETCH 1:* (FLAGS)', inOrder: [FLAGS(1, ''), FLAGS(2, ''), OK] },
      { who: 'C', cmd: 'EXAMINE %BOX%', inOrder: [EXISTS(2), RECENT(0), OK] },
      { who: 'A', cmd: 'UNSELECT' },
      { who: 'A', cmd: 'SELECT %BOX%', inOrder: [EXISTS(2), RECENT(0), OK] },
    ],
  },
  {
    name: 'EXAMINE shows the recent messages without claiming them, and keeps showing them',
    steps: [
      { who: 'C', cmd: 'EXAMINE %BOX%', inOrder: [EXISTS(2), RECENT(2), OK] },
      { who: 'C', cmd: 'FETCH 1:* (FLAGS)', inOrder: [FLAGS(1, '\\Recent'), FLAGS(2, '\\Recent'), OK] },
      { who: 'C', cmd: 'SEARCH RECENT', inOrder: [SEARCH('1 2'), OK] },
      { who: 'A', cmd: 'SELECT %BOX%', inOrder: [EXISTS(2), RECENT(2), OK] },
      { who: 'C', cmd: 'FETCH 2 (FLAGS)', inOrder: [FLAGS(2, '\\Recent'), OK] },
      { who: 'D', cmd: 'STATUS %BOX% (RECENT)', inOrder: [STATUS_RECENT(0), OK] },
    ],
  },
  {
    name: "STATUS RECENT: the unclaimed messages, or for the selected mailbox the session's own count",
    steps: [
      { who: 'D', cmd: 'STATUS %BOX% (MESSAGES RECENT)', inOrder: [/^\* STATUS \S+ \(MESSAGES 2 RECENT 2\)\r$/m, OK] },
      { who: 'A', cmd: 'SELECT %BOX%', inOrder: [RECENT(2), OK] },
      { who: 'A', cmd: 'STATUS %BOX% (RECENT)', inOrder: [STATUS_RECENT(2), OK] },
      { who: 'B', cmd: 'SELECT %BOX%', inOrder: [RECENT(0), OK] },
      { who: 'B', cmd: 'STATUS %BOX% (RECENT)', inOrder: [STATUS_RECENT(0), OK] },
      { who: 'D', cmd: 'STATUS %BOX% (RECENT)', inOrder: [STATUS_RECENT(0), OK] },
      { who: 'D', cmd: append('%BOX%') },
      { who: 'D', cmd: 'STATUS %BOX% (RECENT)', inOrder: [STATUS_RECENT(1), OK] },
    ],
  },
  {
    name: 'new mail is recent to the first read-write session told of it, and to no other',
    steps: [
      { who: 'A', cmd: 'SELECT %BOX%', inOrder: [RECENT(2), OK] },
      { who: 'B', cmd: 'SELECT %BOX%', inOrder: [RECENT(0), OK] },
      { who: 'D', cmd: append('%BOX%') },
      { who: 'B', cmd: 'NOOP', inOrder: [EXISTS(3), RECENT(1), OK] },
      { who: 'A', cmd: 'NOOP', inOrder: [EXISTS(3), OK], absent: [NO_RECENT_BUT(2)] },
      { who: 'A', cmd: 'FETCH 3 (FLAGS)', inOrder: [FLAGS(3, ''), OK] },
      { who: 'B', cmd: 'FETCH 3 (FLAGS)', inOrder: [FLAGS(3, '\\Recent'), OK] },
      { who: 'A', cmd: 'SEARCH RECENT', inOrder: [SEARCH('1 2'), OK] },
      { who: 'B', cmd: 'SEARCH RECENT', inOrder: [SEARCH('3'), OK] },
      { who: 'B', cmd: 'SEARCH OLD', inOrder: [SEARCH('1 2'), OK] },
    ],
  },
  {
    name: 'an EXAMINE session told first sees new mail as recent, and the SELECT session still claims it',
    steps: [
      { who: 'A', cmd: 'SELECT %BOX%', inOrder: [RECENT(2), OK] },
      { who: 'C', cmd: 'EXAMINE %BOX%', inOrder: [RECENT(0), OK] },
      { who: 'D', cmd: append('%BOX%') },
      { who: 'C', cmd: 'NOOP', inOrder: [EXISTS(3), RECENT(1), OK] },
      { who: 'A', cmd: 'NOOP', inOrder: [EXISTS(3), RECENT(3), OK] },
      { who: 'C', cmd: 'FETCH 3 (FLAGS)', inOrder: [FLAGS(3, '\\Recent'), OK] },
      { who: 'A', cmd: 'FETCH 3 (FLAGS)', inOrder: [FLAGS(3, '\\Recent'), OK] },
    ],
  },
  {
    name: 'APPEND into the mailbox the session has selected: the session is told first and claims it',
    steps: [
      { who: 'A', cmd: 'SELECT %BOX%', inOrder: [RECENT(2), OK] },
      { who: 'B', cmd: 'SELECT %BOX%', inOrder: [RECENT(0), OK] },
      { who: 'A', cmd: append('%BOX%', '\\Seen'), inOrder: [EXISTS(3), RECENT(3), /^\S+ OK \[APPENDUID \d+ 3\]/m] },
      { who: 'A', cmd: 'FETCH 3 (FLAGS)', inOrder: [FLAGS(3, '\\Seen \\Recent'), OK] },
      { who: 'B', cmd: 'NOOP', inOrder: [EXISTS(3), OK], absent: [NO_RECENT_BUT(0)] },
      { who: 'B', cmd: 'FETCH 3 (FLAGS)', inOrder: [FLAGS(3, '\\Seen'), OK] },
    ],
  },
  {
    name: 'COPY and MOVE make new messages, recent in the mailbox they land in',
    steps: [
      { who: 'A', cmd: 'SELECT %BOX%', inOrder: [RECENT(2), OK] },
      { who: 'D', cmd: 'EXAMINE %BOX%x', inOrder: [EXISTS(1), RECENT(1), OK] },
      { who: 'D', cmd: 'COPY 1 %BOX%', inOrder: [/^\S+ OK \[COPYUID \d+ 1 3\]/m] },
      { who: 'A', cmd: 'NOOP', inOrder: [EXISTS(3), RECENT(3), OK] },
      { who: 'A', cmd: 'COPY 1 %BOX%x', inOrder: [OK] },
      { who: 'B', cmd: 'STATUS %BOX%x (RECENT)', inOrder: [STATUS_RECENT(2), OK] },
      { who: 'A', cmd: 'MOVE 1 %BOX%x', inOrder: [/^\* 1 EXPUNGE\r$/m, RECENT(2), OK] },
      { who: 'B', cmd: 'STATUS %BOX%x (RECENT)', inOrder: [STATUS_RECENT(3), OK] },
      { who: 'B', cmd: 'SELECT %BOX%x', inOrder: [EXISTS(3), RECENT(3), OK] },
      { who: 'B', cmd: 'FETCH 1:* (FLAGS)', inOrder: [FLAGS(1, '\\Recent'), FLAGS(2, '\\Recent'), FLAGS(3, '\\Recent'), OK] },
    ],
  },
  {
    name: '\\Recent cannot be stored or removed; FLAGS replaces the others and keeps it; NEW is RECENT UNSEEN',
    steps: [
      { who: 'A', cmd: 'SELECT %BOX%', inOrder: [RECENT(2), OK] },
      { who: 'A', cmd: 'STORE 1 +FLAGS (\\Recent)', inOrder: [BAD] },
      { who: 'A', cmd: 'STORE 1 -FLAGS (\\Recent)', inOrder: [BAD] },
      { who: 'A', cmd: 'STORE 1 FLAGS (\\Seen)', inOrder: [FLAGS(1, '\\Seen \\Recent'), OK] },
      { who: 'A', cmd: 'STORE 2 FLAGS (\\Draft)', inOrder: [FLAGS(2, '\\Draft \\Recent'), OK] },
      { who: 'A', cmd: 'SEARCH NEW', inOrder: [SEARCH('2'), OK] },
      { who: 'A', cmd: 'SEARCH RECENT', inOrder: [SEARCH('1 2'), OK] },
      { who: 'A', cmd: 'SEARCH OLD', inOrder: [SEARCH(''), OK] },
      { who: 'A', cmd: 'SEARCH NOT RECENT', inOrder: [SEARCH(''), OK] },
      { who: 'B', cmd: 'SELECT %BOX%', inOrder: [RECENT(0), OK] },
      { who: 'B', cmd: 'SEARCH OLD', inOrder: [SEARCH('1 2'), OK] },
      { who: 'B', cmd: 'SEARCH NEW', inOrder: [SEARCH(''), OK] },
      { who: 'A', cmd: 'STORE 2 +FLAGS (\\Flagged)' },
      { who: 'B', cmd: 'NOOP', inOrder: [FLAGS(2, '\\Flagged \\Draft'), OK], absent: [ANY_RECENT_FLAG] },
    ],
  },
  {
    name: 'expunging a recent message lowers the RECENT count, and the session says so',
    steps: [
      { who: 'A', cmd: 'SELECT %BOX%', inOrder: [RECENT(2), OK] },
      { who: 'B', cmd: 'SELECT %BOX%', inOrder: [RECENT(0), OK] },
      { who: 'A', cmd: 'STORE 1 +FLAGS.SILENT (\\Deleted)' },
      { who: 'A', cmd: 'EXPUNGE', inOrder: [/^\* 1 EXPUNGE\r$/m, RECENT(1), OK] },
      { who: 'B', cmd: 'NOOP', inOrder: [/^\* 1 EXPUNGE\r$/m, OK], absent: [NO_RECENT_BUT(0)] },
    ],
  },
];

interface Target {
  port: number;
  user: string;
  password: string;
}

let tagN = 0;
async function run(c: RawClient, cmd: string): Promise<string> {
  return c.cmd(`r${++tagN}`, cmd);
}

async function runCase(t: Target, c: Case, box: string): Promise<void> {
  const setup = await session(t);
  await run(setup, `CREATE ${box}`);
  await run(setup, `CREATE ${box}x`);
  await run(setup, append(box));
  await run(setup, append(box));
  await run(setup, append(`${box}x`));
  setup.close();
  const s: Record<Who, RawClient> = { A: await session(t), B: await session(t), C: await session(t), D: await session(t) };
  try {
    for (const step of c.steps) {
      const cmd = step.cmd.replaceAll('%BOX%', box);
      const out = await run(s[step.who], cmd);
      const where = `${step.who}: ${cmd.split('\r\n')[0]}`;
      expect(out, where).toMatch(/^\S+ (OK|BAD)/m);
      if (step.inOrder) expectInOrder(out, step.inOrder, where);
      for (const re of step.absent ?? []) expect(out, where).not.toMatch(re);
    }
  } finally {
    for (const c of Object.values(s)) c.close();
  }
}

describe('\\Recent: one session per message, as Dovecot does it', () => {
  const hearth = serverForSuite();

  describe('Hearth', () => {
    CASES.forEach((c, i) => it(c.name, () => runCase(hearth(), c, `Rc${i}`)));

    it('APPEND with \\Recent is BAD and stores nothing', async () => {
      const c = await session(hearth());
      try {
        await run(c, 'CREATE RcAppend');
        expect(await run(c, append('RcAppend', '\\Recent'))).toMatch(BAD);
        expect(await run(c, 'STATUS RcAppend (MESSAGES)')).toMatch(/MESSAGES 0\)/);
      } finally {
        c.close();
      }
    });
  });

  describe('Dovecot (the table holds there too)', () => {
    CASES.forEach((c, i) =>
      it(c.name, async () => {
        const { user, password } = createDovecotUser();
        await runCase({ port: dovecot.imapPort, user, password }, c, `Rc${i}`);
      }),
    );
  });
});
