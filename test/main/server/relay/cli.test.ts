// `hearth serve` with the relay options, end to end as separate processes: swaks submits, the
// relay finds the MX through a DNS server on loopback (--resolver), delivers to an aiosmtpd peer
// (--relay-port), and `hearth queue list|retry|delete` and `hearth dns` work against the running server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startDnsServer } from '../../../support/dns-server.ts';
import { startOwnSmtpPeer, type SmtpPeer } from '../../../support/peers.ts';
import { runHearth, startHearthServe, type ServeProcess } from '../../../support/hearth-cli.ts';
import { swaks as runSwaks, swaksLogin } from '../../../support/swaks.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { waitFor } from '../../../support/wait.ts';

let peer: SmtpPeer;
let dns: Awaited<ReturnType<typeof startDnsServer>>;
let server: ServeProcess | undefined;
let submissionPort = 0;
let smtpPort = 0;
const data = tempDir('cli');

function hearth(...args: string[]) {
  return runHearth([...args, '--data', data]);
}

/** swaks as alice over STARTTLS with AUTH PLAIN on the submission port, unless `raw`; returns what it printed. */
async function swaks(args: string[], raw = false): Promise<string> {
  const login = ['--server', `127.0.0.1:${submissionPort}`, '-tls', ...swaksLogin('PLAIN', 'alice@home.arpa', 'pw-alice-123'), '--from', 'alice@home.arpa'];
  return (await runSwaks(raw ? args : [...login, ...args])).out;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

beforeAll(async () => {
  // 451 at DATA once per (sender, recipients), then 250
  peer = startOwnSmtpPeer('cli', 'flaky', 10051, ['--flaky-n', '1', '--spool', '/tmp/hearth-peers/relay-cli/spool']);
  dns = await startDnsServer({ mx: { 'far.test': [{ priority: 10, exchange: 'mx.far.test' }] }, a: { 'mx.far.test': ['127.0.0.1'] } });
  expect(await hearth('user', 'add', 'alice@home.arpa', '--password', 'pw-alice-123')).toMatchObject({ code: 0 });
  server = await startHearthServe(
    data,
    { submission: 0, smtp: 0 },
    { args: ['--hostname', 'mail.home.arpa', '--resolver', `127.0.0.1:${dns.port}`, '--relay-port', String(peer.port)] },
  );
  submissionPort = server.ports.submission!;
  smtpPort = server.ports.smtp!;
});

afterAll(async () => {
  await server?.stop();
  await dns?.close();
  peer?.stop();
});

describe('hearth serve with the relay, and hearth queue / dns', () => {
  it('relays through the MX found by --resolver, lists the deferral, retries on request', async () => {
    const out = await swaks(['--to', 'friend@far.test', '--h-Subject', 'cli relay']);
    const id = /250 2\.0\.0 Ok: queued as (\S+)/.exec(out)![1]!;
    // Delivery (and with it the MX lookup) starts after the 250: wait for it, then check it.
    await waitFor(() => dns.queries.includes('15 far.test'), 15_000, 'MX query');
    expect(dns.queries).toContain('15 far.test'); // MX over UDP to our server, nothing else
    await waitFor(async () => (await hearth('queue', 'list')).stdout.includes('451 4.3.0 Try again'), 15_000, 'deferral listed');
    const listed = (await hearth('queue', 'list')).stdout;
    expect(listed).toContain(`${id}`);
    expect(listed).toMatch(/<friend@far\.test> {2}deferred, 1 attempt\(s\), next try in \d+m: 451 4\.3\.0 Try again/);
    const json = JSON.parse((await hearth('queue', 'list', '--json')).stdout);
    expect(json.messages[0]).toMatchObject({ id, from: 'alice@home.arpa', recipients: [{ address: 'friend@far.test', state: 'deferred', attempts: 1 }] });

    const retry = await hearth('queue', 'retry', id);
    expect(retry.stdout).toBe(`retrying 1 recipient(s) of ${id}\n`);
    await waitFor(() => peer.received().some((r) => r.eml.includes('Subject: cli relay')), 15_000, 'delivery after retry');
    await waitFor(async () => (await hearth('queue', 'list')).stdout === 'queue is empty\n', 15_000, 'queue empty');
    const got = peer.received().find((r) => r.eml.includes('Subject: cli relay'))!;
    expect(got.eml.toString()).toMatch(/^DKIM-Signature: .*d=home\.arpa;/m);
  });

  it('deletes a message with a reason and bounces it to the sender', async () => {
    const out = await swaks(['--to', 'other@far.test', '--h-Subject', 'to be deleted']);
    const id = /queued as (\S+)/.exec(out)![1]!;
    await waitFor(async () => (await hearth('queue', 'list')).stdout.includes(id), 15_000, 'queued');
    await waitFor(async () => /deferred, 1 attempt/.test((await hearth('queue', 'list')).stdout), 15_000, 'deferred');
    const del = await hearth('queue', 'delete', id, '--reason', 'sent by mistake', '--bounce');
    expect(del.stdout).toBe(`deleted ${id} (sender notified): sent by mistake\n`);
    expect(await hearth('queue', 'delete', id)).toMatchObject({ code: 1, stderr: expect.stringContaining(`no queued message ${id}`) });
    // the DSN lands in alice's mailbox on disk
    const mailDir = path.join(data, 'mail');
    await waitFor(
      () =>
        allFiles(mailDir).some(
          (f) => statSync(f).size < 1e6 && readFileSync(f, 'latin1').includes('Removed from the queue by the administrator: sent by mistake'),
        ),
      15_000,
      'DSN delivered',
    );
    expect(peer.received().some((r) => r.eml.includes('Subject: to be deleted'))).toBe(false);
  });

  it('is no open relay on any port: unauthenticated mail to a foreign domain is refused (swaks)', async () => {
    for (const port of [smtpPort, submissionPort]) {
      const out = await swaks(
        ['--server', `127.0.0.1:${port}`, '--from', 'someone@elsewhere.test', '--to', 'victim@far.test', '--h-Subject', 'open relay probe'],
        true,
      );
      expect(out).toMatch(/<\*\* 5\d\d /);
      expect(out).not.toMatch(/<- {1,2}250 .*queued/i);
    }
    // and nothing of it reached the remote domain's server
    await new Promise((r) => setTimeout(r, 300));
    expect(peer.received().some((r) => r.eml.includes('open relay probe'))).toBe(false);
    // (the message of the test before leaves the queue once delivered)
    await waitFor(async () => (await hearth('queue', 'list')).stdout === 'queue is empty\n', 15_000, 'empty queue');
    expect((await hearth('queue', 'list')).stdout).toBe('queue is empty\n');
    expect(peer.received().some((r) => r.eml.includes('open relay probe'))).toBe(false);
  });

  it('prints the DNS records with the DKIM key the server signs with', async () => {
    const { stdout } = await hearth('dns');
    expect(stdout).toContain('home.arpa.\tIN\tMX\t10 mail.home.arpa.');
    expect(stdout).toMatch(/^hearth\._domainkey\.home\.arpa\.\tIN\tTXT\t"v=DKIM1; k=rsa; p=/m);
    expect(stdout).toMatch(/^_dmarc\.home\.arpa\.\tIN\tTXT\t"v=DMARC1;/m);
    // Without a domain (a data folder never served, no --domain): one clear error.
    const none = await runHearth(['dns', '--data', tempDir('cli-dns-none')]);
    expect(none).toMatchObject({ code: 1, stderr: 'hearth: no domain: run `hearth serve` once or pass --domain NAME\n' });
    const { stderr: usage, code } = await hearth('queue', 'nonsense');
    expect(code).toBe(2);
    expect(usage).toContain('queue list [--json]');
  });
});
