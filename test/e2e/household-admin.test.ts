// The household admin screen in Chromium against the browser host with its household server:
// add a user, set the password and log in with it over IMAP (python imaplib), set a quota, add an
// alias and deliver to it with swaks, check DNS against a loopback DNS server, remove the user.
// Then the Outgoing mail and Certificate sections with real peers: a smarthost (STARTTLS + AUTH,
// aiosmtpd) set in the form relays a message, removed again mail goes to the domain's MX; an ACME
// certificate from Pebble that failed at start is issued with "Issue now".
// Screenshots of every section, light and dark, at 1024x700 in test-results/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../support/web-host-process.ts';
import { browserSession } from '../support/browser-session.ts';
import { startDnsServer } from '../support/dns-server.ts';
import { swaks } from '../support/swaks.ts';
import { tempDir } from '../support/temp-dir.ts';
import { poll } from '../support/wait.ts';
import { DOVECOT_STATE, dovecot, startOwnSmtpPeer } from '../support/peers.ts';
import { startPebble } from '../support/pebble.ts';
import { freePort } from '../support/ports.ts';
import { AcmeStore } from '../../src/main/server/acme/store.ts';

const slowPoll = <T>(read: () => Promise<T> | T) => poll(read, 30_000);
const session = browserSession();
let dns: Awaited<ReturnType<typeof startDnsServer>> | null = null;

beforeAll(async () => {
  mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  // DNS publishes the MX right and an SPF with another value; DKIM and DMARC are missing.
  dns = await startDnsServer({ mx: { 'home.arpa': [{ priority: 10, exchange: 'mail.home.arpa' }] }, txt: { 'home.arpa': ['v=spf1 a -all'] } });
});
afterAll(async () => {
  await dns?.close();
});

/** Logs in over plain IMAP on loopback with python's imaplib; returns the INBOX subjects. */
function imapSubjects(port: number, user: string, password: string): string[] {
  const script = `
import imaplib, sys, json, email
m = imaplib.IMAP4('127.0.0.1', ${port})
m.login(sys.argv[1], sys.argv[2])
m.select('INBOX')
typ, data = m.search(None, 'ALL')
out = []
for n in data[0].split():
    typ, d = m.fetch(n, '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
    out.append(email.message_from_bytes(d[0][1])['Subject'])
m.logout()
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, user, password], { encoding: 'utf8', timeout: 30_000 })) as string[];
}

function imapLoginFails(port: number, user: string, password: string): boolean {
  try {
    imapSubjects(port, user, password);
    return false;
  } catch (e) {
    // imaplib raises IMAP4.error for a NO to LOGIN (a refused connection would be another error).
    return String((e as { stderr?: string }).stderr).includes('IMAP4.error');
  }
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(ROOT, `test-results/admin-${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('household admin screen', () => {
  it('manages users, aliases, domains and shows DNS, end to end with IMAP and SMTP', { timeout: 300_000 }, async () => {
    const dataDir = tempDir('admin-e2e');
    const host = await session.startHost([
      '--data',
      dataDir,
      '--port',
      '0',
      '--ephemeral-server-ports',
      '--dns-resolver',
      `127.0.0.1:${dns!.port}`,
      '--no-welcome',
    ]);
    const ports = Object.fromEntries([...host.output().matchAll(/(\w+) (\d+)(?=,|\n)/g)].map((m) => [m[1]!, Number(m[2])]));
    expect(ports.imap).toBeGreaterThan(0);
    expect(ports.smtp).toBeGreaterThan(0);
    const context = await session.browser.newContext({ viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();
    await page.goto(host.url);
    await slowPoll(() => page.getByTestId('message-row').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Server', exact: true }).click();
    const screen = page.getByRole('dialog', { name: 'Household server' });
    await slowPoll(() => screen.textContent()).toContain('Mail for home.arpa');
    await slowPoll(() => page.getByTestId('user-row').count()).toBe(1); // the demo user

    // Add a user: the form refuses a short password before asking the server.
    await page.getByLabel('Address', { exact: true }).fill('ann@home.arpa');
    await page.getByLabel('Name (optional)').fill('Ann');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password again').fill('short');
    expect(await page.getByRole('button', { name: 'Add user' }).isDisabled()).toBe(true);
    await page.getByLabel('Password', { exact: true }).fill('first password');
    await page.getByLabel('Password again').fill('first password');
    await page.getByRole('button', { name: 'Add user' }).click();
    await slowPoll(() => page.getByTestId('user-row').count()).toBe(2);
    // A duplicate comes back as the server's error, next to the form.
    await page.getByLabel('Address', { exact: true }).fill('ann@home.arpa');
    await page.getByLabel('Password', { exact: true }).fill('other password');
    await page.getByLabel('Password again').fill('other password');
    await page.getByRole('button', { name: 'Add user' }).click();
    await slowPoll(() => page.getByRole('alert').textContent()).toBe('User ann@home.arpa already exists');
    expect(imapSubjects(ports.imap!, 'ann@home.arpa', 'first password')).toEqual([]);

    // Set the password, confirmed by typing it twice; the old one stops working.
    await page.getByRole('button', { name: 'Set password of ann@home.arpa' }).click();
    await page.getByLabel('New password', { exact: true }).fill('second password');
    await page.getByLabel('Again', { exact: true }).fill('second password');
    await shoot(page, 'users');
    await page.getByRole('button', { name: 'Set password', exact: true }).click();
    await slowPoll(() => page.getByLabel('New password', { exact: true }).count()).toBe(0);
    expect(imapSubjects(ports.imap!, 'ann@home.arpa', 'second password')).toEqual([]);
    expect(imapLoginFails(ports.imap!, 'ann@home.arpa', 'first password')).toBe(true);

    // A quota, shown as a usage bar.
    await page.getByRole('button', { name: 'Set quota of ann@home.arpa' }).click();
    await page.getByLabel('Storage limit (500M, 2G, or empty for none)').fill('50M');
    await page.getByRole('button', { name: 'Set quota', exact: true }).click();
    await slowPoll(() => page.getByTestId('user-row').filter({ hasText: 'ann@home.arpa' }).textContent()).toContain('of 50 MB');

    // An alias delivering to Ann; swaks sends to it and Ann finds it over IMAP.
    await page.getByRole('tab', { name: 'Aliases' }).click();
    await page.getByLabel('Alias address').fill('family@home.arpa');
    await page.getByLabel('Delivers to (users, comma-separated)').fill('ann@home.arpa');
    await page.getByRole('button', { name: 'Add alias' }).click();
    await slowPoll(() => page.getByTestId('alias-row').textContent()).toContain('family@home.arpa');
    await shoot(page, 'aliases');
    const sent = await swaks([
      '--server',
      '127.0.0.1',
      '--port',
      String(ports.smtp),
      '--to',
      'family@home.arpa',
      '--from',
      'grandma@example.net',
      '--h-Subject',
      'To the family',
      '--body',
      'Hello all',
    ]);
    expect(sent.code, sent.out).toBe(0);
    await slowPoll(() => imapSubjects(ports.imap!, 'ann@home.arpa', 'second password')).toEqual(['To the family']);
    // Usage now counts the message.
    await page.getByRole('tab', { name: 'Users' }).click();
    await slowPoll(() => page.getByTestId('user-row').filter({ hasText: 'ann@home.arpa' }).textContent()).not.toContain('0 B of');

    // Domains: add one, remove it again; keyboard moves between the tabs.
    await page.getByRole('tab', { name: 'Users' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('tab', { name: 'Domains' }).getAttribute('aria-selected')).toBe('true');
    await page.getByLabel('Domain name').fill('family.example');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await slowPoll(() => page.getByTestId('domain-row').count()).toBe(2);
    await shoot(page, 'domains');
    await page.getByRole('button', { name: 'Remove domain family.example' }).click();
    await slowPoll(() => page.getByTestId('domain-row').count()).toBe(1);

    // DNS: the MX is published (✓), the SPF differs (✗ with what DNS says), DKIM and DMARC are
    // missing; so are the 12 device-discovery records (SRV, autoconfig names, MTA-STS, TLS-RPT).
    await page.getByRole('tab', { name: 'DNS' }).click();
    await slowPoll(() => page.getByTestId('dns-state').count()).toBe(16);
    const states = await page.getByTestId('dns-state').allTextContents();
    for (const s of states.slice(4)) expect(s).toMatch(/^✗ Missing/);
    expect(states[0]).toMatch(/^✓ Published/);
    expect(states[1]).toContain('✗ Different value');
    expect(states[1]).toContain('v=spf1 a -all');
    expect(states[2]).toMatch(/^✗ Missing/);
    expect(states[3]).toMatch(/^✗ Missing/);
    await shoot(page, 'dns');
    await page.getByRole('button', { name: 'Check again' }).click();
    await slowPoll(() => page.getByTestId('dns-state').count()).toBe(16);

    for (const [tab, name] of [
      ['Certificate', 'certificate'],
      ['Listeners', 'listeners'],
      ['Outgoing mail', 'outgoing'],
    ] as const) {
      await page.getByRole('tab', { name: tab }).click();
      await slowPoll(() => page.getByRole('tabpanel').textContent()).toContain(
        tab === 'Outgoing mail' ? 'Nothing waiting.' : tab === 'Listeners' ? 'imaps' : 'Encrypted listeners presenting it',
      );
      await shoot(page, name);
    }

    // Remove Ann, after confirming; her login stops working.
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Remove ann@home.arpa' }).click();
    await page.getByRole('button', { name: 'Yes, remove ann@home.arpa' }).click();
    await slowPoll(() => page.getByTestId('user-row').count()).toBe(1);
    expect(imapLoginFails(ports.imap!, 'ann@home.arpa', 'second password')).toBe(true);
    await page.keyboard.press('Escape');
    await slowPoll(() => screen.count()).toBe(0);
    await context.close();
  });

  it('sets and removes the smarthost, and issues the ACME certificate, from the app', { timeout: 300_000 }, async () => {
    const PASSWORD = 'relay-secret-e2e';
    const tls = ['--tls-cert', dovecot.caCertPath, '--tls-key', path.join(DOVECOT_STATE, 'ssl/key.pem')];
    const smarthost = startOwnSmtpPeer('admin-e2e-smarthost', 'accept', 10082, [...tls, '--auth', `relayuser:${PASSWORD}`]);
    const mx = startOwnSmtpPeer('admin-e2e-mx', 'accept', 10083);
    const pebble = await startPebble({ httpPort: await freePort(), tlsPort: await freePort() });
    // The relay asks this DNS server for every name, the smarthost's too.
    const mxDns = await startDnsServer({
      mx: { 'far.example': [{ priority: 10, exchange: 'mx.far.example' }] },
      a: { 'mx.far.example': ['127.0.0.1'], localhost: ['127.0.0.1'] },
    });
    const dataDir = tempDir('admin-e2e-out');
    // ACME settings as `hearth cert issue` leaves them; Pebble cannot reach the name yet (no A record).
    await new AcmeStore(path.join(dataDir, 'server')).writeSettings({
      directoryUrl: pebble.directoryUrl,
      caFile: pebble.caFile,
      domains: ['admin.hearth.test'],
      challenge: 'http-01',
      httpPort: pebble.httpPort,
      challengeHost: '127.0.0.1',
    });
    const app = await session.startHost([
      '--data',
      dataDir,
      '--port',
      '0',
      '--ephemeral-server-ports',
      '--dns-resolver',
      `127.0.0.1:${mxDns.port}`,
      '--relay-port',
      String(mx.port),
      '--undo-seconds',
      '0',
      '--no-welcome',
    ]);
    const context = await session.browser.newContext({ viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();
    const send = async (subject: string) => {
      await page.getByTestId('compose').click();
      await page.getByTestId('compose-to').fill('friend@far.example');
      await page.getByTestId('compose-subject').fill(subject);
      await page.getByTestId('compose-body').fill('Hello from the household.');
      await page.getByTestId('compose-send').click();
    };
    const arrived = (peer: typeof mx, subject: string) => peer.received().some((m) => m.eml.toString().includes(`Subject: ${subject}`));
    try {
      await page.goto(app.url);
      await slowPoll(() => page.getByTestId('message-row').count()).toBeGreaterThan(0);
      const openOutgoing = async () => {
        await page.getByRole('button', { name: 'Server', exact: true }).click();
        await page.getByRole('tab', { name: 'Outgoing mail' }).click();
        await slowPoll(() => page.getByTestId('smarthost-status').textContent()).toContain('No smarthost');
      };
      await openOutgoing();

      // The form checks before asking: no TLS needs the explicit allowance.
      await page.getByLabel('Host name').fill('localhost');
      await page.getByLabel('Encryption').selectOption('none');
      expect(await page.getByLabel('Port', { exact: true }).inputValue()).toBe('25');
      expect(await page.getByRole('button', { name: 'Save smarthost' }).isDisabled()).toBe(true);
      await page.getByLabel('Encryption').selectOption('starttls');
      await page.getByLabel('Port', { exact: true }).fill(String(smarthost.port));
      await page.getByLabel('User name (optional)').fill('relayuser');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel(/^CA certificate/).fill(readFileSync(dovecot.caCertPath, 'utf8'));
      await page.getByRole('button', { name: 'Save smarthost' }).click();
      await slowPoll(() => page.getByTestId('smarthost-status').textContent()).toBe(`localhost:${smarthost.port} · TLS starttls · login relayuser · own CA`);
      // The password never comes back: the field is empty, saying one is stored.
      expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
      expect(await page.getByLabel('Password', { exact: true }).getAttribute('placeholder')).toBe('stored: empty keeps it');
      await shoot(page, 'outgoing-smarthost');

      await page.keyboard.press('Escape');
      await send('Through the smarthost');
      await slowPoll(() => arrived(smarthost, 'Through the smarthost')).toBe(true);
      expect(smarthost.events().filter((e) => e.ev === 'auth' && e.ok === true).length).toBe(1);
      expect(arrived(mx, 'Through the smarthost')).toBe(false);

      // Removed: straight to far.example's MX again.
      await page.getByRole('button', { name: 'Server', exact: true }).click();
      await page.getByRole('tab', { name: 'Outgoing mail' }).click();
      await page.getByRole('button', { name: 'Remove smarthost' }).click();
      await slowPoll(() => page.getByTestId('smarthost-status').textContent()).toContain('No smarthost');
      await page.keyboard.press('Escape');
      await send('Straight to the MX');
      await slowPoll(() => arrived(mx, 'Straight to the MX')).toBe(true);
      expect(arrived(smarthost, 'Straight to the MX')).toBe(false);
      const log = readFileSync(path.join(dataDir, 'logs/hearth.log'), 'utf8');
      expect(log).toContain('relay: smarthost changed');
      expect(log).not.toContain(PASSWORD);

      // Certificate: the order at start failed (Pebble could not resolve the name): its reason shows.
      await page.getByRole('button', { name: 'Server', exact: true }).click();
      await page.getByRole('tab', { name: 'Certificate' }).click();
      await slowPoll(() => page.getByTestId('certificate-error').textContent()).toMatch(/^Issuing failed: Certificate for admin\.hearth\.test not issued: /);
      expect(await page.getByTestId('certificate-status').textContent()).toContain('Self-signed');
      await shoot(page, 'certificate-failed');
      await pebble.addA('admin.hearth.test');
      await page.getByRole('button', { name: 'Issue now' }).click();
      // (the reason of a failure, if any, is in the text read, for the assertion's message)
      await slowPoll(async () => `${await page.getByTestId('certificate-status').textContent()} ${await page.getByRole('tabpanel').textContent()}`).toContain(
        'From a certificate authority (ACME) for admin.hearth.test',
      );
      expect(await page.getByTestId('certificate-status').textContent()).toContain('Issuer: CN=Pebble Intermediate');
      expect(await page.getByTestId('certificate-error').count()).toBe(0);
      await slowPoll(() => page.getByRole('button', { name: 'Renew now' }).isEnabled()).toBe(true);
      await shoot(page, 'certificate-acme');
    } finally {
      await context.close();
      await app.stop();
      await pebble.close();
      await mxDns.close();
      smarthost.stop();
      mx.stop();
    }
  });
});
