import { describe, it, expect, afterAll } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { startHouseholdServer, ensureDemoMailbox, type RunningHouseholdServer } from '../../../src/main/server/household-server.ts';
import { MaildirStore } from '../../../src/main/maildir/maildir-store.ts';
import { silentLogger } from '../../../src/main/base/log.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { tempDir } from '../../support/temp-dir.ts';
import { freePort } from '../../support/ports.ts';
import { pollUntil } from '../../support/wait.ts';

const run = promisify(execFile);

process.env.HEARTH_SCRYPT_LN = '10';

function greeting(port: number, implicitTls: boolean, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s: net.Socket = implicitTls
      ? tls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', minVersion: 'TLSv1.2' })
      : net.connect(port, '127.0.0.1');
    s.setEncoding('utf8');
    s.once('data', (d: string) => {
      resolve(d);
      s.destroy();
    });
    s.once('error', reject);
    setTimeout(() => reject(new Error('no greeting')), 5000).unref();
  });
}

let server: RunningHouseholdServer | undefined;
afterAll(async () => {
  await server?.close();
});

describe('HouseholdServer', () => {
  it('starts every available listener on ephemeral ports with the demo mailbox, and closes', async () => {
    const dataDir = tempDir('household');
    server = await startHouseholdServer({
      dataDir,
      ports: { smtp: 0, imap: 0, imaps: 0, pop3: 0, pop3s: 0, submission: 0, submissions: 0, https: 0 },
      demo: { password: 'demo-pass' },
      log: silentLogger,
      // remote mail goes to a closed loopback port (deferred, retried later): nothing leaves this machine
      relay: {
        resolver: {
          resolveMx: async () => [{ exchange: 'mx.example.com', priority: 10 }],
          resolve4: async () => ['127.0.0.1'],
          resolve6: async () => [],
        },
        portOverrides: { 'mx.example.com': await freePort() },
      },
    });
    expect(server.demo).toEqual({ address: 'demo@home.arpa', password: 'demo-pass', created: true });
    const names = server.listeners.map((l) => l.name);
    expect(names).toEqual(['smtp', 'imap', 'imaps', 'pop3', 'pop3s', 'submission', 'submissions', 'https']);
    for (const l of server.listeners) {
      expect(l.port).toBeGreaterThan(0);
      expect(l.reachableFromOutside).toBe(false);
      if (l.name === 'https') continue; // HTTP: the client speaks first (test/main/server/autoconfig/)
      const g = await greeting(l.port, l.implicitTls, server.tls.cert);
      expect(g).toMatch(l.name.startsWith('imap') ? /^\* OK/ : l.name.startsWith('pop3') ? /^\+OK/ : /^220 /);
    }
    // the demo messages are readable over IMAP
    const imap = server.listeners.find((l) => l.name === 'imaps')!;
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: imap.port,
      secure: true,
      tls: { ca: server.tls.cert, servername: 'localhost' },
      auth: { user: 'demo@home.arpa', pass: 'demo-pass' },
      logger: false,
    });
    await client.connect();
    const status = await client.status('INBOX', { messages: true, unseen: true });
    expect(status && status.messages).toBe(4);
    const list = await client.list();
    expect(list.map((m) => m.path)).toEqual(expect.arrayContaining(['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive']));
    await client.logout();

    // POP3 over implicit TLS with curl: the same four messages
    const pop3s = server.listeners.find((l) => l.name === 'pop3s')!;
    const { stdout } = await run(
      'curl',
      [
        '-sS',
        '--cacert',
        server.tls.certFile,
        '--resolve',
        `localhost:${pop3s.port}:127.0.0.1`,
        `pop3s://localhost:${pop3s.port}/`,
        '-u',
        'demo@home.arpa:demo-pass',
      ],
      { timeout: 15_000 },
    );
    expect(stdout.trim().split(/\r?\n/)).toHaveLength(4);

    // authenticated submission to a local user goes through the relay's local delivery into the store
    const sub = server.listeners.find((l) => l.name === 'submissions')!;
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sub.port,
      secure: true,
      tls: { ca: server.tls.cert, servername: 'localhost' },
      auth: { user: 'demo@home.arpa', pass: 'demo-pass' },
    });
    await t.sendMail({ from: 'demo@home.arpa', to: 'demo@home.arpa', subject: 'note to self', text: 'hi me' });
    t.close();
    const inbox = await (await server.store.user('demo@home.arpa')).openMailbox('INBOX');
    await pollUntil(
      () => inbox.status(),
      (s) => s.messages >= 5,
      10_000,
    );
    const last = (await inbox.listMessages()).at(-1)!;
    expect((await inbox.readMessageBuffer(last.uid)).toString()).toContain('Subject: note to self');

    // port 25 style: an authenticated user may relay; anyone else may not
    const smtpPort = server.listeners.find((l) => l.name === 'smtp')!.port;
    const anon = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, tls: { ca: server.tls.cert, servername: 'localhost' } });
    await expect(anon.sendMail({ from: 'x@example.org', to: 'someone@example.com', subject: 'no', text: 'no' })).rejects.toThrow(/554 5\.7\.1/);
    anon.close();
    const authed = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      tls: { ca: server.tls.cert, servername: 'localhost' },
      auth: { user: 'demo@home.arpa', pass: 'demo-pass' },
    });
    const queuedBefore = server.relay.size;
    const info = await authed.sendMail({ from: 'demo@home.arpa', to: ['someone@example.com', 'demo@home.arpa'], subject: 'out and in', text: 'both' });
    authed.close();
    expect(info.accepted).toEqual(['someone@example.com', 'demo@home.arpa']);
    expect(server.relay.size).toBe(queuedBefore + 1); // waiting for example.com
    expect((await inbox.readMessageBuffer((await inbox.listMessages()).at(-1)!.uid)).toString()).toContain('Subject: out and in');
    const queued = server.relay.list().flatMap((q) => q.recipients.map((r) => r.address));
    expect(queued).toContain('someone@example.com');

    await server.close();
    server = undefined;
  });

  it('checks for an ACME certificate only once its listeners are up (HTTPS may answer TLS-ALPN-01)', async () => {
    const https = await freePort();
    const reachable = (port: number) =>
      new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      });
    // The clock records whether HTTPS answered when the first check was set, and never runs it.
    const atFirstCheck: Promise<boolean>[] = [];
    const started = await startHouseholdServer({
      dataDir: tempDir('acme-order'),
      domain: 'hearth.test',
      log: silentLogger,
      ports: { smtp: null, imap: null, pop3: null, pop3s: null, imaps: 0, submission: null, submissions: null, https },
      acme: {
        settings: { directoryUrl: 'https://127.0.0.1:9/dir', domains: ['hearth.test'], challenge: 'tls-alpn-01', tlsPort: https, challengeHost: '127.0.0.1' },
        clock: {
          now: () => Date.now(),
          setTimer: (_fn, ms) => {
            if (ms === 0) atFirstCheck.push(reachable(https));
            return () => {};
          },
        },
      },
    });
    try {
      expect(atFirstCheck).toHaveLength(1);
      expect(await atFirstCheck[0]).toBe(true);
    } finally {
      await started.close();
    }
  });

  it('ensureDemoMailbox: welcome, attachment and a two-message thread, delivered once', async () => {
    const dataDir = tempDir('demo');
    const first = await ensureDemoMailbox(dataDir);
    expect(first.created).toBe(true);
    expect(first.password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const again = await ensureDemoMailbox(dataDir);
    expect(again).toEqual({ address: 'demo@home.arpa', password: null, created: false });
    const store = new MaildirStore({ root: path.join(dataDir, 'mail') });
    try {
      const inbox = await (await store.user('demo@home.arpa')).openMailbox('INBOX');
      const list = await inbox.listMessages();
      expect(list).toHaveLength(4);
      const parsed = await Promise.all(list.map(async (m) => simpleParser(await inbox.readMessageBuffer(m.uid))));
      expect(parsed[0]!.subject).toBe('Welcome to your household mail server');
      expect(parsed[0]!.html).toContain('<h1>Welcome to Hearth</h1>');
      expect(parsed[0]!.text).toContain('served by Hearth');
      expect(parsed[1]!.attachments.map((a) => a.filename)).toEqual(['shopping-list.csv']);
      expect(parsed[3]!.subject).toBe('Re: Dinner on Sunday?');
      expect(parsed[3]!.inReplyTo).toBe(parsed[2]!.messageId);
      expect(parsed[3]!.references).toEqual(parsed[2]!.messageId);
    } finally {
      await store.close();
    }
  });
});
