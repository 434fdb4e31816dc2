// The live check of a record to publish: ask DNS what it says now and compare. The resolver is
// injected (node:dns Resolver in the app, a loopback DNS server in tests).
import { Resolver } from 'node:dns/promises';
import { adminLimits } from '../../base/limits.ts';
import type { DnsRecord } from '../relay/dkim.ts';

/** The lookups the check makes; node:dns/promises Resolver has them all. */
export interface DnsLookups {
  resolveMx(name: string): Promise<Array<{ priority: number; exchange: string }>>;
  resolveTxt(name: string): Promise<string[][]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveSrv(name: string): Promise<Array<{ priority: number; weight: number; port: number; name: string }>>;
  resolveCname(name: string): Promise<string[]>;
}

export interface RecordCheck {
  /** ok: DNS has the record as it should be; missing: no such record; wrong: other values only; error: the lookup failed. */
  state: 'ok' | 'missing' | 'wrong' | 'error';
  /** What DNS returned, in zone-file spelling. */
  found: string[];
  /** Why, for missing/wrong/error. */
  message?: string;
}

/** A resolver for the check: the system's, or `server` ("127.0.0.1:5353"). */
export function createCheckResolver(server?: string): DnsLookups {
  const r = new Resolver({ timeout: adminLimits.dnsCheckTimeoutMs, tries: adminLimits.dnsCheckTries });
  if (server) r.setServers([server]);
  return r;
}

const host = (n: string) => n.toLowerCase().replace(/\.?$/, '.');
// TXT comparisons ignore runs of spaces, as "v=spf1  mx -all" and "v=spf1 mx -all" mean the same.
const txt = (v: string) => v.trim().replace(/\s+/g, ' ');

async function lookup(resolver: DnsLookups, r: DnsRecord): Promise<{ found: string[]; same: (f: string) => boolean } | null> {
  const type = r.type as string;
  switch (type) {
    case 'MX': {
      const [pref, exchange] = r.value.split(/\s+/);
      const found = (await resolver.resolveMx(r.name)).map((m) => `${m.priority} ${host(m.exchange)}`);
      return { found, same: (f) => f === `${Number(pref)} ${host(exchange ?? '')}` };
    }
    case 'TXT': {
      const found = (await resolver.resolveTxt(r.name)).map((chunks) => chunks.join(''));
      return { found, same: (f) => txt(f) === txt(r.value) };
    }
    case 'A':
      return { found: await resolver.resolve4(r.name), same: (f) => f === r.value };
    case 'AAAA':
      return { found: await resolver.resolve6(r.name), same: (f) => f.toLowerCase() === r.value.toLowerCase() };
    case 'SRV': {
      const found = (await resolver.resolveSrv(r.name)).map((s) => `${s.priority} ${s.weight} ${s.port} ${host(s.name)}`);
      const want = r.value.split(/\s+/);
      return { found, same: (f) => f === [...want.slice(0, 3).map(Number), host(want[3] ?? '')].join(' ') };
    }
    case 'CNAME': {
      const found = (await resolver.resolveCname(r.name)).map(host);
      return { found, same: (f) => f === host(r.value) };
    }
    default:
      return null;
  }
}

/** What DNS says now about one record to publish. */
export async function checkRecord(resolver: DnsLookups, record: DnsRecord): Promise<RecordCheck> {
  try {
    const got = await lookup(resolver, record);
    if (!got) return { state: 'error', found: [], message: `Hearth cannot check ${record.type} records` };
    if (got.found.some(got.same)) return { state: 'ok', found: got.found };
    if (!got.found.length) return { state: 'missing', found: [], message: `No ${record.type} record for ${record.name}` };
    return { state: 'wrong', found: got.found, message: `DNS has other values for ${record.name}` };
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? '');
    // No data or no such name: the record is simply not published (yet).
    if (code === 'ENODATA' || code === 'ENOTFOUND') return { state: 'missing', found: [], message: `No ${record.type} record for ${record.name}` };
    return { state: 'error', found: [], message: `The DNS lookup failed (${code || (e as Error).message})` };
  }
}
