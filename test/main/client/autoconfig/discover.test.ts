// Discovery against a small fake internet on loopback: a local HTTP server serves provider
// autoconfig files and Thunderbird's ISPDB (../shared/ispdb, indexed by every domain it lists,
// as the real ISPDB is); an injected resolver answers SRV and MX; "remote" servers are the real
// Dovecot and SMTP peer, reached by a probe that maps (host, port) to them. Nothing leaves loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MxRecord, SrvRecord } from 'node:dns';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultDiscoveryDeps, discover, registrableDomain, type DiscoveryDeps } from '../../../../src/main/client/autoconfig/discover.ts';
import { parseConfigXml } from '../../../../src/main/client/autoconfig/config-xml.ts';
import { probeServer } from '../../../../src/main/client/autoconfig/probe.ts';
import { dovecot, smtpPeers } from '../../../support/peers.ts';
import { HearthServices } from '../../../../src/main/client/hearth-services.ts';
import { FileKeySecretBox } from '../../../../src/main/base/secret-box.ts';
import { silentLogger } from '../../../../src/main/base/log.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const ISPDB = path.resolve(import.meta.dirname, '../../../../../shared/ispdb');

/** Provider autoconfig files, by domain. */
const autoconfig: Record<string, string> = {
  'acme.test': `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="acme.test"><domain>acme.test</domain><displayName>Acme Mail</displayName>
<incomingServer type="imap"><hostname>mail.acme.test</hostname><port>993</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILLOCALPART%</username></incomingServer>
<incomingServer type="imap"><hostname>old.acme.test</hostname><port>993</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILLOCALPART%</username></incomingServer>
<incomingServer type="imap"><hostname>oauth.acme.test</hostname><port>993</port><socketType>SSL</socketType><authentication>OAuth2</authentication><username>%EMAILADDRESS%</username></incomingServer>
<incomingServer type="pop3"><hostname>mail.acme.test</hostname><port>110</port><socketType>STARTTLS</socketType><authentication>password-cleartext</authentication><username>%EMAILLOCALPART%</username></incomingServer>
<outgoingServer type="smtp"><hostname>localhost</hostname><port>${smtpPeers.accept}</port><socketType>plain</socketType><authentication>none</authentication><username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>`,
  'broken.test': '<clientConfig><emailProvider><incomingServer type="imap"><hostname>x</hostname></emailProvider',
};

/** The fake internet: which (host, port) reach which loopback server, and how. */
const reachable = new Set(['mail.acme.test', 'imap.aol.com', 'pop.aol.com', 'mail.srv.test', 'imap.guess.test', 'smtp.guess.test']);
const portMap: Record<number, number> = {
  993: dovecot.imapsPort,
  143: dovecot.imapPort,
  995: dovecot.pop3sPort,
  110: dovecot.pop3Port,
  587: 1,
  465: 1,
  [smtpPeers.accept]: smtpPeers.accept,
};

const srv: Record<string, SrvRecord[]> = {
  '_imaps._tcp.srv.test': [{ name: 'mail.srv.test', port: 993, priority: 0, weight: 1 }],
  '_pop3s._tcp.srv.test': [{ name: '.', port: 0, priority: 0, weight: 0 }],
  '_submission._tcp.srv.test': [{ name: 'mail.srv.test', port: 587, priority: 0, weight: 1 }],
};
const mx: Record<string, MxRecord[]> = {
  'family.test': [
    { exchange: 'mx-backup.example.invalid', priority: 20 },
    { exchange: 'mx1.mail.gm0.yahoodns.net', priority: 10 },
  ],
};

let http: Server;
let deps: DiscoveryDeps;
const requests: string[] = [];

beforeAll(async () => {
  // The ISPDB answers for every domain an entry lists (brands, MX hosts), like the real one.
  const index = new Map<string, string>();
  for (const f of readdirSync(ISPDB).filter((n) => n.endsWith('.xml'))) {
    const xml = readFileSync(path.join(ISPDB, f), 'utf8');
    try {
      for (const d of parseConfigXml(xml).domains) if (!index.has(d)) index.set(d.toLowerCase(), xml);
    } catch {
      // an entry our parser refuses is simply not served
    }
    index.set(f.slice(0, -4).toLowerCase(), xml);
  }
  http = createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    const [, kind, domain] = url.pathname.split('/');
    const body = kind === 'ispdb' ? index.get(domain ?? '') : kind === 'autoconfig' ? autoconfig[domain ?? ''] : undefined;
    if (body) res.writeHead(200, { 'content-type': 'text/xml' }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const ca = readFileSync(dovecot.caCertPath, 'utf8');
  deps = defaultDiscoveryDeps({
    ispdbBase: `${base}/ispdb/`,
    autoconfigUrls: (domain) => [`${base}/autoconfig/${domain}/mail/config-v1.1.xml`],
    resolveSrv: async (name) => srv[name] ?? [],
    resolveMx: async (name) => mx[name] ?? [],
    lookup: async () => '127.0.0.1',
    // The real probe (greeting, STARTTLS, certificate check) against the peer that plays this host.
    probe: (c) =>
      reachable.has(c.host) || c.host === 'localhost'
        ? probeServer({ ...c, host: 'localhost', port: portMap[c.port] ?? 1 }, { lookup: async () => '127.0.0.1', timeoutMs: 3000, ca })
        : Promise.resolve({ ok: false, error: { code: 'CONNECTION_REFUSED', message: `${c.host} refused the connection` } }),
    guessPorts: {
      imap: [
        [993, 'tls'],
        [143, 'starttls'],
      ],
      pop3: [[995, 'tls']],
      smtp: [[587, 'starttls']],
    },
  });
});
afterAll(() => http.close());

describe('account discovery', () => {
  it('uses the provider’s autoconfig first, fills the user name, skips OAuth-only servers, and ranks unreachable ones last', async () => {
    const r = await discover('ann@acme.test', deps);
    expect(r.source).toBe('autoconfig');
    expect(r.provider).toBe('Acme Mail');
    expect(r.incoming.map((c) => [c.protocol, c.host, c.tls, c.user, c.probe.ok])).toEqual([
      ['imap', 'mail.acme.test', 'tls', 'ann', true],
      ['pop3', 'mail.acme.test', 'starttls', 'ann', true],
      ['imap', 'old.acme.test', 'tls', 'ann', false],
    ]);
    expect(r.incoming[2]!.probe.error?.code).toBe('CONNECTION_REFUSED');
    expect(r.outgoing).toEqual([{ protocol: 'smtp', host: 'localhost', port: smtpPeers.accept, tls: 'plain', user: 'ann@acme.test', probe: { ok: true } }]);
  });

  it('falls back to the ISPDB when the provider has no autoconfig', async () => {
    const r = await discover('someone@aol.com', deps);
    expect(r.source).toBe('ispdb');
    expect(r.provider).toBe('AOL Mail');
    expect(r.incoming[0]).toMatchObject({ protocol: 'imap', host: 'imap.aol.com', port: 993, tls: 'tls', user: 'someone@aol.com', probe: { ok: true } });
    expect(r.tried[0]).toMatchObject({ source: 'autoconfig' });
  });

  it('reads RFC 6186 SRV records, honouring "." as not offered', async () => {
    const r = await discover('bo@srv.test', deps);
    expect(r.source).toBe('srv');
    expect(r.incoming).toEqual([{ protocol: 'imap', host: 'mail.srv.test', port: 993, tls: 'tls', user: 'bo@srv.test', probe: { ok: true } }]);
    expect(r.outgoing.map((c) => [c.host, c.port, c.tls])).toEqual([['mail.srv.test', 587, 'starttls']]);
  });

  it('finds a hosted domain’s provider from its MX record in the ISPDB', async () => {
    const r = await discover('mum@family.test', deps);
    expect(r.source).toBe('mx');
    expect(r.incoming[0]).toMatchObject({ host: 'imap.aol.com', user: 'mum@family.test', probe: { ok: true } });
    expect(requests.some((u) => u.endsWith('/ispdb/mail.gm0.yahoodns.net'))).toBe(true);
  });

  it('guesses common host names last, offering only what answered', async () => {
    const r = await discover('x@guess.test', deps);
    expect(r.source).toBe('guess');
    expect(r.incoming.map((c) => [c.host, c.port, c.tls])).toEqual([
      ['imap.guess.test', 993, 'tls'],
      ['imap.guess.test', 143, 'starttls'],
    ]);
    expect(r.incoming.every((c) => c.probe.ok)).toBe(true);
  });

  it('goes on past a malformed autoconfig file, and reports when nothing is found', async () => {
    const r = await discover('y@broken.test', deps);
    expect(r.source).toBeNull();
    expect(r.incoming).toEqual([]);
    expect(r.tried.find((t) => t.source === 'autoconfig')!.detail).toMatch(/not valid XML|no emailProvider/);
    expect(r.tried.map((t) => t.source)).toEqual(['autoconfig', 'ispdb', 'srv', 'mx', 'guess']);
  });

  it('probes for real: a certificate that does not match is refused with CERT_UNTRUSTED', async () => {
    const p = await probeServer(
      { protocol: 'imap', host: 'localhost', port: dovecot.imapsPort, tls: 'tls' },
      { lookup: async () => '127.0.0.1', timeoutMs: 3000 },
    );
    expect(p).toMatchObject({ ok: false, error: { code: 'CERT_UNTRUSTED' } });
    const starttls = await probeServer(
      { protocol: 'pop3', host: 'localhost', port: dovecot.pop3Port, tls: 'starttls' },
      { lookup: async () => '127.0.0.1', timeoutMs: 3000, ca: readFileSync(dovecot.caCertPath, 'utf8') },
    );
    expect(starttls).toEqual({ ok: true });
  });

  it('is offered through the API, validated like every method', async () => {
    const dataDir = tempDir('discover');
    const services = new HearthServices({ dataDir, host: 'web', version: 'test', secrets: new FileKeySecretBox(dataDir), log: silentLogger, discovery: deps });
    try {
      expect(await services.dispatch('accounts.discover', { email: 'ann@acme.test' })).toMatchObject({ ok: true, result: { source: 'autoconfig' } });
      expect(await services.dispatch('accounts.discover', { email: 'nope' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field: 'email' } });
    } finally {
      await services.close();
    }
  });

  it('knows registrable domains under two-level suffixes', () => {
    expect(registrableDomain('mx1.mail.provider.example')).toBe('provider.example');
    expect(registrableDomain('mx.provider.co.uk')).toBe('provider.co.uk');
  });
});
