// ACME against Pebble (Let's Encrypt's test CA) on loopback: the household server issues its
// certificate with HTTP-01 and with TLS-ALPN-01, answered by its own challenge listeners; python3
// imaplib and swaks then verify IMAPS and submission with Pebble's root; a renewal with the clock
// moved past the renewal point swaps the certificate while an IMAP session opened before goes on.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { startHouseholdServer, type RunningHouseholdServer } from '../../../../src/main/server/household-server.ts';
import { addUser, loadOrCreateConfig } from '../../../../src/main/server/users/config.ts';
import { silentLogger } from '../../../../src/main/base/log.ts';
import { systemRenewalClock, type RenewalClock } from '../../../../src/main/server/acme/renewal.ts';

import type { AcmeSettings } from '../../../../src/main/server/acme/store.ts';
import { startPebble, type Pebble } from '../../../support/pebble.ts';
import { freePort } from '../../../support/ports.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { swaks, swaksLogin } from '../../../support/swaks.ts';
import { runHearth, startHearthServe } from '../../../support/hearth-cli.ts';
import { RawClient } from '../../../support/imap-raw-client.ts';
import { httpsRequest } from '../../../support/https-loopback.ts';
import { pollUntil } from '../../../support/wait.ts';
import { HouseholdAdmin } from '../../../../src/main/server/admin/household-admin.ts';
import { CertificateRenewer } from '../../../../src/main/server/acme/renewal.ts';
import { AcmeStore } from '../../../../src/main/server/acme/store.ts';

const run = promisify(execFile);
const USER = 'ann@hearth.test';
const PASSWORD = 'ann-secret-pw';

let pebble: Pebble;
let root: string;
let rootFile: string;
let dir: string;

/** A clock the test can move forward; timers run on the real one. */
function movableClock(): RenewalClock & { offsetMs: number } {
  const c = {
    offsetMs: 0,
    now: () => Date.now() + c.offsetMs,
    setTimer: systemRenewalClock.setTimer,
  };
  return c;
}

async function serve(
  name: string,
  settings: Omit<AcmeSettings, 'directoryUrl' | 'caFile' | 'httpPort' | 'tlsPort'>,
  clock: RenewalClock,
  https: number | null = null,
) {
  // A fresh folder each time, so a retried test does not meet the user its first try added.
  const dataDir = mkdtempSync(path.join(dir, `${name}-`));
  const server = await startHouseholdServer({
    dataDir,
    domain: 'hearth.test',
    log: silentLogger,
    ports: { smtp: null, imap: null, pop3: null, pop3s: null, imaps: 0, submission: 0, submissions: 0, https },
    acme: {
      settings: {
        directoryUrl: pebble.directoryUrl,
        caFile: pebble.caFile,
        httpPort: pebble.httpPort,
        tlsPort: pebble.tlsPort,
        challengeHost: '127.0.0.1',
        ...settings,
      },
      clock,
    },
  });
  await addUser(dataDir, USER, PASSWORD);
  await server.users.refresh();
  return server;
}

/** Runs `fn` on a fresh server (see serve) and closes it whatever happens. */
async function withServer(
  name: string,
  settings: Parameters<typeof serve>[1],
  fn: (server: RunningHouseholdServer, clock: ReturnType<typeof movableClock>) => Promise<void>,
  https: number | null = null,
): Promise<void> {
  const clock = movableClock();
  const server = await serve(name, settings, clock, https);
  try {
    await fn(server, clock);
  } finally {
    await server.close();
  }
}

const portOf = (s: RunningHouseholdServer, name: string) => s.listeners.find((l) => l.name === name)!.port;

/** python3 imaplib over implicit TLS, verifying the certificate with Pebble's root for `servername`. */
async function imaplibLogin(port: number, servername: string): Promise<{ fingerprint: string; login: string }> {
  const script = `
import imaplib, socket, ssl, sys, json, hashlib
name, port, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=root)
class Imaps(imaplib.IMAP4_SSL):
    def _create_socket(self, timeout):
        return self.ssl_context.wrap_socket(socket.create_connection(('127.0.0.1', port), timeout), server_hostname=name)
c = Imaps(name, port, ssl_context=ctx)
der = c.sock.getpeercert(binary_form=True)
typ, _ = c.login(sys.argv[4], sys.argv[5])
c.logout()
print(json.dumps({'fingerprint': hashlib.sha256(der).hexdigest(), 'login': typ}))
`;
  const { stdout } = await run('/usr/bin/python3', ['-c', script, servername, String(port), rootFile, USER, PASSWORD]);
  return JSON.parse(stdout) as { fingerprint: string; login: string };
}

/** "AB:CD:…" as python's hashlib and our comparison want it: "abcd…". */
const hex = (fingerprint256: string) => fingerprint256.replace(/:/g, '').toLowerCase();
const hexFingerprint = (pem: string) => hex(new X509Certificate(pem).fingerprint256);

beforeAll(async () => {
  dir = tempDir('acme');
  pebble = await startPebble({ httpPort: await freePort(), tlsPort: await freePort() });
  for (const host of ['mail.hearth.test', 'alpn.hearth.test', 'renew.hearth.test', 'cli.hearth.test', 'shared.hearth.test', 'now.hearth.test'])
    await pebble.addA(host);
  root = await pebble.root();
  rootFile = path.join(dir, 'pebble-root.pem');
  writeFileSync(rootFile, root);
}, 30_000);

afterAll(async () => {
  await pebble?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ACME with Pebble', () => {
  it('issues with HTTP-01; IMAPS verifies with the root (imaplib), files are private', async () => {
    await withServer('http01', { domains: ['mail.hearth.test'], challenge: 'http-01' }, async (server) => {
      await server.certificateRenewer.checkNow();
      const status = server.certificateStatus();
      expect(status.acme?.lastError ?? null).toBeNull();
      expect(status.source).toBe('acme');
      expect(status.subjectNames).toEqual(['mail.hearth.test']);
      expect(status.issuer).toMatch(/Pebble/);
      expect(status.fingerprint256).not.toBe(status.fallbackFingerprint256);
      expect(status.acme?.renewAt).toBeGreaterThan(Date.now());

      const seen = await imaplibLogin(portOf(server, 'imaps'), 'mail.hearth.test');
      expect(seen).toEqual({ fingerprint: hex(status.fingerprint256), login: 'OK' });

      const acmeDir = path.join(server.dataDir, 'acme');
      for (const f of ['account.key', 'account.json', 'key.pem']) expect(statSync(path.join(acmeDir, f)).mode & 0o777).toBe(0o600);
      expect(hexFingerprint(readFileSync(path.join(acmeDir, 'cert.pem'), 'utf8'))).toBe(seen.fingerprint);
    });
  });

  it('issues with TLS-ALPN-01; submission STARTTLS and submissions verify with the root (swaks)', async () => {
    await withServer('alpn', { domains: ['alpn.hearth.test'], challenge: 'tls-alpn-01' }, async (server) => {
      await server.certificateRenewer.checkNow();
      const status = server.certificateStatus();
      expect(status.acme?.lastError ?? null).toBeNull();
      expect(status.source).toBe('acme');
      expect(status.subjectNames).toEqual(['alpn.hearth.test']);
      for (const [listener, mode] of [
        ['submission', '--tls'],
        ['submissions', '--tls-on-connect'],
      ] as const) {
        const peerCert = path.join(dir, `peer-${listener}.pem`);
        const r = await swaks([
          '--server',
          `127.0.0.1:${portOf(server, listener)}`,
          mode,
          '--tls-verify',
          '--tls-ca-path',
          rootFile,
          '--tls-sni',
          'alpn.hearth.test',
          '--tls-get-peer-cert',
          peerCert,
          '--from',
          USER,
          '--to',
          USER,
          ...swaksLogin('PLAIN', USER, PASSWORD),
        ]);
        expect(r.out).toMatch(/<~ {1,2}250 /);
        expect(r.code).toBe(0);
        expect(hexFingerprint(readFileSync(peerCert, 'utf8'))).toBe(hex(status.fingerprint256));
      }
    });
  });

  it('answers TLS-ALPN-01 on the HTTPS autoconfig listener itself (one port, routed by ALPN), which then serves the new certificate', async () => {
    // The HTTPS listener holds Pebble's TLS-ALPN-01 port: no second listener could bind it.
    await withServer(
      'alpn-shared',
      { domains: ['shared.hearth.test'], challenge: 'tls-alpn-01' },
      async (server) => {
        await server.certificateRenewer.checkNow();
        const status = server.certificateStatus();
        expect(status.acme?.lastError ?? null).toBeNull();
        expect(status.source).toBe('acme');
        expect(portOf(server, 'https')).toBe(pebble.tlsPort);
        const r = await httpsRequest('https://shared.hearth.test/.well-known/autoconfig/mail/config-v1.1.xml', { ca: root, ports: { 443: pebble.tlsPort } });
        expect(r.status).toBe(200);
        expect(r.body).toContain('<clientConfig');
      },
      pebble.tlsPort,
    );
  });

  it('"Issue / renew now" through the admin API: answers at once, shows the step, then a new certificate though none was due', async () => {
    const noSettings = new HouseholdAdmin({
      dataDir: path.join(dir, 'none'),
      store: null as never,
      certificate: {
        status: () => null as never,
        renewNow: () => new CertificateRenewer({ store: new AcmeStore(path.join(dir, 'none')), log: silentLogger, onCertificate: () => {} }).renewNow(),
      },
    });
    expect(() => noSettings.renewCertificate()).toThrow(/No ACME settings yet: issue the first certificate with `hearth cert issue/);

    await withServer('now', { domains: ['now.hearth.test'], challenge: 'http-01' }, async (server) => {
      const admin = new HouseholdAdmin({
        dataDir: server.dataDir,
        store: server.store,
        certificate: { status: () => server.certificateStatus(), renewNow: () => server.certificateRenewer.renewNow() },
      });
      // The check at start may be under way: the forced issuance comes after it.
      const steps = new Set<string>();
      const first = admin.renewCertificate();
      expect(first.acme).toMatchObject({ renewing: true, domains: ['now.hearth.test'] });
      // Read every 2 ms: against a local Pebble a step can last less than pollUntil's usual 50.
      const done = await pollUntil(
        () => {
          const s = server.certificateStatus();
          if (s.acme?.progress) steps.add(s.acme.progress);
          return s;
        },
        (s) => !s.acme!.renewing,
        60_000,
        2,
      );
      expect(done.source).toBe('acme');
      expect(done.acme).toMatchObject({ lastError: null, progress: null });
      expect(
        [...steps].some((x) =>
          /^ordering a certificate for now\.hearth\.test from 127\.0\.0\.1:\d+$|^answering the http-01 challenge for now\.hearth\.test$|^validated; finalizing/.test(
            x,
          ),
        ),
        `steps seen: ${[...steps].join(' | ')}`,
      ).toBe(true);

      // Not due for months: issued anyway.
      expect(admin.renewCertificate().acme?.renewing).toBe(true);
      const again = await pollUntil(
        () => server.certificateStatus(),
        (s) => !s.acme!.renewing,
        60_000,
      );
      expect(again.acme?.lastError).toBeNull();
      expect(again.fingerprint256).not.toBe(done.fingerprint256);
      expect(hexFingerprint(readFileSync(path.join(server.dataDir, 'acme/cert.pem'), 'utf8'))).toBe(hex(again.fingerprint256));
    });
  });

  it('renews when the clock passes two thirds of the lifetime; an IMAP session opened before stays usable', async () => {
    await withServer('renew', { domains: ['renew.hearth.test'], challenge: 'http-01' }, async (server, clock) => {
      await server.certificateRenewer.checkNow();
      const first = server.certificateStatus();
      expect(first.source).toBe('acme');

      // An IMAPS session, logged in, with the first certificate.
      const old = tls.connect({ host: '127.0.0.1', port: portOf(server, 'imaps'), servername: 'renew.hearth.test', ca: root });
      await new Promise((r) => old.once('secureConnect', r));
      expect(old.getPeerX509Certificate()!.fingerprint256).toBe(first.fingerprint256);
      const session = new RawClient(old);
      await session.until(/\* OK/);
      expect(await session.cmd('a', `LOGIN "${USER}" "${PASSWORD}"`)).toMatch(/a OK/);

      // Nothing to do before the renewal point…
      await server.certificateRenewer.checkNow();
      expect(server.certificateStatus().fingerprint256).toBe(first.fingerprint256);
      // …and a new certificate after it.
      clock.offsetMs = first.acme!.renewAt! - Date.now() + 60_000;
      await server.certificateRenewer.checkNow();
      const second = server.certificateStatus();
      expect(second.acme?.lastError ?? null).toBeNull();
      expect(second.fingerprint256).not.toBe(first.fingerprint256);
      // Pebble dates certificates by its own clock in whole seconds: two issuances within one
      // second end alike; the new fingerprint above is what shows the swap.
      expect(second.notAfter).toBeGreaterThanOrEqual(first.notAfter);

      const seen = await imaplibLogin(portOf(server, 'imaps'), 'renew.hearth.test');
      expect(seen.fingerprint).toBe(hex(second.fingerprint256));
      // smtp-server's STARTTLS too (updateSecureContext).
      const peerCert = path.join(dir, 'peer-renewed.pem');
      const starttls = await swaks([
        '--server',
        `127.0.0.1:${portOf(server, 'submission')}`,
        '--tls',
        '--tls-verify',
        '--tls-ca-path',
        rootFile,
        '--tls-sni',
        'renew.hearth.test',
        '--tls-get-peer-cert',
        peerCert,
        '--quit-after',
        'TLS',
      ]);
      expect(starttls.code).toBe(0);
      expect(hexFingerprint(readFileSync(peerCert, 'utf8'))).toBe(hex(second.fingerprint256));
      expect(await session.cmd('b', 'SELECT INBOX')).toMatch(/b OK/);
      expect(await session.cmd('c', 'NOOP')).toMatch(/c OK/);
      session.close();
    });
  });

  it('a failed order keeps the fallback, shows the CA reason, retries later and issues once the name resolves', async () => {
    // No A record for this name: Pebble cannot reach the challenge.
    await withServer('fail', { domains: ['nowhere.hearth.test'], challenge: 'http-01' }, async (server, clock) => {
      await server.certificateRenewer.checkNow();
      const status = server.certificateStatus();
      expect(status.source).toBe('self-signed');
      expect(status.fingerprint256).toBe(server.tls.fingerprint256);
      expect(status.acme?.lastError).toMatch(/nowhere\.hearth\.test/);
      expect(status.acme?.nextCheckAt).toBeGreaterThan(clock.now());
      // Once the name resolves, the next attempt (with the account the failed one registered) issues.
      await pebble.addA('nowhere.hearth.test');
      await server.certificateRenewer.renewNow();
      expect(server.certificateStatus()).toMatchObject({ source: 'acme', subjectNames: ['nowhere.hearth.test'], acme: { lastError: null } });
    });
  });

  it("`hearth cert issue` with DNS-01 through the admin's hook; `cert status` and `hearth serve` show and serve it", async () => {
    const dataDir = path.join(dir, 'cli');
    // The hook publishes the TXT record in challtestsrv (Pebble's DNS), as a real one would at a DNS provider.
    const hook = path.join(dir, 'dns-hook.sh');
    const calls = path.join(dir, 'dns-hook.calls');
    writeFileSync(
      hook,
      `#!/bin/sh
echo "$1 $2" >> '${calls}'
case "$1" in
  add) exec curl -sf -X POST -d "{\\"host\\":\\"$2.\\",\\"value\\":\\"$3\\"}" ${pebble.challtestsrvUrl}/set-txt ;;
  remove) exec curl -sf -X POST -d "{\\"host\\":\\"$2.\\"}" ${pebble.challtestsrvUrl}/clear-txt ;;
esac
exit 1
`,
    );
    chmodSync(hook, 0o755);
    const issued = await runHearth([
      'cert',
      'issue',
      '--data',
      dataDir,
      '--acme-url',
      pebble.directoryUrl,
      '--ca',
      pebble.caFile,
      '--domain',
      'cli.hearth.test',
      '--challenge',
      'dns-01',
      '--dns-hook',
      hook,
    ]);
    expect(issued.stderr).toBe('');
    expect(issued.code).toBe(0);
    expect(issued.stdout).toMatch(/^issued cli\.hearth\.test by .*Pebble/m);
    expect(readFileSync(calls, 'utf8')).toBe('add _acme-challenge.cli.hearth.test\nremove _acme-challenge.cli.hearth.test\n');

    await loadOrCreateConfig(dataDir, 'hearth.test');
    await addUser(dataDir, USER, PASSWORD);
    const serving = await startHearthServe(dataDir, { imaps: 0 });
    try {
      const status = await runHearth(['cert', 'status', '--data', dataDir, '--json']);
      expect(status.code).toBe(0);
      const s = JSON.parse(status.stdout);
      expect(s).toMatchObject({ source: 'acme', subjectNames: ['cli.hearth.test'], acme: { challenge: 'dns-01', domains: ['cli.hearth.test'] } });
      expect(s.issuer).toMatch(/Pebble/);
      const text = await runHearth(['cert', 'status', '--data', dataDir]);
      expect(text.stdout).toContain(`fingerprint   SHA-256 ${s.fingerprint256}`);
      const seen = await imaplibLogin(serving.ports.imaps!, 'cli.hearth.test');
      expect(seen.fingerprint).toBe(hex(s.fingerprint256));
    } finally {
      await serving.stop();
    }
  }, 120_000);

  it('`hearth cert issue` refuses bad options with a clear message', async () => {
    const r = await runHearth(['cert', 'issue', '--data', path.join(dir, 'bad'), '--acme-url', 'http://insecure.example/dir', '--domain', 'x.hearth.test']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--acme-url: not an https URL/);
    const r2 = await runHearth([
      'cert',
      'issue',
      '--data',
      path.join(dir, 'bad'),
      '--acme-url',
      pebble.directoryUrl,
      '--domain',
      'x.hearth.test',
      '--challenge',
      'dns-01',
    ]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/dns-01 needs --dns-hook/);
  }, 120_000);
});
