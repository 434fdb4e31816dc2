// IMAP QUOTA (RFC 9208) as our server speaks it: one quota root "" per account, STORAGE in KiB,
// no QUOTA response for a user without a limit (as Dovecot), SETQUOTA refused, and APPEND / COPY
// over the limit answered NO [OVERQUOTA] with nothing stored. Exact lines, command by command;
// then python3 imaplib against the same rules.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../../../support/imap-test-server.ts';
import { RawClient } from '../../../support/imap-raw-client.ts';
import { setStorageLimit } from '../../../../src/main/server/users/config.ts';

const run = promisify(execFile);

let srv: TestServer;
let c: RawClient;

/** A message of exactly `n` bytes. */
function message(n: number): Buffer {
  const head = 'Subject: quota\r\n\r\n';
  return Buffer.from(head + 'x'.repeat(n - head.length - 2) + '\r\n');
}

async function append(tag: string, box: string, msg: Buffer): Promise<string> {
  c.write(`${tag} APPEND ${box} {${msg.length}+}\r\n`);
  c.write(msg);
  c.write('\r\n');
  return c.until(new RegExp(`${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`));
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

describe('QUOTA without a limit (bob)', () => {
  it.each([
    ['a1', 'LOGIN bob@home.arpa bob-secret-pw', /^a1 OK \[CAPABILITY [^\]]* QUOTA QUOTA=RES-STORAGE[ \]]/],
    ['a2', 'GETQUOTAROOT INBOX', '* QUOTAROOT INBOX ""\r\na2 OK GETQUOTAROOT completed\r\n'],
    ['a3', 'GETQUOTA ""', 'a3 OK GETQUOTA completed\r\n'],
    ['a4', 'LOGOUT', /^\* BYE/],
  ])('%s %s', async (tag, command, expected) => {
    const r = await c.cmd(tag, command);
    if (typeof expected === 'string') expect(r).toBe(expected);
    else expect(r).toMatch(expected);
  });
});

describe('QUOTA with a 10K limit (alice)', () => {
  beforeAll(async () => {
    c.close();
    await setStorageLimit(srv.dir, 'alice@home.arpa', 10 * 1024);
    c = await RawClient.connect(srv.plain.port);
    await c.until(/\* OK/);
    expect(await c.cmd('l1', 'LOGIN alice@home.arpa alice-secret-pw')).toMatch(/l1 OK/);
  });

  it.each([
    ['b1', 'GETQUOTAROOT INBOX', '* QUOTAROOT INBOX ""\r\n* QUOTA "" (STORAGE 0 10)\r\nb1 OK GETQUOTAROOT completed\r\n'],
    ['b2', 'GETQUOTAROOT "Sent"', '* QUOTAROOT Sent ""\r\n* QUOTA "" (STORAGE 0 10)\r\nb2 OK GETQUOTAROOT completed\r\n'],
    ['b3', 'GETQUOTAROOT Nowhere', 'b3 NO [NONEXISTENT] Mailbox does not exist\r\n'],
    ['b4', 'GETQUOTA ""', '* QUOTA "" (STORAGE 0 10)\r\nb4 OK GETQUOTA completed\r\n'],
    ['b5', 'GETQUOTA "User quota"', 'b5 NO Quota root does not exist\r\n'],
    ['b6', 'SETQUOTA "" (STORAGE 100000)', 'b6 NO Quotas are set by the server administrator\r\n'],
  ])('%s %s', async (tag, command, expected) => {
    expect(await c.cmd(tag, command)).toBe(expected);
  });

  it('APPEND up to the limit, then NO [OVERQUOTA] and nothing stored', async () => {
    expect(await append('c1', 'INBOX', message(6000))).toMatch(/^c1 OK \[APPENDUID \d+ 1\] APPEND completed\r\n$/);
    // 6000 bytes are 5 KiB, rounded down as Dovecot does
    expect(await c.cmd('c2', 'GETQUOTA ""')).toBe('* QUOTA "" (STORAGE 5 10)\r\nc2 OK GETQUOTA completed\r\n');
    expect(await append('c3', 'INBOX', message(6000))).toBe('c3 NO [OVERQUOTA] Quota exceeded\r\n');
    // exactly filling the quota is allowed
    expect(await append('c4', 'Drafts', message(10 * 1024 - 6000))).toMatch(/^c4 OK \[APPENDUID \d+ 1\]/);
    expect(await append('c5', 'Drafts', message(100))).toBe('c5 NO [OVERQUOTA] Quota exceeded\r\n');
    expect(await c.cmd('c6', 'STATUS INBOX (MESSAGES SIZE)')).toBe('* STATUS INBOX (MESSAGES 1 SIZE 6000)\r\nc6 OK STATUS completed\r\n');
    expect(await c.cmd('c7', 'GETQUOTAROOT INBOX')).toBe('* QUOTAROOT INBOX ""\r\n* QUOTA "" (STORAGE 10 10)\r\nc7 OK GETQUOTAROOT completed\r\n');
  });

  it('COPY over the limit is refused; MOVE (no new bytes) is not', async () => {
    expect(await c.cmd('d1', 'SELECT INBOX')).toMatch(/d1 OK/);
    expect(await c.cmd('d2', 'COPY 1 Archive')).toBe('d2 NO [OVERQUOTA] Quota exceeded\r\n');
    expect(await c.cmd('d3', 'STATUS Archive (MESSAGES)')).toBe('* STATUS Archive (MESSAGES 0)\r\nd3 OK STATUS completed\r\n');
    expect(await c.cmd('d4', 'MOVE 1 Archive')).toMatch(/\* OK \[COPYUID \d+ 1 1\] Moved\r\n\* 1 EXPUNGE\r\n(\* \d+ RECENT\r\n)?d4 OK MOVE completed\r\n$/);
    expect(await c.cmd('d5', 'GETQUOTA ""')).toBe('* QUOTA "" (STORAGE 10 10)\r\nd5 OK GETQUOTA completed\r\n');
  });

  it('the limit follows server.json: raised, the same APPEND and COPY succeed', async () => {
    await setStorageLimit(srv.dir, 'alice@home.arpa', 1024 * 1024);
    expect(await c.cmd('e1', 'SELECT Archive')).toMatch(/e1 OK/);
    expect(await c.cmd('e2', 'COPY 1 INBOX')).toMatch(/e2 OK \[COPYUID/);
    expect(await c.cmd('e3', 'GETQUOTA ""')).toBe('* QUOTA "" (STORAGE 15 1024)\r\ne3 OK GETQUOTA completed\r\n');
  });
});

describe('python3 imaplib', () => {
  it('reads the quota root and gets OVERQUOTA on an APPEND past the limit', async () => {
    await setStorageLimit(srv.dir, 'bob@home.arpa', 4096);
    const script = `
import imaplib, sys, json
c = imaplib.IMAP4('127.0.0.1', ${srv.plain.port})
c.login(sys.argv[1], sys.argv[2])
typ, data = c.capability()
out = {'caps': data[0].decode().split()}
typ, data = c.getquotaroot('INBOX')
out['root'] = [typ] + [[x.decode() for x in d] for d in data]
typ, data = c.append('INBOX', None, None, b'Subject: small\\r\\n\\r\\nhello\\r\\n')
out['small'] = typ
typ, data = c.append('INBOX', None, None, b'Subject: big\\r\\n\\r\\n' + b'x' * 5000 + b'\\r\\n')
out['big'] = [typ, data[0].decode()]
typ, data = c.getquota('""')
out['quota'] = [typ, data[0].decode()]
typ, data = c.status('INBOX', '(MESSAGES)')
out['status'] = data[0].decode()
c.logout()
print(json.dumps(out))
`;
    const { stdout } = await run('/usr/bin/python3', ['-c', script, 'bob@home.arpa', 'bob-secret-pw']);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.caps).toEqual(expect.arrayContaining(['QUOTA', 'QUOTA=RES-STORAGE']));
    expect(out.root).toEqual(['OK', ['INBOX ""'], ['"" (STORAGE 0 4)']]);
    expect(out.small).toBe('OK');
    expect(out.big).toEqual(['NO', '[OVERQUOTA] Quota exceeded']);
    expect(out.quota).toEqual(['OK', '"" (STORAGE 0 4)']);
    expect(out.status).toBe('INBOX (MESSAGES 1)');
  });
});
