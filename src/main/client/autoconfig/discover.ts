// Finds account settings from an email address the way Thunderbird does, in this order:
//   1. the provider's own autoconfig (autoconfig.<domain>, then /.well-known/ on the domain),
//   2. the ISPDB (Thunderbird's database of providers),
//   3. RFC 6186 SRV records (_imaps._tcp, _submissions._tcp, …),
//   4. the ISPDB entry of the domain's MX host (mail hosted by a big provider),
//   5. guesses (imap.<domain>, mail.<domain>, smtp.<domain>…).
// Every candidate is probed before it is offered; the first source with a working incoming
// server wins. HTTP, DNS and the probe are injected, so tests stay on loopback.
import dns from 'node:dns/promises';
import type { MxRecord, SrvRecord } from 'node:dns';
import type { TlsMode } from '../../../shared/api.ts';
import type { Candidate, DiscoveryResult, DiscoverySource } from '../../../shared/discovery.ts';
import { HearthError } from '../../../shared/errors.ts';
import { isLoopback } from '../../base/net.ts';
import { fillTemplate, parseConfigXml, type ProviderConfig, type ServerEntry } from './config-xml.ts';
import { probeServer } from './probe.ts';

export interface DiscoveryDeps {
  /** GET a URL; null when it does not answer with 200. */
  fetchText: (url: string) => Promise<string | null>;
  resolveSrv: (name: string) => Promise<SrvRecord[]>;
  resolveMx: (name: string) => Promise<MxRecord[]>;
  lookup: (host: string) => Promise<string>;
  probe: (c: Omit<Candidate, 'probe'>) => Promise<Candidate['probe']>;
  /** Where the ISPDB lives (Thunderbird's: https://autoconfig.thunderbird.net/v1.1/). */
  ispdbBase: string;
  /** Provider autoconfig URLs for a domain, tried in order. */
  autoconfigUrls: (domain: string, email: string) => string[];
  /** Ports tried when guessing. */
  guessPorts: { imap: [number, TlsMode][]; pop3: [number, TlsMode][]; smtp: [number, TlsMode][] };
  /** Probes in flight at once. */
  parallel: number;
}

export function defaultDiscoveryDeps(over: Partial<DiscoveryDeps> = {}): DiscoveryDeps {
  const lookup = over.lookup ?? (async (host: string) => (await dns.lookup(host)).address);
  return {
    fetchText: async (url) => {
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(8000), redirect: 'follow' });
        return r.ok ? await r.text() : null;
      } catch {
        return null;
      }
    },
    resolveSrv: (n) => dns.resolveSrv(n),
    resolveMx: (n) => dns.resolveMx(n),
    lookup,
    probe: (c) => probeServer(c, { lookup, timeoutMs: 8000 }),
    ispdbBase: 'https://autoconfig.thunderbird.net/v1.1/',
    autoconfigUrls: (domain, email) => [
      `https://autoconfig.${domain}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(email)}`,
      `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(email)}`,
      `http://autoconfig.${domain}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(email)}`,
    ],
    guessPorts: {
      imap: [
        [993, 'tls'],
        [143, 'starttls'],
      ],
      pop3: [
        [995, 'tls'],
        [110, 'starttls'],
      ],
      smtp: [
        [465, 'tls'],
        [587, 'starttls'],
      ],
    },
    parallel: 6,
    ...over,
  };
}

const TLS_RANK: Record<TlsMode, number> = { tls: 0, starttls: 1, plain: 2 };
const PROTO_RANK = { imap: 0, pop3: 1, smtp: 2 } as const;

export async function discover(email: string, deps: DiscoveryDeps): Promise<DiscoveryResult> {
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) throw new HearthError('INVALID_ARGUMENT', 'Not an email address', { field: 'email' });
  const domain = email.slice(at + 1).toLowerCase();
  const tried: DiscoveryResult['tried'] = [];

  const fromConfig = async (source: DiscoverySource, xml: string | null, where: string): Promise<DiscoveryResult | null> => {
    if (xml === null) {
      tried.push({ source, detail: `nothing at ${where}` });
      return null;
    }
    let config: ProviderConfig;
    try {
      config = parseConfigXml(xml);
    } catch (e) {
      tried.push({ source, detail: `${where}: ${(e as Error).message}` });
      return null;
    }
    const toCandidate = (s: ServerEntry) => ({
      protocol: s.protocol,
      host: fillTemplate(s.host, email),
      port: s.port,
      tls: s.tls,
      user: fillTemplate(s.username, email),
    });
    return settle(source, config.provider, config.incoming.map(toCandidate), config.outgoing.map(toCandidate), where);
  };

  const settle = async (
    source: DiscoverySource,
    provider: string | null,
    incoming: Omit<Candidate, 'probe'>[],
    outgoing: Omit<Candidate, 'probe'>[],
    where: string,
  ): Promise<DiscoveryResult | null> => {
    // Plaintext is only ever offered for this computer (the API refuses it elsewhere anyway).
    const allowed = (c: Omit<Candidate, 'probe'>) => c.tls !== 'plain' || isLoopback(c.host);
    const probed = await probeAll([...incoming, ...outgoing].filter(allowed), deps);
    const inc = sortCandidates(probed.filter((c) => c.protocol !== 'smtp'));
    const out = sortCandidates(probed.filter((c) => c.protocol === 'smtp'));
    const working = inc.filter((c) => c.probe.ok);
    tried.push({ source, detail: `${where}: ${working.length} of ${inc.length} incoming servers answered` });
    if (working.length === 0) return null;
    return { source, provider, incoming: inc, outgoing: out, tried };
  };

  // 1. The provider's own autoconfig.
  for (const url of deps.autoconfigUrls(domain, email)) {
    const r = await fromConfig('autoconfig', await deps.fetchText(url), url);
    if (r) return r;
  }
  // 2. The ISPDB.
  {
    const url = `${deps.ispdbBase}${domain}`;
    const r = await fromConfig('ispdb', await deps.fetchText(url), url);
    if (r) return r;
  }
  // 3. RFC 6186 / RFC 8314 SRV records.
  {
    const lookups: [string, 'imap' | 'pop3' | 'smtp', TlsMode][] = [
      [`_imaps._tcp.${domain}`, 'imap', 'tls'],
      [`_imap._tcp.${domain}`, 'imap', 'starttls'],
      [`_pop3s._tcp.${domain}`, 'pop3', 'tls'],
      [`_pop3._tcp.${domain}`, 'pop3', 'starttls'],
      [`_submissions._tcp.${domain}`, 'smtp', 'tls'],
      [`_submission._tcp.${domain}`, 'smtp', 'starttls'],
    ];
    const found: Omit<Candidate, 'probe'>[] = [];
    for (const [name, protocol, tls] of lookups) {
      const records = await deps.resolveSrv(name).catch(() => [] as SrvRecord[]);
      // RFC 6186 3.4: priority, then weight; a target of "." means "not offered here".
      for (const r of [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight)) {
        if (!r.name || r.name === '.') continue;
        found.push({ protocol, host: r.name.replace(/\.$/, ''), port: r.port, tls, user: email });
      }
    }
    if (found.length) {
      const r = await settle(
        'srv',
        null,
        found.filter((c) => c.protocol !== 'smtp'),
        found.filter((c) => c.protocol === 'smtp'),
        'SRV records',
      );
      if (r) return r;
    } else tried.push({ source: 'srv', detail: 'no SRV records' });
  }
  // 4. The MX host's provider, from the ISPDB.
  {
    const mx = await deps.resolveMx(domain).catch(() => [] as MxRecord[]);
    const best = [...mx].sort((a, b) => a.priority - b.priority)[0];
    if (best && best.exchange && best.exchange !== '.') {
      // Like Thunderbird: the MX host without its first label, then its registrable domain.
      const host = best.exchange.replace(/\.$/, '').toLowerCase();
      const names = [...new Set([host.split('.').slice(1).join('.'), registrableDomain(host)])].filter((n) => n.includes('.') && n !== domain);
      for (const name of names) {
        const url = `${deps.ispdbBase}${name}`;
        const r = await fromConfig('mx', await deps.fetchText(url), url);
        if (r) return r;
      }
      if (names.length === 0) tried.push({ source: 'mx', detail: `MX ${best.exchange} is the domain itself` });
    } else tried.push({ source: 'mx', detail: 'no MX record' });
  }
  // 5. Guesses.
  {
    const hosts = {
      imap: [`imap.${domain}`, `mail.${domain}`, domain],
      pop3: [`pop3.${domain}`, `pop.${domain}`, `mail.${domain}`],
      smtp: [`smtp.${domain}`, `mail.${domain}`, domain],
    };
    const guesses: Omit<Candidate, 'probe'>[] = [];
    for (const protocol of ['imap', 'pop3', 'smtp'] as const)
      for (const host of hosts[protocol]) for (const [port, tls] of deps.guessPorts[protocol]) guesses.push({ protocol, host, port, tls, user: email });
    const r = await settle(
      'guess',
      null,
      guesses.filter((c) => c.protocol !== 'smtp'),
      guesses.filter((c) => c.protocol === 'smtp'),
      'common host names',
    );
    if (r) return { ...r, incoming: r.incoming.filter((c) => c.probe.ok), outgoing: r.outgoing.filter((c) => c.probe.ok) };
  }
  return { source: null, provider: null, incoming: [], outgoing: [], tried };
}

async function probeAll(list: Omit<Candidate, 'probe'>[], deps: DiscoveryDeps): Promise<Candidate[]> {
  const out: Candidate[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      out[i] = { ...list[i]!, probe: await deps.probe(list[i]!) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.parallel, list.length) }, worker));
  return out;
}

/** Working first, then IMAP before POP3, implicit TLS before STARTTLS; stable otherwise (provider order). */
function sortCandidates(list: Candidate[]): Candidate[] {
  return list
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) =>
        Number(b.c.probe.ok) - Number(a.c.probe.ok) ||
        PROTO_RANK[a.c.protocol] - PROTO_RANK[b.c.protocol] ||
        TLS_RANK[a.c.tls] - TLS_RANK[b.c.tls] ||
        a.i - b.i,
    )
    .map((x) => x.c);
}

/** mx1.mail.provider.example -> provider.example; keeps one more label under two-level suffixes (co.uk, com.au…). */
export function registrableDomain(host: string): string {
  const labels = host.toLowerCase().split('.').filter(Boolean);
  if (labels.length <= 2) return labels.join('.');
  const sld = labels[labels.length - 2]!;
  const twoLevel = ['co', 'com', 'net', 'org', 'ac', 'gov', 'edu', 'ne', 'or'].includes(sld) && labels[labels.length - 1]!.length === 2;
  return labels.slice(twoLevel ? -3 : -2).join('.');
}
