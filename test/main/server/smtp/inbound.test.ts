import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import fc from 'fast-check';
import { MaildirStore } from '../../../../src/main/maildir/maildir-store.ts';
import { ConfigUserDirectory } from '../../../../src/main/server/users/directory.ts';
import { addUser, loadOrCreateConfig, setAlias } from '../../../../src/main/server/users/config.ts';
import { loadOrCreateTls } from '../../../../src/main/server/tls.ts';
import { startInboundSmtp, type RunningSmtpListener, type DnsResolver } from '../../../../src/main/server/smtp/inbound.ts';
import type { ServerContext } from '../../../../src/main/server/context.ts';
import { silentLogger } from '../../../../src/main/base/log.ts';
import { corpusMessages } from '../../../support/corpus.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { swaks as runSwaks, swaksLogin } from '../../../support/swaks.ts';
import { pollUntil } from '../../../support/wait.ts';
import { runPeerScript } from '../../../support/peers.ts';
import { RawSmtp, dataBlock } from '../../../support/smtp-client.ts';

process.env.HEARTH_SCRYPT_LN = '10';

let dataDir: string;
let store: MaildirStore;
let ctx: ServerContext;
let certFile: string;
let smtp: RunningSmtpListener;
let small: RunningSmtpListener;

async function inbox(address: string) {
  return (await store.user(address)).openMailbox('INBOX');
}

async function lastMessage(address: string): Promise<string> {
  const mb = await inbox(address);
  const list = await mb.listMessages();
  return (await mb.readMessageBuffer(list.at(-1)!.uid)).toString('utf8');
}

/** swaks against the main listener, printing only errors; `swaksFull` shows the whole transcript. */
function swaks(args: string[]): Promise<{ code: number; out: string }> {
  return swaksFull(smtp.port, ['--hide-all', '--silent', '0', ...args]);
}

function swaksFull(port: number, args: string[]): Promise<{ code: number; out: string }> {
  return runSwaks(['--server', `127.0.0.1:${port}`, ...args]);
}

beforeAll(async () => {
  dataDir = tempDir('smtp');
  await loadOrCreateConfig(dataDir);
  await addUser(dataDir, 'alice@home.arpa', 'alicepw');
  await addUser(dataDir, 'bob@home.arpa', 'bobpw');
  await addUser(dataDir, 'müller@home.arpa', 'mpw');
  await setAlias(dataDir, 'family@home.arpa', ['alice@home.arpa', 'bob@home.arpa']);
  const tls = await loadOrCreateTls({ dataDir, hostnames: ['localhost'], addresses: ['127.0.0.1'] });
  certFile = tls.certFile;
  store = new MaildirStore({ root: path.join(dataDir, 'mail'), hostname: 'localhost' });
  ctx = { store, users: new ConfigUserDirectory(dataDir), log: silentLogger, tls, hostname: 'mx.home.arpa' };
  smtp = await startInboundSmtp(ctx, { host: '127.0.0.1', port: 0, implicitTls: false });
  small = await startInboundSmtp(ctx, { host: '127.0.0.1', port: 0, implicitTls: false, maxMessageBytes: 10_000 });
});

afterAll(async () => {
  await smtp?.close();
  await small?.close();
  await store?.close();
});

describe('inbound SMTP with swaks', () => {
  it('delivers to a local user with Received, Authentication-Results (none on loopback) and Return-Path', async () => {
    const r = await swaks(['--from', 'sender@example.org', '--to', 'alice@home.arpa', '--h-Subject', 'swaks hello', '--body', 'hello from swaks']);
    expect(r.code).toBe(0);
    const msg = await lastMessage('alice@home.arpa');
    const [head] = msg.split('\r\n\r\n');
    expect(head).toMatch(/^Return-Path: <sender@example\.org>\r\n/);
    expect(head).toContain('Authentication-Results: mx.home.arpa; none\r\n');
    expect(head).toMatch(/Received: from [^\r]+ \(\[127\.0\.0\.1\]\)\r\n\tby mx\.home\.arpa \(Hearth\) with ESMTP id [0-9a-f]+\r\n\tfor <alice@home\.arpa>;/);
    expect(head).toContain('Subject: swaks hello');
    expect(msg).toContain('hello from swaks');
  });

  it('refuses unknown local users with 550 5.1.1', async () => {
    const r = await swaks(['--from', 'a@example.org', '--to', 'nobody@home.arpa']);
    expect(r.code).not.toBe(0);
    const full = await swaksFull(smtp.port, ['--from', 'a@example.org', '--to', 'nobody@home.arpa']);
    expect(full.out).toMatch(/<\*\* 550 5\.1\.1/);
  });

  it('refuses foreign domains with 554 5.7.1 relay denied', async () => {
    const full = await swaksFull(smtp.port, ['--from', 'a@example.org', '--to', 'someone@example.com']);
    expect(full.code).not.toBe(0);
    expect(full.out).toMatch(/<\*\* 554 5\.7\.1 Relay access denied/);
  });

  it('advertises SIZE and refuses messages over it with 552', async () => {
    const ehlo = await swaksFull(small.port, ['--quit-after', 'EHLO']);
    expect(ehlo.out).toMatch(/250[- ]SIZE 10000/);
    expect(ehlo.out).toMatch(/PIPELINING/);
    expect(ehlo.out).toMatch(/8BITMIME/);
    expect(ehlo.out).toMatch(/SMTPUTF8/);
    expect(ehlo.out).toMatch(/STARTTLS/);
    const before = (await (await inbox('bob@home.arpa')).status()).messages;
    const big = await swaksFull(small.port, ['--from', 'a@example.org', '--to', 'bob@home.arpa', '--body', 'x'.repeat(20_000)]);
    expect(big.code).not.toBe(0);
    expect(big.out).toMatch(/<\*\* 552 5\.3\.4/);
    expect((await (await inbox('bob@home.arpa')).status()).messages).toBe(before);
    // declared size over the limit: refused at MAIL FROM
    const c = await RawSmtp.connect(small.port);
    await c.reply();
    await c.cmd('EHLO test');
    expect(await c.cmd('MAIL FROM:<a@example.org> SIZE=50000')).toMatch(/^552/);
    c.close();
  });

  it('STARTTLS with the generated certificate (TLS 1.2+), verified by swaks', async () => {
    const r = await swaksFull(smtp.port, [
      '-tls',
      '--tls-verify',
      '--tls-ca-path',
      certFile,
      '--tls-sni',
      'localhost',
      '--from',
      'a@example.org',
      '--to',
      'bob@home.arpa',
      '--h-Subject',
      'over tls',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/TLS started with cipher TLSv1\.[23]/);
    const msg = await lastMessage('bob@home.arpa');
    expect(msg).toMatch(/with ESMTPS \(TLSv1\.[23] /);
    expect(msg).toContain('Subject: over tls');
    const old = await swaksFull(smtp.port, ['-tls', '--tls-protocol', 'tlsv1_1', '--quit-after', 'TLS']);
    expect(old.code).not.toBe(0);
  });

  it('lets a logged-in household member send only as themselves', async () => {
    const own = await swaks([...swaksLogin('PLAIN', 'alice@home.arpa', 'alicepw'), '--from', 'alice@home.arpa', '--to', 'bob@home.arpa', '--body', 'hi']);
    expect(own.code).toBe(0);
    const spoof = await swaksFull(smtp.port, [
      ...swaksLogin('PLAIN', 'alice@home.arpa', 'alicepw'),
      '--from',
      'bob@home.arpa',
      '--to',
      'bob@home.arpa',
      '--body',
      'hi',
    ]);
    expect(spoof.code).not.toBe(0);
    expect(spoof.out).toMatch(/553 5\.7\.1 Sender address <bob@home\.arpa> does not belong to alice@home\.arpa/);
  });

  it('delivers to all recipients or none: one failing mailbox takes the other copies back (no duplicates on retry)', async () => {
    const bobInbox = (await store.user('bob@home.arpa')).folderPath({ folder: '' });
    const aliceBefore = (await (await inbox('alice@home.arpa')).listMessages()).length;
    const bobBefore = (await (await inbox('bob@home.arpa')).listMessages()).length;
    // Bob's new/ becomes a file: linking his copy fails (ENOTDIR), as a broken disk would.
    renameSync(path.join(bobInbox, 'new'), path.join(bobInbox, 'new.away'));
    writeFileSync(path.join(bobInbox, 'new'), 'not a directory');
    let r: { code: number; out: string };
    try {
      r = await swaksFull(smtp.port, ['--from', 'x@example.org', '--to', 'alice@home.arpa,bob@home.arpa', '--h-Subject', 'all or none', '--body', 'x']);
    } finally {
      rmSync(path.join(bobInbox, 'new'));
      renameSync(path.join(bobInbox, 'new.away'), path.join(bobInbox, 'new'));
    }
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/\n<\*\* +4\d\d /);
    expect((await (await inbox('alice@home.arpa')).listMessages()).length).toBe(aliceBefore);
    // The sender's retry then delivers exactly one copy each.
    expect(
      (await swaksFull(smtp.port, ['--from', 'x@example.org', '--to', 'alice@home.arpa,bob@home.arpa', '--h-Subject', 'all or none', '--body', 'x'])).code,
    ).toBe(0);
    expect((await (await inbox('alice@home.arpa')).listMessages()).length).toBe(aliceBefore + 1);
    expect((await (await inbox('bob@home.arpa')).listMessages()).length).toBe(bobBefore + 1);
  });

  it('pipelines a whole transaction (swaks --pipeline)', async () => {
    const r = await swaksFull(smtp.port, ['--pipeline', '--from', 'a@example.org', '--to', 'alice@home.arpa,bob@home.arpa', '--h-Subject', 'pipelined']);
    expect(r.code).toBe(0);
    expect(await lastMessage('alice@home.arpa')).toContain('Subject: pipelined');
    expect(await lastMessage('bob@home.arpa')).toContain('Subject: pipelined');
  });
});

describe('inbound SMTP: SMTPUTF8, aliases, nodemailer, corpus', () => {
  it('accepts SMTPUTF8 envelopes and UTF-8 headers for a UTF-8 mailbox', async () => {
    const c = await RawSmtp.connect(smtp.port);
    expect(await c.reply()).toMatch(/^220 /);
    expect(await c.cmd('EHLO client.example')).toContain('SMTPUTF8');
    expect(await c.cmd('MAIL FROM:<jörg@bücher.example> SMTPUTF8')).toMatch(/^250/);
    expect(await c.cmd('RCPT TO:<Müller@home.arpa>')).toMatch(/^250/);
    expect(await c.cmd('DATA')).toMatch(/^354/);
    const raw = Buffer.from('From: Jörg <jörg@bücher.example>\r\nTo: müller@home.arpa\r\nSubject: Grüße aus Köln\r\n\r\nSchöne Grüße!\r\n', 'utf8');
    c.write(dataBlock(raw));
    expect(await c.reply()).toMatch(/^250 /);
    await c.cmd('QUIT');
    c.close();
    const msg = await lastMessage('müller@home.arpa');
    expect(msg).toContain('Subject: Grüße aus Köln');
    expect(msg).toContain('Return-Path: <jörg@bücher.example>');
    expect(msg).toMatch(/with UTF8ESMTP id/);
  });

  it('greets without a fixed delay', async () => {
    const t0 = performance.now();
    const c = await RawSmtp.connect(smtp.port);
    expect(await c.reply()).toMatch(/^220 mx\.home\.arpa/);
    expect(performance.now() - t0).toBeLessThan(60);
    c.close();
  });

  it('nodemailer: delivers to an alias (both members) with an attachment, byte for byte after our headers', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, tls: { ca: ctx.tls.cert, servername: 'localhost' } });
    const info = await t.sendMail({
      from: 'Carol <carol@example.net>',
      to: 'family@home.arpa',
      subject: 'Photos',
      text: 'See attached.',
      attachments: [{ filename: 'note.txt', content: 'attachment content\n' }],
    });
    t.close();
    expect(info.accepted).toEqual(['family@home.arpa']);
    for (const who of ['alice@home.arpa', 'bob@home.arpa']) {
      const msg = await lastMessage(who);
      expect(msg).toContain('Subject: Photos');
      expect(msg).toContain('filename=note.txt');
      expect(msg).toMatch(/with ESMTPS/);
    }
  });

  it('delivers real corpus messages intact (after the trace headers)', async () => {
    const msgs = corpusMessages(20);
    const c = await RawSmtp.connect(smtp.port);
    await c.reply();
    await c.cmd('EHLO corpus.test');
    for (const m of msgs) {
      expect(await c.cmd('MAIL FROM:<corpus@example.org> BODY=8BITMIME')).toMatch(/^250/);
      expect(await c.cmd('RCPT TO:<alice@home.arpa>')).toMatch(/^250/);
      expect(await c.cmd('DATA')).toMatch(/^354/);
      c.write(dataBlock(m.raw));
      expect(await c.reply()).toMatch(/^250 /);
      const stored = Buffer.from(await lastMessage('alice@home.arpa'), 'utf8');
      const mb = await inbox('alice@home.arpa');
      const list = await mb.listMessages();
      const buf = await mb.readMessageBuffer(list.at(-1)!.uid);
      void stored;
      const withNl = m.raw.toString('latin1').endsWith('\r\n') ? m.raw : Buffer.concat([m.raw, Buffer.from('\r\n')]);
      expect(buf.subarray(buf.length - withNl.length).equals(withNl)).toBe(true);
    }
    await c.cmd('QUIT');
    c.close();
  });

  it('survives random input (fast-check) and keeps answering', async () => {
    let c = await RawSmtp.connect(smtp.port);
    await c.reply();
    let closedByServer = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.constantFrom(
            'MAIL FROM:<',
            'RCPT TO:<>',
            'DATA',
            'BDAT 10',
            'AUTH PLAIN',
            'EHLO',
            'HELO x',
            'RSET',
            'VRFY a',
            'STARTTLS x',
            'MAIL FROM:<a@b> SIZE=-1',
            'RCPT TO:<a@home.arpa> NOTIFY=X',
          ),
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a).toString('latin1')),
        ),
        async (line) => {
          const clean = line.replace(/[\r\n]/g, ' ');
          if (/^\s*(DATA|QUIT|STARTTLS|AUTH|BDAT)/i.test(clean)) return; // these change the session state
          const r = await c.cmd(clean);
          if (r === '' || r.startsWith('421')) {
            // like Postfix, smtp-server hangs up after 10 unrecognised commands: start again
            closedByServer++;
            c.close();
            c = await RawSmtp.connect(smtp.port);
            expect(await c.reply()).toMatch(/^220 /);
            return;
          }
          expect(r).toMatch(/^[2-5]\d\d[ -]/);
          expect(await c.cmd('RSET')).toMatch(/^250/);
        },
      ),
      { numRuns: 150 },
    );
    expect(await c.cmd('NOOP')).toMatch(/^250/);
    c.close();
    expect(closedByServer).toBeLessThan(50);
    // and a fresh connection still works
    const r = await swaks(['--from', 'a@example.org', '--to', 'alice@home.arpa', '--h-Subject', 'after fuzz']);
    expect(r.code).toBe(0);
  });
});

describe('inbound SMTP: SPF/DKIM/DMARC with an injected resolver', () => {
  it('records SPF pass and DMARC from fake DNS in Authentication-Results', async () => {
    const queries: string[] = [];
    const resolver: DnsResolver = async (name, type) => {
      queries.push(`${type} ${name}`);
      if (type === 'TXT' && name === 'example.org') return [['v=spf1 ip4:127.0.0.1 -all']];
      if (type === 'TXT' && name === '_dmarc.example.org') return [['v=DMARC1; p=reject']];
      throw Object.assign(new Error(`fake DNS: no ${type} for ${name}`), { code: 'ENOTFOUND' });
    };
    const checked = await startInboundSmtp(ctx, { host: '127.0.0.1', port: 0, implicitTls: false, resolver });
    try {
      const r = await swaksFull(checked.port, [
        '--from',
        'news@example.org',
        '--to',
        'alice@home.arpa',
        '--h-From',
        'News <news@example.org>',
        '--h-Subject',
        'authenticated',
      ]);
      expect(r.code).toBe(0);
      const msg = await lastMessage('alice@home.arpa');
      const head = msg.split('\r\n\r\n')[0]!;
      expect(head).toMatch(/Authentication-Results: mx\.home\.arpa;/);
      expect(head).toMatch(/spf=pass/);
      expect(head).toMatch(/dmarc=pass/);
      expect(head).toMatch(/dkim=none/);
      expect(queries).toContain('TXT example.org');
      // a sender whose SPF fails
      const r2 = await swaksFull(checked.port, [
        '--from',
        'x@example.org',
        '--to',
        'alice@home.arpa',
        '--h-From',
        'x@example.org',
        '--h-Subject',
        'spoofed',
        '--local-interface',
        '127.0.0.2',
      ]);
      expect(r2.code).toBe(0);
      const msg2 = await lastMessage('alice@home.arpa');
      expect(msg2).toMatch(/spf=fail/);
      expect(msg2).toMatch(/dmarc=fail/);
    } finally {
      await checked.close();
    }
  });
});

describe('inbound SMTP from a real MTA: Exim', () => {
  const state = '/tmp/hearth-exim-inbound';
  const eximPort = 10131;
  let started = false;

  afterAll(() => {
    if (started) runPeerScript('stop-exim.sh', [state]);
  });

  it('Exim relays mail for home.arpa to our SMTP port and it is delivered', async () => {
    if (!existsSync('/usr/sbin/exim4')) throw new Error('exim4 is not installed (shared/peers/start-exim.sh installs it)');
    runPeerScript('stop-exim.sh', [state, '--purge']);
    runPeerScript('start-exim.sh', [state], { EXIM_PORT: String(eximPort), EXIM_SMARTHOST: `127.0.0.1:${smtp.port}`, EXIM_QUEUE_INTERVAL: '2s' });
    started = true;
    const subject = `via exim ${Date.now()}`;
    const r = await swaksFull(eximPort, ['--from', 'someone@example.test', '--to', 'bob@home.arpa', '--h-Subject', subject, '--body', 'relayed by exim']);
    expect(r.code).toBe(0);
    const arrived = async () => {
      const mb = await inbox('bob@home.arpa');
      for (const m of (await mb.listMessages()).reverse().slice(0, 5)) {
        const s = (await mb.readMessageBuffer(m.uid)).toString('utf8');
        if (s.includes(subject)) return s;
      }
      return '';
    };
    const found = await pollUntil(arrived, Boolean, 20_000);
    expect(found).toContain('relayed by exim');
    expect(found).toMatch(/Received: from exim-peer\.localhost/);
    expect(found).toMatch(/by exim-peer\.localhost/);
  });
});

void writeFileSync;
