// Where a recipient's mail goes: the MX hosts of its domain by preference (random order among
// equal preferences), the domain's own A/AAAA when it has no MX (RFC 5321 §5.1), a permanent
// failure for a null MX (RFC 7505) or a domain that does not exist, a deferral when DNS fails.
import { Resolver } from 'node:dns/promises';
import type { MxRecord } from 'node:dns';
import { isIP } from 'node:net';
import { relayLimits } from '../../base/limits.ts';
import type { MxResolver } from './types.ts';

export interface RouteHost {
  /** Name the connection is for (MX name), used for TLS SNI and logs. */
  name: string;
  /** Addresses to connect to, in order. */
  addresses: string[];
  port: number;
}

export type Route = { ok: true; hosts: RouteHost[] } | { ok: false; permanent: boolean; reply: string; status: string };

export interface RouterOptions {
  resolver: MxResolver;
  /** SMTP port of remote servers (25). */
  port?: number;
  /** Per-host port override (tests: MX names → loopback peer ports). */
  portOverrides?: Record<string, number>;
  /** Shuffle among equal preferences; injectable for deterministic tests. */
  random?: () => number;
}

/** A resolver for a given DNS server ("127.0.0.1:5353"), or the system's when none is given. */
export function createResolver(server?: string): MxResolver {
  const resolver = new Resolver({ timeout: relayLimits.dnsTimeoutMs, tries: relayLimits.dnsTries });
  if (server) resolver.setServers([server]);
  return resolver;
}

function dnsCode(err: unknown): string {
  return String((err as { code?: unknown }).code ?? '');
}

/** "No such name / no such record" answers, as opposed to the lookup itself failing. */
function isNoData(err: unknown): boolean {
  return ['ENODATA', 'ENOTFOUND'].includes(dnsCode(err));
}

/** Sorts MX records by preference, shuffling each group of equal preference. */
export function orderMx(records: MxRecord[], random: () => number = Math.random): MxRecord[] {
  const decorated = records.map((r) => ({ r, k: random() }));
  decorated.sort((a, b) => a.r.priority - b.r.priority || a.k - b.k);
  return decorated.map((d) => d.r);
}

async function addressesOf(resolver: MxResolver, host: string): Promise<{ addresses: string[]; error?: unknown }> {
  if (isIP(host)) return { addresses: [host] };
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  const failures = [v4, v6].filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
  const hardError = failures.find((e) => !isNoData(e));
  return { addresses, error: addresses.length ? undefined : (hardError ?? failures[0]) };
}

export async function routeDomain(domain: string, opts: RouterOptions): Promise<Route> {
  const port = (name: string) => opts.portOverrides?.[name.toLowerCase()] ?? opts.port ?? 25;
  let mx: MxRecord[] = [];
  try {
    mx = await opts.resolver.resolveMx(domain);
  } catch (err) {
    if (dnsCode(err) === 'ENOTFOUND') {
      return { ok: false, permanent: true, status: '5.1.2', reply: `550 5.1.2 Domain ${domain} does not exist (DNS NXDOMAIN)` };
    }
    if (!isNoData(err)) {
      return { ok: false, permanent: false, status: '4.4.3', reply: `451 4.4.3 MX lookup for ${domain} failed (${dnsCode(err) || 'error'})` };
    }
  }
  if (mx.length === 1 && mx[0]!.exchange.replace(/\.$/, '') === '') {
    return { ok: false, permanent: true, status: '5.1.10', reply: `556 5.1.10 Domain ${domain} does not accept mail (null MX)` };
  }
  // A null MX among real ones is a misconfiguration; the real ones are used.
  mx = mx.filter((r) => r.exchange.replace(/\.$/, '') !== '');
  const targets = mx.length ? orderMx(mx, opts.random).map((r) => r.exchange.replace(/\.$/, '').toLowerCase()) : [domain];
  const hosts: RouteHost[] = [];
  let lastError: unknown;
  for (const name of targets) {
    const { addresses, error } = await addressesOf(opts.resolver, name);
    if (addresses.length) hosts.push({ name, addresses, port: port(name) });
    else lastError = error;
  }
  if (hosts.length) return { ok: true, hosts };
  if (lastError && !isNoData(lastError)) {
    return {
      ok: false,
      permanent: false,
      status: '4.4.3',
      reply: `451 4.4.3 Address lookup for ${targets.join(', ')} failed (${dnsCode(lastError) || 'error'})`,
    };
  }
  if (!mx.length) {
    return { ok: false, permanent: true, status: '5.1.2', reply: `550 5.1.2 Domain ${domain} has no MX and no address records` };
  }
  // MX names that do not resolve may be a transient DNS problem on their side.
  return { ok: false, permanent: false, status: '4.4.4', reply: `451 4.4.4 No address for the MX hosts of ${domain}` };
}

/** The smarthost's addresses (an IP literal as it is); a deferral when its name does not resolve. */
export async function routeHostOnly(
  host: string,
  port: number,
  resolver: MxResolver,
): Promise<{ ok: true; hosts: RouteHost[] } | { ok: false; reply: string }> {
  if (isIP(host)) return { ok: true, hosts: [{ name: host, addresses: [host], port }] };
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (!addresses.length) return { ok: false, reply: `451 4.4.3 Smarthost ${host} could not be resolved` };
  return { ok: true, hosts: [{ name: host, addresses, port }] };
}
