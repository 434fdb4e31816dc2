// An outgoing (SMTP) server with a self-signed certificate, in Chromium against the browser host:
// the message the outbox could not send shows the certificate, "Trust this certificate" pins its
// fingerprint on the account and sends the message again, and the server gets it. Screenshots of
// the failed message with its certificate, light and dark, at 1024x700.
import { afterAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { callApiFromPage } from '../support/browser.ts';
import { browserSession } from '../support/browser-session.ts';
import { ROOT } from '../support/web-host-process.ts';
import { createDovecotUser, dovecot, DOVECOT_STATE, startOwnSmtpPeer } from '../support/peers.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';

const session = browserSession();
const SHOTS = path.join(ROOT, 'test-results');
const selfSigned = startOwnSmtpPeer('e2e-outgoing-cert', 'accept', 10066, [
  '--tls-cert',
  dovecot.caCertPath,
  '--tls-key',
  path.join(DOVECOT_STATE, 'ssl/key.pem'),
  '--implicit-tls',
]);
afterAll(() => selfSigned.stop());

describe('outgoing server certificate', () => {
  it('shows the refused certificate on the failed message, and sends once it is trusted', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const me = createDovecotUser();
    const host = await session.startHost(['--data', tempDir('e2e-outgoing-cert'), '--port', '0', '--no-server', '--undo-seconds', '0']);
    const page = await (await session.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    await page.goto(host.url);
    await poll(() => page.getByTestId('connection').textContent()).toBe('Connected');
    const added = await callApiFromPage(page, 'accounts.add', {
      name: 'Me',
      email: `${me.user}@example.test`,
      incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user: me.user, password: me.password },
      outgoing: { host: '127.0.0.1', port: selfSigned.port, tls: 'tls' },
    });
    expect(added.ok).toBe(true);
    const accountId = (added.result as { id: string }).id;
    const sent = await callApiFromPage(page, 'outbox.send', {
      accountId,
      to: 'sam@example.test',
      subject: 'Through a self-signed server',
      text: 'Hello.',
    });
    expect(sent.ok).toBe(true);

    // Refused for the certificate: the outbox shows what the server presents.
    const cert = page.getByTestId('outbox-certificate');
    await poll(() => cert.count(), 60_000).toBe(1);
    const fingerprint = new X509Certificate(readFileSync(dovecot.caCertPath)).fingerprint256;
    expect(await cert.getByTestId('cert-fingerprint').textContent()).toBe(fingerprint);
    expect(await page.getByTestId('outbox').textContent()).toContain('certificate is not trusted: self-signed certificate');
    expect(await page.getByTestId('outbox').textContent()).not.toContain('--use-system-ca');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: path.join(SHOTS, `outbox-certificate-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(selfSigned.received()).toHaveLength(0);

    // Trusted: pinned on the account, and the message goes.
    await cert.getByTestId('trust-certificate').click();
    await poll(() => selfSigned.received().length, 60_000).toBe(1);
    expect(selfSigned.received()[0]!.eml.toString()).toContain('Through a self-signed server');
    const accounts = await callApiFromPage(page, 'accounts.list', {});
    expect((accounts.result as Array<{ outgoing?: { trustedFingerprint256?: string } }>)[0]!.outgoing?.trustedFingerprint256).toBe(fingerprint);
    await poll(() => page.getByTestId('outbox-certificate').count()).toBe(0);
  }, 180_000);
});
