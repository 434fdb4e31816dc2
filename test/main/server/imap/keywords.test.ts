// A keyword new to a mailbox reaches every session that has it selected as an untagged FLAGS
// (and OK [PERMANENTFLAGS]) before any FETCH shows it (RFC 3501 7.2.6, 6.4.6). The same table
// runs against Dovecot, whose answers it was written from; NIL is never a flag.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createDovecotUser, dovecot } from '../../../support/peers.ts';
import { startTestServer } from '../../../support/imap-test-server.ts';
import { RawClient, loggedIn as session, expectInOrder } from '../../../support/imap-raw-client.ts';
import type { TestServer } from '../../../support/imap-test-server.ts';

type Who = 'A' | 'B' | 'C';

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

const body = 'Subject: k\r\n\r\nkeywords\r\n';
const append = (flags: string, box = '%BOX%') => `APPEND ${box} (${flags}) {${body.length}+}\r\n${body}`;
const FLAGS_WITH = (k: string) => new RegExp(`^\\* FLAGS \\([^)]*(?<= |\\()${escape(k)}[ )]`, 'm');
const PERMANENT_WITH = (k: string) => new RegExp(`^\\* OK \\[PERMANENTFLAGS \\([^)]*(?<= |\\()${escape(k)} [^)]*\\\\\\*\\)\\]`, 'm');
const PERMANENT_NONE = /^\* OK \[PERMANENTFLAGS \(\)\]/m;
const ANY_FLAGS = /^\* FLAGS /m;
const FETCH_WITH = (n: number, k: string) => new RegExp(`^\\* ${n} FETCH \\(.*FLAGS \\([^)]*${escape(k)}`, 'm');
const EXISTS = (n: number) => new RegExp(`^\\* ${n} EXISTS`, 'm');
const OK = /^\S+ OK/m;

function escape(s: string): string {
  return s.replace(/[$\\]/g, (c) => '\\' + c);
}

/** Every case starts with A and B selecting %BOX% (two messages, no keywords) and C examining it. */
const CASES: Case[] = [
  {
    name: 'our own STORE of a new keyword: FLAGS, PERMANENTFLAGS, then the FETCH',
    steps: [{ who: 'A', cmd: 'STORE 1 +FLAGS ($Label1)', inOrder: [FLAGS_WITH('$Label1'), PERMANENT_WITH('$Label1'), FETCH_WITH(1, '$Label1'), OK] }],
  },
  {
    name: "another session's STORE: announced at its next NOOP, before the FETCH",
    steps: [
      { who: 'A', cmd: 'STORE 2 +FLAGS ($Label2)' },
      { who: 'B', cmd: 'NOOP', inOrder: [FLAGS_WITH('$Label2'), PERMANENT_WITH('$Label2'), FETCH_WITH(2, '$Label2'), OK] },
    ],
  },
  {
    name: "another session's STORE: a FETCH before any NOOP announces it first",
    steps: [
      { who: 'A', cmd: 'STORE 1 +FLAGS (Work)' },
      { who: 'B', cmd: 'FETCH 1 (FLAGS)', inOrder: [FLAGS_WITH('Work'), FETCH_WITH(1, 'Work'), OK] },
    ],
  },
  {
    name: 'an APPEND carrying a new keyword: FLAGS before EXISTS, in both sessions',
    steps: [
      { who: 'A', cmd: append('$Other'), inOrder: [FLAGS_WITH('$Other'), EXISTS(3), OK] },
      { who: 'B', cmd: 'NOOP', inOrder: [FLAGS_WITH('$Other'), PERMANENT_WITH('$Other'), EXISTS(3), OK] },
      { who: 'B', cmd: 'FETCH 3 (FLAGS)', inOrder: [FETCH_WITH(3, '$Other'), OK], absent: [ANY_FLAGS] },
    ],
  },
  {
    name: 'a COPY in from another mailbox brings its keywords along',
    steps: [
      { who: 'A', cmd: append('CopiedKw', 'Elsewhere') },
      { who: 'A', cmd: 'EXAMINE Elsewhere' },
      { who: 'A', cmd: 'COPY 1 %BOX%' },
      { who: 'B', cmd: 'NOOP', inOrder: [FLAGS_WITH('CopiedKw'), EXISTS(3), OK] },
    ],
  },
  {
    name: 'a read-only session gets FLAGS, with an empty PERMANENTFLAGS',
    steps: [
      { who: 'A', cmd: 'STORE 1 +FLAGS (ReadOnlyKw)' },
      { who: 'C', cmd: 'NOOP', inOrder: [FLAGS_WITH('ReadOnlyKw'), PERMANENT_NONE, FETCH_WITH(1, 'ReadOnlyKw'), OK] },
    ],
  },
  {
    name: 'STORE .SILENT of a new keyword still announces it',
    steps: [{ who: 'A', cmd: 'STORE 1 +FLAGS.SILENT (SilentKw)', inOrder: [FLAGS_WITH('SilentKw'), OK], absent: [/^\* \d+ FETCH/m] }],
  },
  {
    name: 'a keyword already announced is not announced again',
    steps: [
      { who: 'A', cmd: 'STORE 1 +FLAGS (Again)', inOrder: [FLAGS_WITH('Again'), OK] },
      { who: 'A', cmd: 'STORE 2 +FLAGS (Again)', inOrder: [FETCH_WITH(2, 'Again'), OK], absent: [ANY_FLAGS] },
      { who: 'B', cmd: 'NOOP', inOrder: [FLAGS_WITH('Again'), OK] },
      { who: 'B', cmd: 'NOOP', absent: [ANY_FLAGS] },
    ],
  },
  {
    name: 'a SELECT lists the keywords its messages carry',
    steps: [
      { who: 'A', cmd: 'STORE 1 +FLAGS (Listed)' },
      { who: 'B', cmd: 'SELECT %BOX%', inOrder: [FLAGS_WITH('Listed'), PERMANENT_WITH('Listed'), EXISTS(2), OK] },
    ],
  },
];

/** NIL is an atom, but a FLAGS list holding it reads as "nothing" to every parser: BAD. */
const NIL_COMMANDS = ['STORE 1 +FLAGS NIL', 'STORE 1 +FLAGS (NIL)', 'STORE 1 FLAGS ($Label1 nil)', 'STORE 1 -FLAGS (Nil)', append('NIL')];

interface Target {
  port: number;
  host: string;
  user: string;
  password: string;
}

let tagN = 0;
async function run(c: RawClient, cmd: string): Promise<string> {
  return c.cmd(`k${++tagN}`, cmd);
}

async function runCase(t: Target, c: Case, box: string): Promise<void> {
  const setup = await session(t);
  await run(setup, `CREATE ${box}`);
  await run(setup, 'CREATE Elsewhere');
  await run(setup, append('', box));
  await run(setup, append('', box));
  setup.close();
  const s: Record<Who, RawClient> = { A: await session(t), B: await session(t), C: await session(t) };
  try {
    await run(s.A, `SELECT ${box}`);
    await run(s.B, `SELECT ${box}`);
    await run(s.C, `EXAMINE ${box}`);
    for (const step of c.steps) {
      const cmd = step.cmd.replaceAll('%BOX%', box);
      const out = await run(s[step.who], cmd);
      const where = `${step.who}: ${cmd.split('\r\n')[0]}`;
      expect(out, where).toMatch(/^\S+ OK/m);
      if (step.inOrder) expectInOrder(out, step.inOrder, where);
      for (const re of step.absent ?? []) expect(out, where).not.toMatch(re);
    }
  } finally {
    for (const c of Object.values(s)) c.close();
  }
}

describe('new keywords are announced in FLAGS before a FETCH shows them', () => {
  let srv: TestServer;
  let hearth: Target;
  beforeAll(async () => {
    srv = await startTestServer();
    hearth = { port: srv.plain.port, host: '127.0.0.1', user: srv.user, password: srv.password };
  });
  afterAll(async () => {
    await srv?.close();
  });

  describe('Hearth', () => {
    CASES.forEach((c, i) => it(c.name, () => runCase(hearth, c, `Kw${i}`)));
  });

  describe('Dovecot (the table holds there too)', () => {
    CASES.forEach((c, i) =>
      it(c.name, async () => {
        const { user, password } = createDovecotUser();
        await runCase({ port: dovecot.imapPort, host: dovecot.host, user, password }, c, `Kw${i}`);
      }),
    );
  });

  describe('NIL is not a flag', () => {
    it.each(NIL_COMMANDS.map((c, i) => [c.split('\r\n')[0]!, c, `Nil${i}`]))('%s answers BAD and stores nothing', async (_label, cmd, box) => {
      const c = await session(hearth);
      try {
        await run(c, `CREATE ${box}`);
        await run(c, append('', box));
        await run(c, `SELECT ${box}`);
        const out = await run(c, cmd.replace('%BOX%', box));
        expect(out).toMatch(/^\S+ BAD/m);
        expect(out).not.toMatch(/^\* FLAGS .*NIL/im);
        expect(await run(c, 'FETCH 1:* (FLAGS)')).not.toMatch(/NIL/i);
        expect(await run(c, `STATUS ${box} (MESSAGES)`)).toMatch(/MESSAGES 1\)/);
      } finally {
        c.close();
      }
    });
  });
});
