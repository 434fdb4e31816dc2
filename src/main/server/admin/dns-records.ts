// The DNS records the household asks its domain's owner to publish: what `hearth dns` prints and
// what the app's admin screen lists (and checks live, ./dns-check.ts).
import { HearthError } from '../../../shared/errors.ts';
import { loadOrCreateDkimKey, recordsToPublish, type DnsRecord } from '../relay/dkim.ts';
import { normaliseDomain, readConfigSync } from '../users/config.ts';

export interface RecordsToPublish {
  domain: string;
  /** The name other servers deliver to (the MX target). */
  mailHost: string;
  records: DnsRecord[];
}

/** The records for `domain` (default: the primary local domain), mail host `hostname` (default mail.<domain>). */
export async function dnsRecordsToPublish(dataDir: string, opts: { domain?: string; hostname?: string } = {}): Promise<RecordsToPublish> {
  const domain = opts.domain ? normaliseDomain(opts.domain) : readConfigSync(dataDir)?.domains[0];
  if (!domain) throw new HearthError('NOT_FOUND', 'no domain: run `hearth serve` once or pass --domain NAME', { field: 'domain' });
  const key = await loadOrCreateDkimKey(dataDir, domain);
  const mailHost = opts.hostname ?? `mail.${domain}`;
  return { domain, mailHost, records: recordsToPublish(key, mailHost) };
}
