// What the FETCH responses a flag change causes carry, with and without CONDSTORE (RFC 7162 3.1.3,
// 3.2.4): once a CONDSTORE enabling command was issued, every such response names the message by
// UID and tells its new MODSEQ (a STORE's answer, a .SILENT STORE's too, a FETCH that set \Seen,
// another session's change); without it, RFC 3501's lines. The table runs against Dovecot too, with
// QRESYNC enabled: with only CONDSTORE enabled Dovecot leaves the UID out, against 3.2.4's words
// ("Once a CONDSTORE enabling command is issued by the client, the server MUST automatically
// include both UID and mod-sequence data in all subsequent untagged FETCH responses"), and Hearth
// follows the RFC. Each server may put the items in its own order, or in two responses.
import { describe, expect, it } from 'vitest';
import { createDovecotUser, dovecot } from '../../../../support/peers.ts';
import { serverForSuite } from '../../../../support/imap-test-server.ts';
import { loggedIn, type ImapLogin, type RawClient } from '../../../../support/imap-raw-client.ts';

const body = 'Subject: s\r\n\r\nbody\r\n';

/** Each message's FETCH items in one answer, literals left out, its responses joined. */
function fetchItems(answer: string): Map<number, string> {
  const out = new Map<number, string>();
  const re = /^\* (\d+) FETCH \(/gm;
  for (let m = re.exec(answer); m; m = re.exec(answer)) {
    let i = re.lastIndex;
    let text = '';
    // Up to the response's end: ")" then CRLF, skipping literals ("{n}" CRLF n octets).
    for (;;) {
      const end = answer.indexOf('\r\n', i);
      const line = answer.slice(i, end);
      const lit = /\{(\d+)\}$/.exec(line);
      if (!lit) {
        text += line.replace(/\)$/, '');
        re.lastIndex = end + 2;
        break;
      }
      text += line.slice(0, lit.index) + '<literal>';
      i = end + 2 + Number(lit[1]);
    }
    const msn = Number(m[1]);
    out.set(msn, `${out.get(msn) ?? ''} ${text}`.trim());
  }
  return out;
}

interface Expect {
  uid: boolean;
  modseq: boolean;
  /** The flags FETCH must show (a regexp's text), or null: no FLAGS at all. */
  flags: string | null;
}

function expectFetch(answer: string, msn: number, uid: number, e: Expect | 'none', where: string): void {
  const items = fetchItems(answer).get(msn);
  if (e === 'none') return void expect(items, `${where}: no FETCH for ${msn} in\n${answer}`).toBeUndefined();
  expect(items, `${where}: a FETCH for ${msn} in\n${answer}`).toBeDefined();
  const has = (re: RegExp, want: boolean, what: string) => expect(re.test(items!), `${where}: ${what} ${want ? 'in' : 'not in'} "${items}"`).toBe(want);
  has(new RegExp(`(^| )UID ${uid}( |$)`), e.uid, `UID ${uid}`);
  has(/(^| )MODSEQ \(\d+\)/, e.modseq, 'MODSEQ');
  if (e.flags === null) has(/(^| )FLAGS /, false, 'FLAGS');
  else has(new RegExp(`(^| )FLAGS \\([^)]*${e.flags}`), true, `FLAGS with ${e.flags}`);
}

/**
 * Two sessions on a fresh mailbox of three messages, both after `enable` (or none); A changes
 * flags and reads a body, B hears of it at NOOP. Returns the answers by step.
 */
async function scenario(t: ImapLogin, box: string, enable: string | null): Promise<Record<string, string>> {
  const a = await loggedIn(t);
  const b = await loggedIn(t);
  let n = 0;
  const run = (c: RawClient, cmd: string) => c.cmd(`t${++n}`, cmd);
  try {
    await run(a, `CREATE ${box}`);
    for (let i = 0; i < 3; i++) await run(a, `APPEND ${box} {${body.length}+}\r\n${body}`);
    if (enable) for (const c of [a, b]) expect(await run(c, `ENABLE ${enable}`)).toMatch(new RegExp(`^\\* ENABLED ${enable}`, 'm'));
    await run(a, `SELECT ${box}`);
    await run(b, `SELECT ${box}`);
    return {
      store: await run(a, 'STORE 1 +FLAGS (\\Flagged)'),
      silent: await run(a, 'STORE 1 +FLAGS.SILENT (\\Answered)'),
      fetchSeen: await run(a, 'FETCH 2 BODY[TEXT]'),
      fetchSeenFlags: await run(a, 'FETCH 3 (FLAGS BODY[TEXT])'),
      uidStore: await run(a, 'UID STORE 3 -FLAGS (\\Seen)'),
      otherNoop: await run(b, 'NOOP'),
    };
  } finally {
    a.close();
    b.close();
  }
}

type Table = Record<string, Array<[msn: number, uid: number, expect: Expect | 'none']>>;

/** With CONDSTORE on (by ENABLE CONDSTORE or QRESYNC): UID and MODSEQ in every response. */
const CONDSTORE: Table = {
  store: [[1, 1, { uid: true, modseq: true, flags: '\\\\Flagged' }]],
  silent: [[1, 1, { uid: true, modseq: true, flags: null }]],
  fetchSeen: [[2, 2, { uid: true, modseq: true, flags: '\\\\Seen' }]],
  fetchSeenFlags: [[3, 3, { uid: true, modseq: true, flags: '\\\\Seen' }]],
  uidStore: [[3, 3, { uid: true, modseq: true, flags: '' }]],
  otherNoop: [
    [1, 1, { uid: true, modseq: true, flags: '\\\\Answered \\\\Flagged' }],
    [2, 2, { uid: true, modseq: true, flags: '\\\\Seen' }],
    [3, 3, { uid: true, modseq: true, flags: '' }],
  ],
};

/** RFC 3501 alone: FLAGS, UID only for UID commands (Hearth adds it to others' changes too). */
const PLAIN: Table = {
  store: [[1, 1, { uid: false, modseq: false, flags: '\\\\Flagged' }]],
  silent: [[1, 1, 'none']],
  fetchSeen: [[2, 2, { uid: false, modseq: false, flags: '\\\\Seen' }]],
  uidStore: [[3, 3, { uid: true, modseq: false, flags: '' }]],
};

function check(answers: Record<string, string>, table: Table): void {
  for (const [step, rows] of Object.entries(table)) for (const [msn, uid, e] of rows) expectFetch(answers[step]!, msn, uid, e, step);
}

describe('FETCH responses of flag changes (RFC 7162 3.2.4)', () => {
  const hearth = serverForSuite();

  it('Hearth, ENABLE CONDSTORE: UID and MODSEQ in every one', async () => check(await scenario(hearth(), 'StCond', 'CONDSTORE'), CONDSTORE));
  it('Hearth, ENABLE QRESYNC: the same', async () => check(await scenario(hearth(), 'StQr', 'QRESYNC'), CONDSTORE));
  it('Hearth, neither: RFC 3501 lines, nothing for .SILENT', async () => check(await scenario(hearth(), 'StPlain', null), PLAIN));
  it('Dovecot, ENABLE QRESYNC: the same table', async () =>
    check(await scenario({ port: dovecot.imapPort, ...createDovecotUser() }, 'StQr', 'QRESYNC'), CONDSTORE));
  it('Dovecot, neither: the same table', async () => check(await scenario({ port: dovecot.imapPort, ...createDovecotUser() }, 'StPlain', null), PLAIN));
});
