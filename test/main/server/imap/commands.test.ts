// Command-by-command checks over a raw connection: what a client sends and the exact shape of
// what our server answers (RFC 3501 and the extensions we announce).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { startTestServer } from '../../../support/imap-test-server.ts';
import { RawClient } from '../../../support/imap-raw-client.ts';
import type { TestServer } from '../../../support/imap-test-server.ts';
import { corpusMessage } from '../../../support/corpus.ts';

let srv: TestServer;
let c: RawClient;

async function append(box: string, msg: Buffer, extra = ''): Promise<string> {
  c.write(`ap APPEND ${box}${extra} {${msg.length}+}\r\n`);
  c.write(msg);
  c.write('\r\n');
  return c.until(/ap (OK|NO|BAD)[^\r\n]*\r\n/);
}

beforeAll(async () => {
  srv = await startTestServer({
    users: [
      ['alice@home.arpa', 'alice-secret-pw'],
      ['bob@home.arpa', 'bob-secret-pw'],
    ],
  });
  c = await RawClient.connect(srv.plain.port);
  await c.until(/\* OK/);
});
afterAll(async () => {
  c?.close();
  await srv?.close();
});

describe('not authenticated', () => {
  it('greets with capabilities and answers CAPABILITY, NOOP, ID', async () => {
    const r = await c.cmd('a1', 'CAPABILITY');
    expect(r).toMatch(/^\* CAPABILITY IMAP4rev1 .*STARTTLS.*AUTH=PLAIN/m);
    expect(await c.cmd('a2', 'NOOP')).toMatch(/a2 OK/);
    expect(await c.cmd('a3', 'ID ("name" "test")')).toMatch(/\* ID \("name" "Hearth"/);
  });

  it('refuses commands that need a login, and unknown or malformed ones with BAD', async () => {
    expect(await c.cmd('b1', 'SELECT INBOX')).toMatch(/b1 BAD/);
    expect(await c.cmd('b2', 'FROBNICATE')).toMatch(/b2 BAD Unknown command/);
    expect(await c.cmd('b3', 'LOGIN "unterminated')).toMatch(/b3 BAD/);
    expect(await c.cmd('b4', 'NOOP')).toMatch(/b4 OK/);
  });

  it('AUTHENTICATE PLAIN with a continuation, then fails with AUTHENTICATIONFAILED for a wrong password', async () => {
    c.write('c1 AUTHENTICATE PLAIN\r\n');
    await c.until(/^\+ /m);
    c.write(Buffer.from('\0alice@home.arpa\0wrong').toString('base64') + '\r\n');
    expect(await c.until(/c1 (OK|NO|BAD).*\r\n/)).toMatch(/c1 NO \[AUTHENTICATIONFAILED\]/);
    c.write('c2 AUTHENTICATE PLAIN\r\n');
    await c.until(/^\+ /m);
    c.write('*\r\n');
    expect(await c.until(/c2 (OK|NO|BAD).*\r\n/)).toMatch(/c2 BAD/);
  });

  it('logs in with SASL-IR and reports the full capability list', async () => {
    const ir = Buffer.from('\0alice@home.arpa\0alice-secret-pw').toString('base64');
    const r = await c.cmd('c3', `AUTHENTICATE PLAIN ${ir}`);
    expect(r).toMatch(/c3 OK \[CAPABILITY [^\]]*UIDPLUS[^\]]*QRESYNC[^\]]*\]/);
  });
});

describe('authenticated', () => {
  it('NAMESPACE, ENABLE, LIST with SPECIAL-USE, LIST-STATUS and LSUB', async () => {
    expect(await c.cmd('d1', 'NAMESPACE')).toMatch(/\* NAMESPACE \(\("" "\/"\)\) NIL NIL/);
    expect(await c.cmd('d2', 'ENABLE CONDSTORE X-UNKNOWN')).toMatch(/\* ENABLED CONDSTORE\r\n/);
    const special = await c.cmd('d3', 'LIST (SPECIAL-USE) "" "*"');
    expect(special).toMatch(/\* LIST \(\\HasNoChildren \\Sent\) "\/" Sent/);
    expect(special).not.toMatch(/INBOX/);
    const st = await c.cmd('d4', 'LIST "" "%" RETURN (SUBSCRIBED STATUS (MESSAGES UIDNEXT))');
    expect(st).toMatch(/\* LIST \([^)]*\\Subscribed[^)]*\) "\/" INBOX\r\n\* STATUS INBOX \(MESSAGES 0 UIDNEXT 1\)/);
    expect(await c.cmd('d5', 'LIST "" ""')).toMatch(/\* LIST \(\\Noselect\) "\/" ""/);
    expect(await c.cmd('d6', 'LSUB "" "*"')).toMatch(/\* LSUB \(\\HasNoChildren\) "\/" Trash/);
  });

  it('CREATE (with USE), RENAME, SUBSCRIBE/UNSUBSCRIBE, DELETE, modified UTF-7 names', async () => {
    expect(await c.cmd('e1', 'CREATE Projects/2026')).toMatch(/e1 OK/);
    expect(await c.cmd('e2', 'CREATE Projects/2026')).toMatch(/e2 NO \[ALREADYEXISTS\]/);
    expect(await c.cmd('e3', 'CREATE Stash (USE (\\Archive))')).toMatch(/e3 OK/);
    expect(await c.cmd('e4', 'LIST "" Stash')).toMatch(/\\Archive/);
    expect(await c.cmd('e5', 'LIST "" "Projects/%"')).toMatch(/\* LIST \(\\HasNoChildren\) "\/" Projects\/2026/);
    expect(await c.cmd('e6', 'LIST "" Projects')).toMatch(/\* LIST \(\\HasChildren\) "\/" Projects/);
    expect(await c.cmd('e7', 'RENAME Projects/2026 Projects/2027')).toMatch(/e7 OK/);
    expect(await c.cmd('e8', 'UNSUBSCRIBE Projects/2027')).toMatch(/e8 OK/);
    expect(await c.cmd('e9', 'LSUB "" "Projects/*"')).not.toMatch(/2027/);
    expect(await c.cmd('e10', 'CREATE "Gr&APw-&AN8-e"')).toMatch(/e10 OK/);
    expect(await c.cmd('e11', 'LIST "" "Gr*"')).toMatch(/"\/" Gr&APwA3w-e\r\n/); // re-encoded canonically
    expect(await c.cmd('e12', 'DELETE Projects/2027')).toMatch(/e12 OK/);
    expect(await c.cmd('e13', 'DELETE INBOX')).toMatch(/e13 NO/);
    expect(await c.cmd('e14', 'STATUS Nope (MESSAGES)')).toMatch(/e14 NO \[NONEXISTENT\]/);
  });

  it('APPEND with flags and date, MULTIAPPEND, TRYCREATE, LITERAL+', async () => {
    const r = await append('INBOX', corpusMessage('rfc-000.eml'), ' (\\Seen $Work) "17-Jul-1996 02:44:25 -0700"');
    expect(r).toMatch(/ap OK \[APPENDUID \d+ 1\]/);
    const m1 = corpusMessage('rfc-001.eml');
    const m2 = corpusMessage('rfc-003.eml');
    c.write(`mp APPEND INBOX (\\Flagged) {${m1.length}}\r\n`);
    await c.until(/^\+ /m);
    c.write(m1);
    c.write(` {${m2.length}+}\r\n`);
    c.write(m2);
    c.write('\r\n');
    expect(await c.until(/mp (OK|NO|BAD).*\r\n/)).toMatch(/mp OK \[APPENDUID \d+ 2:3\]/);
    expect(await append('Nowhere', m1)).toMatch(/ap NO \[TRYCREATE\]/);
    expect(await c.cmd('f1', 'STATUS INBOX (MESSAGES UNSEEN UIDNEXT HIGHESTMODSEQ SIZE)')).toMatch(
      new RegExp(`\\* STATUS INBOX \\(MESSAGES 3 UNSEEN 2 UIDNEXT 4 HIGHESTMODSEQ \\d+ SIZE ${corpusMessage('rfc-000.eml').length + m1.length + m2.length}\\)`),
    );
  });
});

describe('selected', () => {
  it('EXAMINE is read-only: STORE and EXPUNGE are refused, BODY[] does not set \\Seen', async () => {
    const r = await c.cmd('g1', 'EXAMINE INBOX');
    expect(r).toMatch(/\* 3 EXISTS/);
    expect(r).toMatch(/\* OK \[UIDVALIDITY \d+\]/);
    expect(r).toMatch(/g1 OK \[READ-ONLY\]/);
    expect(await c.cmd('g2', 'STORE 1 +FLAGS (\\Deleted)')).toMatch(/g2 NO/);
    await c.cmd('g3', 'FETCH 2 (BODY[TEXT])');
    // Appended while no session had INBOX selected: recent, and EXAMINE shows it without claiming it.
    expect(await c.cmd('g4', 'FETCH 2 (FLAGS)')).toMatch(/\* 2 FETCH \(FLAGS \(\\Flagged \\Recent\)\)/);
  });

  it('SELECT, then BODY[] sets \\Seen and reports the new FLAGS', async () => {
    const r = await c.cmd('h1', 'SELECT INBOX');
    expect(r).toMatch(/\* FLAGS \([^)]*\$Work[^)]*\)/);
    expect(r).toMatch(/\* OK \[PERMANENTFLAGS \([^)]*\\\*\)\]/);
    expect(r).toMatch(/\* OK \[UNSEEN 2\]/);
    const f = await c.cmd('h2', 'FETCH 2 (BODY[]<0.20>)');
    // CONDSTORE is on (d2): the change names the message by UID and gives its MODSEQ (RFC 7162 3.2.4).
    expect(f).toMatch(/\* 2 FETCH \(BODY\[\]<0> \{20\}\r\n[\s\S]{20} UID 2 FLAGS \((\\Flagged \\Seen|\\Seen \\Flagged) \\Recent\) MODSEQ \(\d+\)\)/);
  });

  it('FETCH data items: INTERNALDATE, RFC822.*, BINARY, BINARY.SIZE, macros, MODSEQ', async () => {
    const d = await c.cmd('i1', 'FETCH 1 (INTERNALDATE RFC822.SIZE FLAGS)');
    expect(d).toMatch(/INTERNALDATE "17-Jul-1996 09:44:25 \+0000"/);
    expect(d).toMatch(new RegExp(`RFC822.SIZE ${corpusMessage('rfc-000.eml').length}`));
    const h = await c.cmd('i2', 'FETCH 1 (RFC822.HEADER)');
    expect(h).toMatch(/RFC822.HEADER \{\d+\}\r\nMIME-Version: 1.0/);
    // rfc-000 part 2 is text/plain (7bit): BINARY of it is the body itself.
    const b = await c.cmd('i3', 'FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2] BODY.PEEK[2])');
    const body = /BODY\[2\] \{(\d+)\}\r\n/.exec(b)!;
    expect(b).toMatch(new RegExp(`BINARY\\[2\\] \\{${body[1]}\\}\r\n[\\s\\S]* BINARY.SIZE\\[2\\] ${body[1]} `));
    expect(await c.cmd('i4', 'FETCH 1:* FAST')).toMatch(/\* 3 FETCH \(FLAGS \([^)]*\) INTERNALDATE "[^"]+" RFC822.SIZE \d+\)/);
    expect(await c.cmd('i5', 'FETCH 1 (MODSEQ)')).toMatch(/\* 1 FETCH \(MODSEQ \(\d+\)\)/);
    expect(await c.cmd('i6', 'FETCH 9 (FLAGS)')).toMatch(/i6 BAD/);
    expect(await c.cmd('i7', 'FETCH 1 (BODY[HEADER.FIELDS])')).toMatch(/i7 BAD/);
    expect(await c.cmd('i8', 'UID FETCH 99:* (FLAGS)')).toMatch(/\* 3 FETCH \(UID 3 FLAGS/);
  });

  it('SEARCH keys: flags, headers, body with UTF-8 literal, dates, sizes, OR/NOT, UID, MODSEQ, ESEARCH', async () => {
    const q = async (tag: string, text: string) => (await c.cmd(tag, text)).match(/\* SEARCH([^\r]*)\r\n/)![1]!.trim();
    expect(await q('j1', 'SEARCH SEEN')).toBe('1 2');
    expect(await q('j2', 'SEARCH UNSEEN')).toBe('3');
    expect(await q('j3', 'SEARCH KEYWORD $Work')).toBe('1');
    expect(await q('j4', 'SEARCH FROM "Borenstein"')).toBe('1 3');
    expect(await q('j5', 'SEARCH SUBJECT "multipart example"')).toBe('1');
    expect(await q('j6', 'SEARCH BODY "plain text version"')).toBe('3');
    expect(await q('j7', 'SEARCH BEFORE 1-Jan-2000')).toBe('1');
    expect(await q('j8', 'SEARCH SENTBEFORE 1-Jan-1994')).toBe('3');
    expect(await q('j9', `SEARCH LARGER ${corpusMessage('rfc-003.eml').length}`)).toBe('1 2');
    expect(await q('j10', 'SEARCH OR FLAGGED KEYWORD $Work')).toBe('1 2'); // only the first of the MULTIAPPEND had flags
    expect(await q('j11', 'SEARCH NOT (SEEN FLAGGED)')).toBe('1 3');
    expect(await q('j12', 'UID SEARCH UID 2:*')).toBe('2 3');
    expect(await q('j13', 'SEARCH 1:2 HEADER Content-Type "alternative"')).toBe('2');
    c.write(`j14 SEARCH CHARSET UTF-8 TEXT {6}\r\n`);
    await c.until(/^\+ /m);
    c.write('Grüß\r\n');
    expect(await c.until(/j14 (OK|NO|BAD).*\r\n/)).toMatch(/\* SEARCH\r\n/);
    expect(await c.cmd('j15', 'SEARCH CHARSET KOI8-R ALL')).toMatch(/j15 NO \[BADCHARSET/);
    expect(await c.cmd('j16', 'SEARCH RETURN (MIN MAX COUNT ALL) SEEN')).toMatch(/\* ESEARCH \(TAG "j16"\) MIN 1 MAX 2 ALL 1:2 COUNT 2/);
    expect(await c.cmd('j17', 'SEARCH MODSEQ 1')).toMatch(/\* SEARCH 1 2 3 \(MODSEQ \d+\)/);
    expect(await c.cmd('j18', 'SEARCH FOO')).toMatch(/j18 BAD/);
  });

  it('STORE variants, UNCHANGEDSINCE with MODIFIED, COPY/MOVE with COPYUID, UID EXPUNGE', async () => {
    // .SILENT leaves FLAGS out, but a CONDSTORE client still learns each MODSEQ (RFC 7162 3.1.3).
    expect(await c.cmd('k1', 'STORE 1:2 +FLAGS.SILENT (\\Answered)')).toMatch(
      /^\* 1 FETCH \(UID 1 MODSEQ \(\d+\)\)\r\n\* 2 FETCH \(UID 2 MODSEQ \(\d+\)\)\r\n/,
    );
    // This session's SELECT claimed the messages: \Recent stays whatever FLAGS replaces.
    expect(await c.cmd('k2', 'STORE 3 FLAGS ($A $B)')).toMatch(/\* 3 FETCH \(UID 3 FLAGS \(\\Recent \$A \$B\) MODSEQ \(\d+\)\)/);
    expect(await c.cmd('k3', 'UID STORE 3 -FLAGS ($A)')).toMatch(/\* 3 FETCH \(UID 3 FLAGS \(\\Recent \$B\) MODSEQ/);
    expect(await c.cmd('k4', 'STORE 1 (UNCHANGEDSINCE 1) +FLAGS (\\Draft)')).toMatch(/k4 OK \[MODIFIED 1\]/);
    expect(await c.cmd('k5', 'COPY 1:2 Archive')).toMatch(/k5 OK \[COPYUID \d+ 1:2 1:2\]/);
    expect(await c.cmd('k6', 'COPY 1 Nowhere')).toMatch(/k6 NO \[TRYCREATE\]/);
    const mv = await c.cmd('k7', 'UID MOVE 2 Trash');
    expect(mv).toMatch(/\* OK \[COPYUID \d+ 2 1\]/);
    expect(mv).toMatch(/\* 2 EXPUNGE\r\n/);
    await c.cmd('k8', 'STORE 1:2 +FLAGS.SILENT (\\Deleted)');
    const ue = await c.cmd('k9', 'UID EXPUNGE 3');
    expect(ue).toMatch(/\* 2 EXPUNGE\r\n/);
    expect(ue).not.toMatch(/\* 1 EXPUNGE/);
    // With CONDSTORE on, EXPUNGE reports the mailbox's new HIGHESTMODSEQ.
    const hms = /k9 OK \[HIGHESTMODSEQ (\d+)\]/.exec(ue)![1];
    expect(await c.cmd('k9s', 'STATUS INBOX (HIGHESTMODSEQ)')).toMatch(new RegExp(`HIGHESTMODSEQ ${hms}\\)`));
    expect(await c.cmd('k10', 'UID SEARCH ALL')).toMatch(/\* SEARCH 1\r\n/);
  });

  it('CLOSE expunges silently, UNSELECT does not', async () => {
    await c.cmd('l1', 'SELECT Archive');
    await c.cmd('l2', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    expect(await c.cmd('l3', 'UNSELECT')).toMatch(/l3 OK/);
    expect(await c.cmd('l4', 'STATUS Archive (MESSAGES)')).toMatch(/MESSAGES 2/);
    await c.cmd('l5', 'SELECT Archive');
    const closed = await c.cmd('l6', 'CLOSE');
    expect(closed).not.toMatch(/EXPUNGE/);
    expect(await c.cmd('l7', 'STATUS Archive (MESSAGES)')).toMatch(/MESSAGES 1/);
    expect(await c.cmd('l8', 'FETCH 1 FLAGS')).toMatch(/l8 BAD/);
  });

  it("IDLE pushes another session's APPEND, ends on DONE", async () => {
    await c.cmd('m1', 'SELECT INBOX');
    c.write('m2 IDLE\r\n');
    await c.until(/^\+ idling/m);
    const other = await srv.store.user('alice@home.arpa');
    await other.append('INBOX', corpusMessage('rfc-004.eml'));
    expect(await c.until(/\* \d+ EXISTS\r\n/)).toMatch(/\* 2 EXISTS/);
    c.write('DONE\r\n');
    expect(await c.until(/m2 (OK|NO|BAD).*\r\n/)).toMatch(/m2 OK/);
  });

  it('mail of one user is invisible to another', async () => {
    const b = await RawClient.connect(srv.plain.port);
    await b.until(/\* OK/);
    await b.cmd('n1', 'LOGIN bob@home.arpa bob-secret-pw');
    expect(await b.cmd('n2', 'STATUS INBOX (MESSAGES)')).toMatch(/MESSAGES 0/);
    b.close();
  });

  it('BINARY decodes a base64 attachment to the bytes mailparser finds', async () => {
    const { simpleParser } = await import('mailparser');
    const msg = corpusMessage('legacy-000.eml'); // a single image/png part, base64
    const parsed = await simpleParser(msg);
    await append('Archive', msg);
    await c.cmd('o1', 'SELECT Archive');
    const r = await c.cmd('o2', 'FETCH * (BINARY.SIZE[1] BINARY.PEEK[1])');
    const want = parsed.attachments[0]!.content;
    expect(r).toMatch(new RegExp(`BINARY.SIZE\\[1\\] ${want.length} BINARY\\[1\\] ~?\\{${want.length}\\}\r\n`));
    const at = Buffer.from(r, 'latin1').indexOf(`{${want.length}}\r\n`) + `{${want.length}}\r\n`.length;
    expect(
      Buffer.from(r, 'latin1')
        .subarray(at, at + want.length)
        .equals(want),
    ).toBe(true);
  });

  it('APPEND accepts a literal8 (~{n}) with NUL bytes, and BINARY returns it as literal8', async () => {
    const msg = Buffer.concat([
      Buffer.from('Subject: nul\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n'),
      Buffer.from([1, 0, 2, 0, 3]),
    ]);
    c.write(`q1 APPEND Archive ~{${msg.length}+}\r\n`);
    c.write(msg);
    c.write('\r\n');
    expect(await c.until(/q1 (OK|NO|BAD).*\r\n/)).toMatch(/q1 OK \[APPENDUID/);
    await c.cmd('q2', 'SELECT Archive');
    const r = await c.cmd('q3', 'FETCH * (BINARY.PEEK[1] RFC822.SIZE)');
    expect(r).toContain('BINARY[1] ~{5}\r\n\x01\x00\x02\x00\x03 RFC822.SIZE');
  });

  it('LOGOUT says BYE and closes', async () => {
    const r = await c.cmd('z1', 'LOGOUT');
    expect(r).toMatch(/\* BYE[^\r]*\r\nz1 OK/);
  });
});

describe('authentication attempts', () => {
  it('closes the connection after too many failures', async () => {
    const x = await RawClient.connect(srv.plain.port);
    await x.until(/\* OK/);
    for (let i = 0; i < 3; i++) expect(await x.cmd(`p${i}`, 'LOGIN alice@home.arpa nope')).toMatch(/NO \[AUTHENTICATIONFAILED\]/);
    x.write('p9 LOGIN alice@home.arpa alice-secret-pw\r\n');
    expect(await x.until(/\* BYE/)).toMatch(/\* BYE Too many failed logins/);
    x.close();
  });
});

describe('STARTTLS', () => {
  /**
   * Sends `plaintext` (ending in "s1 STARTTLS"), returns what came back in plaintext up to s1's OK,
   * then does the TLS handshake, sends `command` (tag s3) and returns its reply too.
   */
  async function starttls(plaintext: string, command: string): Promise<{ plain: string; secured: string }> {
    const tls = await import('node:tls');
    const x = await RawClient.connect(srv.plain.port);
    await x.until(/\* OK/);
    x.socket.removeAllListeners('data');
    const okLine = new Promise<string>((resolve) => {
      let buf = '';
      x.socket.on('data', (d: string) => {
        buf += d;
        if (/s1 OK[^\r]*\r\n/.test(buf)) resolve(buf);
      });
    });
    x.write(plaintext);
    const plain = await okLine;
    x.socket.removeAllListeners('data');
    const secure = tls.connect({ socket: x.socket, ca: [readFileSync(srv.certPath)], servername: 'localhost' });
    await new Promise<void>((r, j) => {
      secure.once('secureConnect', () => r());
      secure.once('error', j);
    });
    let secured = '';
    secure.on('data', (d: Buffer) => (secured += d.toString('latin1')));
    secure.write(`s3 ${command}\r\n`);
    for (let i = 0; i < 50 && !/s3 OK/.test(secured); i++) await new Promise((r) => setTimeout(r, 50));
    secure.destroy();
    return { plain, secured };
  }

  it('drops commands pipelined in plaintext after STARTTLS', async () => {
    const { plain, secured } = await starttls('s1 STARTTLS\r\ns2 NOOP\r\n', 'CAPABILITY');
    expect(plain).not.toMatch(/s2/);
    expect(secured).toMatch(/\* CAPABILITY [^\r]*AUTH=PLAIN/);
    expect(secured).not.toMatch(/STARTTLS/);
    expect(secured).not.toMatch(/s2 /);
  });

  it('answers STARTTLS in plaintext before the handshake even when it comes pipelined behind other commands', async () => {
    const { plain, secured } = await starttls('n1 NOOP\r\nn2 CAPABILITY\r\ns1 STARTTLS\r\n', 'NOOP');
    expect(plain).toMatch(/n1 OK[^]*n2 OK[^]*s1 OK/);
    expect(secured).toMatch(/s3 OK/);
  });
});
