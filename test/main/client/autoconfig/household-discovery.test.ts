// End to end: a Hearth household server for family.test publishes what `hearth dns` prints (served
// here by a DNS server on loopback, plus the A record of its host), and Hearth's client wing, given
// only ann@family.test and her password, discovers it (autoconfig over HTTPS first, RFC 6186 SRV
// records when there is none), adds the account and syncs INBOX. The client's resolver is the
// loopback DNS server; HTTPS to port 443 is mapped to the listener's port; nothing leaves loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as dnsPromises } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningHouseholdServer } from '../../../../src/main/server/household-server.ts';
import { deliverLocal } from '../../../../src/main/maildir/deliver-local.ts';
import type { DiscoveryDeps } from '../../../../src/main/client/autoconfig/discover.ts';
import { probeServer } from '../../../../src/main/client/autoconfig/probe.ts';
import type { HearthServices } from '../../../../src/main/client/hearth-services.ts';
import type { DiscoveryResult } from '../../../../src/shared/discovery.ts';
import { startDnsServer, type Zone } from '../../../support/dns-server.ts';
import { startFamilyServer } from '../../../support/household.ts';
import { runHearth } from '../../../support/hearth-cli.ts';
import { httpsRequest } from '../../../support/https-loopback.ts';
import { rfc822 } from '../../../support/messages.ts';
import { startServices } from '../../../support/services.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { pollUntil } from '../../../support/wait.ts';

const env = { ...process.env, HEARTH_SCRYPT_LN: '10', HEARTH_LOG_LEVEL: 'warn' };

let server: RunningHouseholdServer;
let ispdb: Server;
const closers: Array<() => Promise<unknown> | unknown> = [];
const port = (name: string) => server.listeners.find((l) => l.name === name)!.port;

/** The records `hearth dns` prints, as a zone for the test DNS server. */
function zoneFrom(text: string): Zone {
  const zone: Required<Pick<Zone, 'mx' | 'txt' | 'srv' | 'cname'>> = { mx: {}, txt: {}, srv: {}, cname: {} };
  for (const line of text.split('\n')) {
    const m = /^(\S+)\.\tIN\t(\w+)\t(.*)$/.exec(line);
    if (!m) continue;
    const [, name, type, value] = m as unknown as [string, string, string, string];
    const at = name.toLowerCase();
    if (type === 'MX') {
      const [priority, exchange] = value.split(' ');
      (zone.mx[at] ??= []).push({ priority: Number(priority), exchange: exchange! });
    } else if (type === 'TXT') (zone.txt[at] ??= []).push([...value.matchAll(/"([^"]*)"/g)].map((x) => x[1]).join(''));
    else if (type === 'SRV') {
      const [priority, weight, p, target] = value.split(' ');
      (zone.srv[at] ??= []).push({ priority: Number(priority), weight: Number(weight), port: Number(p), target: target! });
    } else if (type === 'CNAME') zone.cname[at] = value;
  }
  return zone;
}

/** What the admin publishes: `hearth dns` with the ports the world reaches (here the listeners' own), and the mail host's address. */
async function publishedZone(args: string[]): Promise<Zone> {
  const ports = server.listeners.flatMap((l) => [`--${l.name}-port`, String(l.port)]);
  const r = await runHearth(['dns', '--data', server.dataDir, '--hostname', 'mail.family.test', ...ports, ...args], { env });
  expect(r.stderr).toBe('');
  return { ...zoneFrom(r.stdout), a: { 'mail.family.test': ['127.0.0.1'] } };
}

/** A client's discovery network: the loopback DNS server as its resolver, HTTPS 443 mapped to the listener. Logs what it asks, in order. */
async function clientNetwork(zone: Zone): Promise<{ deps: Partial<DiscoveryDeps>; asked: string[] }> {
  const dns = await startDnsServer(zone);
  closers.push(() => dns.close());
  const resolver = new dnsPromises.Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${dns.port}`]);
  const asked: string[] = [];
  const lookup = async (host: string) => {
    const [address] = await resolver.resolve4(host);
    if (address !== '127.0.0.1') throw new Error(`${host} is not on loopback (${address})`);
    return address;
  };
  const ispdbBase = `http://127.0.0.1:${(ispdb.address() as AddressInfo).port}/v1.1/`;
  const deps: Partial<DiscoveryDeps> = {
    ispdbBase,
    fetchText: async (url) => {
      asked.push(`GET ${url.replace(/\?.*/, '')}`);
      const u = new URL(url);
      if (url.startsWith(ispdbBase)) {
        const r = await fetch(url);
        return r.ok ? r.text() : null;
      }
      if (u.protocol !== 'https:') return null; // no port 80 here
      try {
        await lookup(u.hostname);
        const r = await httpsRequest(url, { ca: server.tls.cert, ports: { 443: port('https') } });
        return r.status === 200 ? r.body : null;
      } catch {
        return null;
      }
    },
    resolveSrv: (name) => {
      asked.push(`SRV ${name}`);
      return resolver.resolveSrv(name);
    },
    resolveMx: (name) => resolver.resolveMx(name),
    lookup,
    // The real probe (greeting, STARTTLS, certificate for mail.family.test), trusting the household's certificate as its devices do.
    probe: (c) => probeServer(c, { lookup, timeoutMs: 5000, ca: server.tls.cert }),
  };
  return { deps, asked };
}

beforeAll(async () => {
  server = await startFamilyServer({ users: [{ address: 'ann@family.test', password: 'ann-secret', name: 'Ann' }] });
  await deliverLocal(
    server.store,
    ['ann@family.test'],
    rfc822({ from: 'Bo <bo@family.test>', to: 'ann@family.test', subject: 'Found you', body: 'Hello Ann' }),
  );
  // Thunderbird's ISPDB, which does not know family.test
  ispdb = createServer((_req, res) => res.writeHead(404).end()).listen(0, '127.0.0.1');
  await new Promise((r) => ispdb.once('listening', r));
});
afterAll(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  ispdb?.close();
  await server?.close();
});

async function setUpAccount(services: HearthServices, found: DiscoveryResult, lookup: (h: string) => Promise<string>): Promise<string> {
  const inc = found.incoming[0]!;
  const out = found.outgoing[0]!;
  // The app connects through the system resolver, which does not know family.test: the address
  // comes from the same loopback DNS the discovery used; the certificate is still checked for the IP.
  const added = await services.dispatch('accounts.add', {
    name: 'Ann',
    email: 'ann@family.test',
    incoming: {
      protocol: inc.protocol as 'imap',
      host: await lookup(inc.host),
      port: inc.port,
      tls: inc.tls,
      user: inc.user,
      password: 'ann-secret',
      caCert: server.tls.cert,
    },
    outgoing: { host: await lookup(out.host), port: out.port, tls: out.tls, user: out.user, password: 'ann-secret', caCert: server.tls.cert },
  });
  if (!added.ok) throw new Error(JSON.stringify(added.error));
  const accountId = (added.result as { id: string }).id;
  await services.dispatch('sync.now', { accountId });
  return accountId;
}

async function inboxSubjects(services: HearthServices, accountId: string): Promise<string[]> {
  const read = () => {
    const inbox = services.cache.mailboxes.list(accountId).find((m) => m.specialUse === 'inbox');
    return inbox ? services.cache.messages.page(inbox.id, 0, 10).messages.map((m) => m.subject) : [];
  };
  return pollUntil(read, (s) => s.length > 0, 20_000);
}

describe('discovering a Hearth household server from the address alone', () => {
  it('finds it by autoconfig.<domain> (HTTPS), sets up ann@family.test with her password, and syncs INBOX', async () => {
    const { deps, asked } = await clientNetwork(await publishedZone([]));
    const services = startServices(tempDir('discovery-client'), { discovery: deps });
    closers.push(() => services.close());
    const r = await services.dispatch('accounts.discover', { email: 'ann@family.test' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const found = r.result as DiscoveryResult;
    expect(found.source).toBe('autoconfig');
    expect(asked[0]).toBe('GET https://autoconfig.family.test/mail/config-v1.1.xml');
    expect(found.incoming.map((c) => [c.protocol, c.host, c.port, c.tls, c.user, c.probe.ok])).toEqual([
      ['imap', 'mail.family.test', port('imaps'), 'tls', 'ann@family.test', true],
      ['imap', 'mail.family.test', port('imap'), 'starttls', 'ann@family.test', true],
      ['pop3', 'mail.family.test', port('pop3s'), 'tls', 'ann@family.test', true],
      ['pop3', 'mail.family.test', port('pop3'), 'starttls', 'ann@family.test', true],
    ]);
    expect(found.outgoing.map((c) => [c.host, c.port, c.tls, c.probe.ok])).toEqual([
      ['mail.family.test', port('submissions'), 'tls', true],
      ['mail.family.test', port('submission'), 'starttls', true],
    ]);
    const accountId = await setUpAccount(services, found, deps.lookup!);
    expect(await inboxSubjects(services, accountId)).toContain('Found you');
  });

  it('without autoconfig names in DNS, tries <domain>/.well-known and the ISPDB, then finds it by RFC 6186 SRV records', async () => {
    const zone = await publishedZone(['--pop3-port', 'off']);
    // the admin published no autoconfig/mta-sts names (and the bare domain has no address)
    for (const n of ['autoconfig.family.test', 'autodiscover.family.test', 'mta-sts.family.test']) delete zone.cname![n];
    expect(zone.srv!['_pop3._tcp.family.test']).toEqual([{ priority: 0, weight: 0, port: 0, target: '.' }]);
    const { deps, asked } = await clientNetwork(zone);
    const services = startServices(tempDir('discovery-client'), { discovery: deps });
    closers.push(() => services.close());
    const r = await services.dispatch('accounts.discover', { email: 'ann@family.test' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const found = r.result as DiscoveryResult;
    expect(found.source).toBe('srv');
    // Thunderbird's order: provider autoconfig (autoconfig.<domain>, then <domain>/.well-known), ISPDB, then DNS
    expect(asked.slice(0, 5)).toEqual([
      'GET https://autoconfig.family.test/mail/config-v1.1.xml',
      'GET https://family.test/.well-known/autoconfig/mail/config-v1.1.xml',
      'GET http://autoconfig.family.test/mail/config-v1.1.xml',
      'GET ' + deps.ispdbBase + 'family.test',
      'SRV _imaps._tcp.family.test',
    ]);
    expect(found.tried.map((t) => t.source)).toEqual(['autoconfig', 'autoconfig', 'autoconfig', 'ispdb', 'srv']);
    // "." for POP3 with STARTTLS: not offered, not a candidate
    expect(found.incoming.map((c) => [c.protocol, c.host, c.port, c.tls, c.probe.ok])).toEqual([
      ['imap', 'mail.family.test', port('imaps'), 'tls', true],
      ['imap', 'mail.family.test', port('imap'), 'starttls', true],
      ['pop3', 'mail.family.test', port('pop3s'), 'tls', true],
    ]);
    expect(found.outgoing[0]).toMatchObject({ host: 'mail.family.test', port: port('submissions'), tls: 'tls', probe: { ok: true } });
    const accountId = await setUpAccount(services, found, deps.lookup!);
    expect(await inboxSubjects(services, accountId)).toContain('Found you');
  });
});
