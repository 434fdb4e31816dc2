// Relaying everything non-local through a smarthost: STARTTLS required (certificate verified),
// its own login, and mail kept in the queue when the smarthost refuses the login or offers no TLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Relay } from '../../../../src/main/server/relay/relay.ts';
import { DOVECOT_STATE, dovecot } from '../../../support/peers.ts';
import { FakeResolver, ManualClock, startPeer, tempDir } from './helpers.ts';
import type { SmtpPeer } from './helpers.ts';

let tlsPeer: SmtpPeer, plainPeer: SmtpPeer;
beforeAll(() => {
  const tls = ['--tls-cert', dovecot.caCertPath, '--tls-key', path.join(DOVECOT_STATE, 'ssl/key.pem')];
  tlsPeer = startPeer('smarthost-tls', 'accept', 10048, [...tls, '--auth', 'relayuser:relaypass']);
  plainPeer = startPeer('smarthost-plain', 'accept', 10049, ['--auth', 'relayuser:relaypass']);
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

  // (A refused login is not tested against aiosmtpd: its peer leaves a failed AUTH unanswered.)
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
});
