// Submission end to end with real clients (swaks, nodemailer) against the real user directory and
// Maildir store: AUTH only over TLS, sender must be the user's, no open relay; accepted mail is
// relayed to an aiosmtpd peer (a remote domain through a fake resolver) or delivered locally, and
// a rejected message comes back as a DSN in the sender's INBOX.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { startSubmissionServer } from '../../../../src/main/server/smtp/submission.ts';
import type { SubmissionContext } from '../../../../src/main/server/smtp/submission.ts';
import { Relay } from '../../../../src/main/server/relay/relay.ts';
import { storeLocalDelivery } from '../../../../src/main/server/relay/local.ts';
import { MaildirStore } from '../../../../src/main/maildir/maildir-store.ts';
import { ConfigUserDirectory } from '../../../../src/main/server/users/directory.ts';
import { addUser, loadOrCreateConfig, setAlias } from '../../../../src/main/server/users/config.ts';
import type { RunningListener } from '../../../../src/main/server/context.ts';
import { silentLogger } from '../../../../src/main/base/log.ts';
import { dovecot, DOVECOT_STATE, startOwnSmtpPeer, type SmtpPeer } from '../../../support/peers.ts';
import { FakeResolver } from '../../../support/relay-doubles.ts';
import { parseDsnWithPython } from '../../../support/python-dsn.ts';
import { corpusMessage } from '../../../support/corpus.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { waitFor } from '../../../support/wait.ts';
import { swaks as runSwaks, swaksLogin } from '../../../support/swaks.ts';

const CA = dovecot.caCertPath;
let accept: SmtpPeer, reject: SmtpPeer;
let store: MaildirStore;
let relay: Relay;
let starttls: RunningListener, implicit: RunningListener, plainLoopback: RunningListener;
const PW = { alice: 'alice-secret-1', bob: 'bob-secret-2' };

beforeAll(async () => {
  accept = startOwnSmtpPeer('sub-accept', 'accept', 10046);
  reject = startOwnSmtpPeer('sub-reject', 'reject', 10047, ['--fail-at', 'rcpt']);
  const dns = new FakeResolver();
  dns.addDomain('far.test');
  dns.addDomain('refuse.test');
  const dir = tempDir('submission');
  const config = await loadOrCreateConfig(dir, 'home.test');
  await addUser(dir, 'alice@home.test', PW.alice);
  await addUser(dir, 'bob@home.test', PW.bob);
  await setAlias(dir, 'family@home.test', ['alice@home.test', 'bob@home.test']);
  const users = new ConfigUserDirectory(dir, config);
  await users.refresh();
  store = new MaildirStore({ root: path.join(dir, 'mail'), hostname: 'mail.home.test' });
  relay = new Relay({
    dataDir: dir,
    hostname: 'mail.home.test',
    postmasterDomain: 'home.test',
    resolver: dns,
    portOverrides: { 'mx.far.test': accept.port, 'mx.refuse.test': reject.port },
    local: storeLocalDelivery(store, users),
    log: silentLogger,
  });
  await relay.start();
  const ctx: SubmissionContext = {
    store,
    users,
    log: silentLogger,
    tls: { key: readFileSync(path.join(DOVECOT_STATE, 'ssl/key.pem'), 'utf8'), cert: readFileSync(CA, 'utf8') },
    hostname: 'mail.home.test',
    relay,
  };
  starttls = await startSubmissionServer(ctx, { host: '127.0.0.1', port: 0, implicitTls: false });
  implicit = await startSubmissionServer(ctx, { host: '127.0.0.1', port: 0, implicitTls: true });
  plainLoopback = await startSubmissionServer(ctx, { host: '127.0.0.1', port: 0, implicitTls: false, allowPlainAuthOnLoopback: true });
});

afterAll(async () => {
  await starttls?.close();
  await implicit?.close();
  await plainLoopback?.close();
  await relay?.stop();
  await store?.close();
  accept?.stop();
  reject?.stop();
});

/** swaks against the server under test (on 127.0.0.1), with swaks's own 20 s timeout. */
function swaks(args: string[], input?: string): Promise<{ code: number; out: string }> {
  return runSwaks(['--server', '127.0.0.1', '--timeout', '20', ...args], input);
}
const tlsArgs = ['-tls', '--tls-verify', '--tls-ca-path', CA, '--tls-sni', 'localhost'];
/** Over STARTTLS (certificate verified), logged in as `user`. */
const loggedIn = (mechanism: 'PLAIN' | 'LOGIN', user: string, password: string) => [
  '--port',
  String(starttls.port),
  ...tlsArgs,
  ...swaksLogin(mechanism, user, password),
];

async function inbox(address: string): Promise<Buffer[]> {
  const mbox = await (await store.user(address)).openMailbox('INBOX');
  const list = await mbox.listMessages();
  return Promise.all(list.map((m) => mbox.readMessageBuffer(m.uid)));
}

describe('submission server', () => {
  it('refuses unauthenticated relaying to a foreign domain (swaks, with and without TLS)', async () => {
    for (const extra of [[], tlsArgs]) {
      const r = await swaks(['--port', String(starttls.port), ...extra, '--from', 'alice@home.test', '--to', 'victim@far.test']);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/<(~\*|\*\*) 530 .*authentication required/i);
      expect(r.out).not.toMatch(/<~? {1,2}250 .*queued/);
    }
  });

  it('refuses AUTH without TLS when plain-text AUTH is not allowed', async () => {
    const r = await swaks([
      '--port',
      String(starttls.port),
      ...swaksLogin('PLAIN', 'alice@home.test', PW.alice),
      '--from',
      'alice@home.test',
      '--to',
      'x@far.test',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/<\*\* 538 .*(STARTTLS|Encryption required)/);
    expect(r.out).not.toMatch(/235 /);
  });

  it('refuses an authenticated user sending as another user', async () => {
    const r = await swaks([...loggedIn('PLAIN', 'alice@home.test', PW.alice), '--from', 'bob@home.test', '--to', 'x@far.test']);
    expect(r.out).toMatch(/235 /);
    expect(r.out).toMatch(/<~\* 553 5\.7\.1 Sender address <bob@home\.test> does not belong to alice@home\.test/);
    expect(r.code).toBe(23);
  });

  it('refuses a wrong password', async () => {
    const r = await swaks([...loggedIn('LOGIN', 'alice@home.test', 'wrong'), '--from', 'alice@home.test', '--to', 'x@far.test']);
    expect(r.out).toMatch(/<~\* 535 5\.7\.8/);
    expect(r.code).not.toBe(0);
  });

  it('relays authenticated mail over STARTTLS with a Received trace, Message-ID/Date added and a DKIM signature', async () => {
    const before = accept.received().length;
    const data = 'From: Alice <alice@home.test>\r\nTo: <far1@far.test>\r\nSubject: via swaks\r\n\r\nBody line\r\n';
    const r = await swaks([...loggedIn('PLAIN', 'alice@home.test', PW.alice), '--from', 'alice@home.test', '--to', 'far1@far.test', '--data', '-'], data);
    expect(r.out).toMatch(/<~ {2}250 2\.0\.0 Ok: queued as \S+/);
    expect(r.code).toBe(0);
    await waitFor(() => accept.received().length > before, 15_000, 'relayed message');
    const got = accept.received().slice(before);
    expect(got).toHaveLength(1);
    const text = got[0]!.eml.toString();
    expect(text).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=home\.test;\r\n h=[^;]+; q=dns\/txt; s=hearth;/);
    expect(text).toMatch(
      /^Received: from \S+ \(\[127\.0\.0\.1\]\)\r\n\t\(authenticated user alice@home\.test\)\r\n\tby mail\.home\.test \(Hearth\) with ESMTPSA id /m,
    );
    expect(text).toMatch(/^Message-ID: <[^>]+@mail\.home\.test>$/m);
    expect(text).toMatch(/^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/m);
    // swaks ends the DATA with one more CRLF of its own; the content is otherwise as sent
    expect(text.endsWith(data + '\r\n')).toBe(true);
    expect(got[0]!.env.from).toBe('alice@home.test');
  });

  it('keeps an existing Message-ID and Date, and accepts an alias of the user as sender (implicit TLS)', async () => {
    const before = accept.received().length;
    const eml = corpusMessage('legacy-003.eml');
    const r = await swaks(
      [
        '--port',
        String(implicit.port),
        '-tlsc',
        '--tls-verify',
        '--tls-ca-path',
        CA,
        '--tls-sni',
        'localhost',
        ...swaksLogin('LOGIN', 'bob@home.test', PW.bob),
        '--from',
        'family@home.test',
        '--to',
        'far2@far.test',
        '--data',
        '-',
      ],
      eml.toString('latin1'),
    );
    expect(r.out).toMatch(/250 2\.0\.0 Ok: queued/);
    await waitFor(() => accept.received().length > before, 15_000, 'relayed message');
    const got = accept.received().slice(before)[0]!;
    expect(got.env.from).toBe('family@home.test');
    const text = got.eml.toString('latin1');
    expect(text.match(/^Message-ID:/gim)).toHaveLength(1);
    expect(text.match(/^Date:/gim)).toHaveLength(1);
    expect(text.endsWith(eml.toString('latin1') + '\r\n')).toBe(true); // swaks adds a CRLF of its own
  });

  it('accepts nodemailer over STARTTLS and delivers local recipients into the Maildir store', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: starttls.port,
      secure: false,
      requireTLS: true,
      tls: { ca: readFileSync(CA), servername: 'localhost' },
      auth: { user: 'alice@home.test', pass: PW.alice },
    });
    const info = await transport.sendMail({ from: 'alice@home.test', to: 'bob@home.test', subject: 'dinner', text: 'Sunday?' });
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as/);
    await waitFor(async () => (await inbox('bob@home.test')).some((m) => m.includes('Subject: dinner')), 15_000, 'local delivery');
    const mail = await simpleParser((await inbox('bob@home.test')).find((m) => m.includes('Subject: dinner'))!);
    expect(mail.text?.trim()).toBe('Sunday?');
    expect(mail.headers.get('return-path')).toMatchObject({ value: [{ address: 'alice@home.test' }] });
    // a raw corpus message comes out byte for byte after our prepended headers
    const before = accept.received().length;
    const eml = corpusMessage('thirdparty-000.eml');
    await transport.sendMail({ envelope: { from: 'alice@home.test', to: ['raw@far.test'] }, raw: eml });
    await waitFor(() => accept.received().length > before, 15_000, 'relayed raw message');
    const got = accept.received().slice(before)[0]!.eml;
    expect(got.subarray(got.length - eml.length).equals(eml)).toBe(true);
    // unknown local recipients are refused at RCPT time
    await expect(transport.sendMail({ from: 'alice@home.test', to: 'ghost@home.test', subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
    transport.close();
  });

  it('allows plain-text AUTH from loopback only where configured', async () => {
    const before = accept.received().length;
    const r = await swaks([
      '--port',
      String(plainLoopback.port),
      ...swaksLogin('PLAIN', 'bob@home.test', PW.bob),
      '--from',
      'bob@home.test',
      '--to',
      'far3@far.test',
    ]);
    expect(r.out).toMatch(/235 /);
    expect(r.code).toBe(0);
    await waitFor(() => accept.received().length > before, 15_000, 'relayed message');
    expect(accept.received().slice(before)[0]!.eml.toString()).toMatch(/with ESMTPA id/);
  });

  it("returns a DSN to the sender's INBOX when the remote server rejects the recipient", async () => {
    const r = await swaks([
      ...loggedIn('PLAIN', 'alice@home.test', PW.alice),
      '--from',
      'alice@home.test',
      '--to',
      'nobody@refuse.test',
      '--h-Subject',
      'will bounce',
    ]);
    expect(r.code).toBe(0);
    const find = async () => (await inbox('alice@home.test')).find((m) => m.includes('report-type=delivery-status'));
    await waitFor(async () => !!(await find()), 15_000, 'DSN');
    const raw = (await find())!;
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe('Undelivered Mail Returned to Sender');
    const dsn = parseDsnWithPython(raw);
    expect(dsn.contentType).toBe('multipart/report');
    expect(dsn.reportType).toBe('delivery-status');
    expect(dsn.recipients).toEqual([
      expect.objectContaining({ 'Final-Recipient': 'rfc822; nobody@refuse.test', Action: 'failed', Status: '5.7.1', 'Remote-MTA': 'dns; mx.refuse.test' }),
    ]);
    expect(dsn.recipients[0]!['Diagnostic-Code']).toMatch(/^smtp; 550 5\.7\.1 Rejected by policy/);
    expect(dsn.originalHeaders).toMatch(/^Subject: will bounce$/m);
    expect(mail.headers.get('return-path')).toMatchObject({ value: [{ address: '' }] });
  });
});
