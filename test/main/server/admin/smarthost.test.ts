// The smarthost from the app's API (server.smarthost.set / .clear through HouseholdAdmin into the
// running relay): mail to another domain goes through an aiosmtpd peer that requires STARTTLS and
// AUTH, with the login stored sealed and never answered or logged; changing other settings keeps
// the stored password; after clearing, the relay delivers straight to the domain's MX again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HouseholdAdmin } from '../../../../src/main/server/admin/household-admin.ts';
import { serverAdminHandlers } from '../../../../src/main/api/server-admin-handlers.ts';
import { createDispatcher, type Handlers } from '../../../../src/main/api/dispatcher.ts';
import { methodNames, SmarthostInput } from '../../../../src/shared/api.ts';
import { createLogger } from '../../../../src/main/base/log.ts';
import { startHouseholdServer, type RunningHouseholdServer } from '../../../../src/main/server/household-server.ts';
import { DOVECOT_STATE, dovecot, startOwnSmtpPeer, type SmtpPeer } from '../../../support/peers.ts';
import { FakeResolver } from '../../../support/relay-doubles.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { waitFor } from '../../../support/wait.ts';

const PASSWORD = 'relay-secret-71';
let smarthost: SmtpPeer, mx: SmtpPeer;
let server: RunningHouseholdServer;
let dispatch: ReturnType<typeof createDispatcher>;
const logLines: string[] = [];

beforeAll(async () => {
  const tls = ['--tls-cert', dovecot.caCertPath, '--tls-key', path.join(DOVECOT_STATE, 'ssl/key.pem')];
  smarthost = startOwnSmtpPeer('admin-smarthost', 'accept', 10080, [...tls, '--auth', `relayuser:${PASSWORD}`]);
  mx = startOwnSmtpPeer('admin-smarthost-mx', 'accept', 10081);
  const resolver = new FakeResolver();
  resolver.a.set('localhost', ['127.0.0.1']);
  resolver.mx.set('far.example', [{ priority: 10, exchange: 'mx.far.example' }]);
  resolver.a.set('mx.far.example', ['127.0.0.1']);
  const log = createLogger({ level: 'debug', write: (l) => logLines.push(l) });
  server = await startHouseholdServer({
    dataDir: tempDir('admin-smarthost'),
    log,
    ports: { smtp: null, imap: null, imaps: null, pop3: null, pop3s: null, submission: 0, submissions: null, https: null },
    relay: { resolver, smtpPort: mx.port, dkim: null },
  });
  const admin = new HouseholdAdmin({ dataDir: server.dataDir, store: server.store, relay: server.relay });
  const unexpected = () => {
    throw new Error('not expected');
  };
  const all = Object.fromEntries(methodNames.map((m) => [m, unexpected])) as unknown as Handlers;
  dispatch = createDispatcher({ ...all, ...serverAdminHandlers(admin) }, log);
});
afterAll(async () => {
  await server?.close();
  smarthost?.stop();
  mx?.stop();
});

async function send(subject: string): Promise<void> {
  await server.relay.submit({ from: 'ann@home.arpa', recipients: ['friend@far.example'], body: Buffer.from(`Subject: ${subject}\r\n\r\nhello\r\n`) });
}
const arrived = (peer: SmtpPeer, subject: string) => peer.received().some((m) => m.eml.toString().includes(`Subject: ${subject}`));
const logins = () => smarthost.events().filter((e) => e.ev === 'auth' && e.ok === true).length;

describe('smarthost from the admin API', () => {
  it('validates the input at the contract: TLS none only when allowed, a password only with a user', () => {
    expect(SmarthostInput.safeParse({ host: 'smtp.example', port: 25, tls: 'none' }).success).toBe(false);
    expect(SmarthostInput.safeParse({ host: 'smtp.example', port: 25, tls: 'none', allowPlaintext: true }).success).toBe(true);
    expect(SmarthostInput.safeParse({ host: 'smtp.example', port: 587, tls: 'starttls', password: 'x' }).success).toBe(false);
    expect(SmarthostInput.safeParse({ host: 'smtp.example', port: 587, tls: 'starttls', caCert: 'not pem' }).success).toBe(false);
    expect(SmarthostInput.safeParse({ host: 'smtp.example', port: 70000, tls: 'starttls' }).success).toBe(false);
  });

  it('sets a smarthost with STARTTLS and AUTH, relays through it, keeps the password, clears back to MX delivery', async () => {
    const set = await dispatch('server.smarthost.set', {
      host: 'localhost',
      port: smarthost.port,
      tls: 'starttls',
      user: 'relayuser',
      password: PASSWORD,
      caCert: readFileSync(dovecot.caCertPath, 'utf8'),
    });
    expect(set).toEqual({
      ok: true,
      result: {
        smarthost: { host: 'localhost', port: smarthost.port, tls: 'starttls', user: 'relayuser', hasPassword: true, customCa: true, warning: null },
        problem: null,
        problemSince: null,
      },
    });
    expect(readFileSync(path.join(server.dataDir, 'smarthost.json'), 'utf8')).not.toContain(PASSWORD);

    await send('via smarthost');
    await waitFor(() => arrived(smarthost, 'via smarthost'), 20_000, 'the smarthost to receive it');
    expect(logins()).toBe(1);
    expect(arrived(mx, 'via smarthost')).toBe(false);

    // Another port setting without the password: the stored one is kept (same user).
    const again = await dispatch('server.smarthost.set', { host: 'localhost', port: smarthost.port, tls: 'starttls', user: 'relayuser' });
    expect(again).toMatchObject({ ok: true, result: { smarthost: { hasPassword: true, customCa: true } } });
    await send('still via smarthost');
    await waitFor(() => arrived(smarthost, 'still via smarthost'), 20_000, 'the smarthost to receive the second');
    expect(logins()).toBe(2);

    // A wrong TLS mode is refused by the contract before anything is stored.
    expect(await dispatch('server.smarthost.set', { host: 'localhost', port: 25, tls: 'none' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });

    const cleared = await dispatch('server.smarthost.clear', {});
    expect(cleared).toEqual({ ok: true, result: { smarthost: null, problem: null, problemSince: null } });
    await send('straight to the MX');
    await waitFor(() => arrived(mx, 'straight to the MX'), 20_000, 'the MX to receive it');
    expect(arrived(smarthost, 'straight to the MX')).toBe(false);

    const everything = logLines.join('\n');
    expect(everything).toContain('relay: smarthost changed');
    expect(everything).not.toContain(PASSWORD);
    expect(JSON.stringify([set, again, cleared])).not.toContain(PASSWORD);
  }, 90_000);
});
