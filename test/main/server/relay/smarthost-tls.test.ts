// The smarthost's TLS modes against the aiosmtpd sinks of ../shared/peers: STARTTLS (required,
// certificate verified), implicit TLS as on port 465, and plain text (only when explicitly
// allowed, with a warning); each with its login. A failure the admin must fix (refused, TLS mode
// that does not fit, untrusted certificate) shows in the relay status after the first attempt and
// clears after a success. The login can be stored sealed with `hearth smarthost set`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Relay } from '../../../../src/main/server/relay/relay.ts';
import type { SmarthostOptions } from '../../../../src/main/server/relay/types.ts';
import { readSmarthostOptions } from '../../../../src/main/server/relay/smarthost-config.ts';
import { DOVECOT_STATE, dovecot, startOwnSmtpPeer, type SmtpPeer } from '../../../support/peers.ts';
import { FakeResolver, ManualClock } from '../../../support/relay-doubles.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { runHearth } from '../../../support/hearth-cli.ts';

const AUTH = ['--auth', 'relayuser:relaypass'];
const TLS = () => ['--tls-cert', dovecot.caCertPath, '--tls-key', path.join(DOVECOT_STATE, 'ssl/key.pem')];
const CLOSED_THEN_OPEN = 10073;

let starttls: SmtpPeer, implicit: SmtpPeer, plain: SmtpPeer;
beforeAll(() => {
  starttls = startOwnSmtpPeer('smarthost-mode-starttls', 'accept', 10070, [...TLS(), ...AUTH]);
  implicit = startOwnSmtpPeer('smarthost-mode-implicit', 'accept', 10071, [...TLS(), '--implicit-tls', ...AUTH]);
  plain = startOwnSmtpPeer('smarthost-mode-plain', 'accept', 10072, AUTH);
});
afterAll(() => {
  for (const p of [starttls, implicit, plain]) p?.stop();
});

function relayVia(smarthost: Partial<SmarthostOptions> & { port: number }) {
  const clock = new ManualClock();
  const resolver = new FakeResolver();
  resolver.a.set('localhost', ['127.0.0.1']);
  return new Relay({
    dataDir: tempDir('smarthost-mode'),
    hostname: 'mail.home.test',
    clock,
    resolver,
    smarthost: { host: 'localhost', user: 'relayuser', password: 'relaypass', ca: readFileSync(dovecot.caCertPath), ...smarthost },
    autoRun: false,
    dkim: null,
    control: false,
  });
}

async function sendOne(relay: Relay, subject: string) {
  await relay.start();
  const env = await relay.submit({ from: 'alice@home.test', recipients: ['friend@far.example'], body: Buffer.from(`Subject: ${subject}\r\n\r\nhi\r\n`) });
  await relay.runDue();
  return relay.list().find((i) => i.id === env.id)?.recipients[0] ?? null;
}

const authed = (peer: SmtpPeer) => peer.events().filter((e) => e.ev === 'auth' && e.ok === true).length;

describe('smarthost TLS modes', () => {
  it('starttls: verified STARTTLS, then the login', async () => {
    const relay = relayVia({ port: starttls.port, tls: 'starttls' });
    const before = starttls.received().length;
    expect(await sendOne(relay, 'starttls')).toBeNull();
    expect(starttls.received().length).toBe(before + 1);
    expect(authed(starttls)).toBeGreaterThan(0);
    expect(relay.status()).toMatchObject({ smarthost: { port: starttls.port, tls: 'starttls', user: 'relayuser', warning: null }, problem: null });
    await relay.stop();
  });

  it('implicit: TLS from the first byte (port-465 style)', async () => {
    const relay = relayVia({ port: implicit.port, tls: 'implicit' });
    const before = implicit.received().length;
    expect(await sendOne(relay, 'implicit')).toBeNull();
    expect(implicit.received().length).toBe(before + 1);
    expect(implicit.received().at(-1)!.eml.toString()).toContain('Subject: implicit');
    expect(authed(implicit)).toBeGreaterThan(0);
    await relay.stop();
  });

  it('none: refused unless plain text is allowed explicitly; then sent, with a warning in the status', async () => {
    expect(() => relayVia({ port: plain.port, tls: 'none' })).toThrow(/--smarthost-allow-plaintext/);
    const relay = relayVia({ port: plain.port, tls: 'none', allowPlaintext: true });
    const before = plain.received().length;
    expect(await sendOne(relay, 'plain')).toBeNull();
    expect(plain.received().length).toBe(before + 1);
    expect(authed(plain)).toBeGreaterThan(0);
    expect(relay.status().smarthost?.warning).toMatch(/without TLS/);
    await relay.stop();
  });

  it('implicit TLS against a STARTTLS port: the plain "220" answer is recognised and the fix named', async () => {
    const relay = relayVia({ port: starttls.port, tls: 'implicit' });
    const r = await sendOne(relay, 'wrong mode');
    expect(r).toMatchObject({ state: 'deferred', attempts: 1 });
    expect(r?.lastReply).toMatch(/^451 4\.4\.1 .*answered the TLS handshake in plain text \("220 /);
    expect(relay.status().problem).toBe(
      `smarthost problem: TLS mode does not fit the port: localhost:${starttls.port} answered the TLS handshake in plain text ` +
        `("${/\("(220 [^"]*)"\)/.exec(r!.lastReply!)![1]}"), so it expects STARTTLS (as on port 587), but the TLS mode is implicit: ` +
        'set the TLS mode to starttls (--smarthost-tls starttls)',
    );
    expect(starttls.received().some((m) => m.eml.toString().includes('Subject: wrong mode'))).toBe(false);
    await relay.stop();
  });

  // Without the probe these would wait for the 30 s greeting timeout (beyond the test's timeout),
  // then say only "Greeting never received".
  for (const mode of ['starttls', 'none'] as const) {
    it(`${mode} against an implicit-TLS port: the TLS handshake on a second connection tells it, at once`, async () => {
      const relay = relayVia({ port: implicit.port, tls: mode, ...(mode === 'none' ? { allowPlaintext: true } : {}) });
      const r = await sendOne(relay, `wrong mode ${mode}`);
      expect(r).toMatchObject({ state: 'deferred', attempts: 1 });
      expect(relay.status().problem).toBe(
        `smarthost problem: TLS mode does not fit the port: localhost:${implicit.port} expects TLS from the first byte ` +
          `(implicit TLS, as on port 465) but the TLS mode is ${mode}: set the TLS mode to implicit (--smarthost-tls implicit)`,
      );
      expect(r?.lastReply).toMatch(/^451 4\.4\.1 .*expects TLS from the first byte/);
      await relay.stop();
    }, 20_000);
  }

  it('an untrusted certificate shows as a smarthost problem', async () => {
    const relay = relayVia({ port: starttls.port, tls: 'starttls', ca: '' });
    const r = await sendOne(relay, 'untrusted');
    expect(r).toMatchObject({ state: 'deferred', attempts: 1 });
    expect(relay.status().problem).toMatch(/^smarthost problem: certificate not trusted/);
    await relay.stop();
  });

  it('a refused connection shows at once and clears after the next success', async () => {
    const relay = relayVia({ port: CLOSED_THEN_OPEN, tls: 'starttls' });
    const r = await sendOne(relay, 'refused first');
    expect(r).toMatchObject({ state: 'deferred', attempts: 1 });
    const status = relay.status();
    expect(status.problem).toMatch(/^smarthost problem: connection refused/);
    expect(status.problemSince).not.toBeNull();
    const peer = startOwnSmtpPeer('smarthost-mode-late', 'accept', CLOSED_THEN_OPEN, [...TLS(), ...AUTH]);
    try {
      expect(await relay.retryNow()).toBe(1);
      await relay.runDue();
      expect(relay.size).toBe(0);
      expect(peer.received()).toHaveLength(1);
      expect(relay.status()).toMatchObject({ problem: null, problemSince: null });
    } finally {
      peer.stop();
      await relay.stop();
    }
  });

  it('`hearth smarthost set` stores the login sealed; `hearth serve` options check the mode', async () => {
    const dataDir = tempDir('smarthost-cli');
    const set = await runHearth(
      ['smarthost', 'set', `localhost:${implicit.port}`, '--data', dataDir, '--tls', 'implicit', '--user', 'relayuser', '--ca', dovecot.caCertPath],
      {
        input: 'relaypass\n',
      },
    );
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    const file = path.join(dataDir, 'smarthost.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain('relaypass');
    expect(readSmarthostOptions(dataDir)).toMatchObject({ host: 'localhost', port: implicit.port, tls: 'implicit', user: 'relayuser', password: 'relaypass' });
    const show = await runHearth(['smarthost', 'show', '--data', dataDir]);
    expect(show.stdout).toBe(`smarthost localhost:${implicit.port} tls implicit user relayuser password (stored, sealed) ca ${dovecot.caCertPath}\n`);

    const none = await runHearth(['smarthost', 'set', 'localhost:25', '--data', dataDir, '--tls', 'none']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/allow it explicitly \(--allow-plaintext\)/);
    const serve = await runHearth(['serve', '--data', dataDir, '--smarthost', 'localhost:25', '--smarthost-tls', 'none']);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toMatch(/--smarthost-allow-plaintext/);
  }, 120_000);
});
