// Relaying everything non-local through a smarthost: STARTTLS required (certificate verified),
// its own login, and mail kept in the queue when the smarthost refuses the login or offers no TLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Relay } from '../../../../src/main/server/relay/relay.ts';
import { startSubmissionServer } from '../../../../src/main/server/smtp/submission.ts';
import { MaildirStore } from '../../../../src/main/maildir/maildir-store.ts';
import { silentLogger } from '../../../../src/main/base/log.ts';
import { DOVECOT_STATE, dovecot, startOwnSmtpPeer, type SmtpPeer } from '../../../support/peers.ts';
import { FakeResolver, ManualClock, TestUsers } from '../../../support/relay-doubles.ts';
import { tempDir } from '../../../support/temp-dir.ts';

let tlsPeer: SmtpPeer, plainPeer: SmtpPeer;
beforeAll(() => {
  const tls = ['--tls-cert', dovecot.caCertPath, '--tls-key', path.join(DOVECOT_STATE, 'ssl/key.pem')];
  tlsPeer = startOwnSmtpPeer('smarthost-tls', 'accept', 10048, [...tls, '--auth', 'relayuser:relaypass']);
  plainPeer = startOwnSmtpPeer('smarthost-plain', 'accept', 10049, ['--auth', 'relayuser:relaypass']);
});
afterAll(() => {
  tlsPeer?.stop();
  plainPeer?.stop();
});

function relayVia(port: number, password: string) {
  const clock = new ManualClock();
  const dns = new FakeResolver(); // no records: nothing may be looked up for the recipients' domains
  const relay = new Relay({
    dataDir: tempDir('smarthost'),
    hostname: 'mail.home.test',
    clock,
    resolver: dns,
    smarthost: { host: 'localhost', port, user: 'relayuser', password, ca: readFileSync(dovecot.caCertPath) },
    autoRun: false,
    dkim: null,
  });
  dns.a.set('localhost', ['127.0.0.1']);
  return { relay, clock, dns };
}

describe('smarthost', () => {
  it('sends every remote domain through the smarthost over verified STARTTLS with its login', async () => {
    const { relay, dns } = relayVia(tlsPeer.port, 'relaypass');
    await relay.start();
    await relay.submit({ from: 'alice@home.test', recipients: ['a@one.example', 'b@two.example'], body: Buffer.from('Subject: via smarthost\r\n\r\nhi\r\n') });
    await relay.runDue();
    expect(relay.size).toBe(0);
    const got = tlsPeer.received();
    // one copy for both recipients: the smarthost is one destination
    expect(got.map((g) => g.env.to.slice().sort().join(','))).toEqual(['a@one.example,b@two.example']);
    expect(tlsPeer.events().filter((e) => e.ev === 'auth')).toEqual(expect.arrayContaining([expect.objectContaining({ ok: true })]));
    expect(dns.queries.filter((q) => q.startsWith('MX'))).toEqual([]);
    await relay.stop();
  });

  // (A refused login is tested against Hearth below: the aiosmtpd peer leaves a failed AUTH unanswered.)
  it('keeps mail queued when the smarthost does not offer STARTTLS', async () => {
    for (const [peer, password] of [[plainPeer, 'relaypass']] as const) {
      const { relay } = relayVia(peer.port, password);
      await relay.start();
      const before = peer.received().length;
      const env = await relay.submit({ from: 'alice@home.test', recipients: ['c@three.example'], body: Buffer.from('Subject: x\r\n\r\nx\r\n') });
      await relay.runDue();
      const item = relay.list().find((i) => i.id === env.id)!;
      expect(item.recipients[0]).toMatchObject({ state: 'deferred', attempts: 1 });
      // we insist on STARTTLS; the peer answers it with 454, and the message waits
      expect(item.recipients[0]!.lastReply).toBe('454 TLS not available');
      expect(peer.events().some((e) => e.ev === 'auth')).toBe(false); // the password never went out in clear
      expect(peer.received().length).toBe(before);
      await relay.stop();
    }
  });

  it('relays to another Hearth as smarthost; a refused login (535) keeps the mail queued', async () => {
    // the smarthost: Hearth's own submission server, whose relay only queues
    const upstreamDir = tempDir('smarthost-upstream');
    const upstream = new Relay({ dataDir: upstreamDir, hostname: 'upstream.test', autoRun: false, dkim: null, control: false });
    await upstream.start();
    const store = new MaildirStore({ root: path.join(upstreamDir, 'mail') });
    const users = new TestUsers(['home.test'], { 'alice@home.test': 'right-password' });
    const tls = { key: readFileSync(path.join(DOVECOT_STATE, 'ssl/key.pem'), 'utf8'), cert: readFileSync(dovecot.caCertPath, 'utf8') };
    const listener = await startSubmissionServer(
      { store, users, log: silentLogger, tls, hostname: 'upstream.test', relay: upstream },
      { host: '127.0.0.1', port: 0, implicitTls: false },
    );
    try {
      for (const [password, expected] of [
        ['wrong-password', 'deferred'],
        ['right-password', 'sent'],
      ] as const) {
        const clock = new ManualClock();
        const resolver = new FakeResolver();
        resolver.a.set('localhost', ['127.0.0.1']);
        const relay = new Relay({
          dataDir: tempDir('smarthost-client'),
          hostname: 'laptop.home.test',
          clock,
          resolver,
          smarthost: { host: 'localhost', port: listener.port, user: 'alice@home.test', password, ca: readFileSync(dovecot.caCertPath) },
          autoRun: false,
          dkim: null,
        });
        await relay.start();
        const env = await relay.submit({
          from: 'alice@home.test',
          recipients: ['friend@far.example'],
          body: Buffer.from(`Subject: ${password}\r\n\r\nhi\r\n`),
        });
        await relay.runDue();
        if (expected === 'deferred') {
          const r = relay.list().find((i) => i.id === env.id)!.recipients[0]!;
          expect(r).toMatchObject({ state: 'deferred', attempts: 1 });
          expect(r.lastReply).toMatch(/^535 5\.7\.8 Authentication credentials invalid/);
          expect(upstream.size).toBe(0);
          // The admin sees it at once, not after the 4-hour delay warning.
          expect(relay.status().problem).toMatch(/^smarthost problem: login refused \(535 5\.7\.8 Authentication credentials invalid/);
        } else {
          expect(relay.status().problem).toBeNull();
          expect(relay.size).toBe(0);
          expect(upstream.list().map((i) => [i.from, i.submittedBy, i.recipients[0]!.address])).toEqual([
            ['alice@home.test', 'alice@home.test', 'friend@far.example'],
          ]);
        }
        await relay.stop();
      }
    } finally {
      await listener.close();
      await upstream.stop();
      await store.close();
    }
  });
});
