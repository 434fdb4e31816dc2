// The DNS records the household asks its domain's owner to publish: what `hearth dns` prints and
// what the app's admin screen lists (and checks live, ./dns-check.ts). Mail routing and sender
// checks (MX, SPF, DKIM, DMARC), then how devices find the server (RFC 6186/8314 SRV, autoconfig
// and autodiscover names) and MTA-STS / TLS-RPT.
import { HearthError } from '../../../shared/errors.ts';
import { loadOrCreateDkimKey, recordsToPublish, type DnsRecord } from '../relay/dkim.ts';
import { normaliseDomain, readConfigSync } from '../users/config.ts';
import { discoveryRecords } from '../autoconfig/dns-records.ts';
import { mailServices } from '../autoconfig/mail-services.ts';
import { householdMtaStsPolicy } from '../autoconfig/mta-sts.ts';
import { portPlan } from '../ports.ts';
import type { ListenerName } from '../ports.ts';

export interface RecordsToPublish {
  domain: string;
  /** The name other servers deliver to (the MX target). */
  mailHost: string;
  records: DnsRecord[];
}

export interface RecordsOptions {
  domain?: string;
  hostname?: string;
  /** The ports the world reaches (a port map); the standard ones where not given. */
  ports?: Partial<Record<ListenerName, number | null>>;
}

/** The records for `domain` (default: the primary local domain), mail host `hostname` (default mail.<domain>). */
export async function dnsRecordsToPublish(dataDir: string, opts: RecordsOptions = {}): Promise<RecordsToPublish> {
  const config = readConfigSync(dataDir);
  const domain = opts.domain ? normaliseDomain(opts.domain) : config?.domains[0];
  if (!domain) throw new HearthError('NOT_FOUND', 'no domain: run `hearth serve` once or pass --domain NAME', { field: 'domain' });
  const key = await loadOrCreateDkimKey(dataDir, domain);
  const mailHost = opts.hostname ?? `mail.${domain}`;
  const ports = portPlan(opts.ports ?? {}, true);
  const discovery = discoveryRecords({
    domain,
    settings: { hostname: mailHost, services: mailServices(ports) },
    httpsPort: ports.https,
    // As `serve` serves it (the household's own certificate is config.tls).
    mtaSts: householdMtaStsPolicy(mailHost, Boolean(config?.tls)),
  });
  return { domain, mailHost, records: [...recordsToPublish(key, mailHost), ...discovery] };
}
