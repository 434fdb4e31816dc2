// The DNS records that let devices and other mail servers find the household by its domain, beyond
// the MX/SPF/DKIM/DMARC set of relay/dkim.ts: RFC 6186 / RFC 8314 SRV records for each mail
// service (target "." where a service is not offered, RFC 6186 3.4), the names the HTTPS listener
// answers on (autoconfig., autodiscover., mta-sts.), MTA-STS (RFC 8461) and TLS-RPT (RFC 8460).
import type { DnsRecord } from '../relay/dkim.ts';
import { srvServices, type MailSettings } from './mail-services.ts';
import { mtaStsId, type MtaStsPolicy } from './mta-sts.ts';

export interface DiscoveryRecordsOptions {
  domain: string;
  settings: MailSettings;
  /** Port of the HTTPS listener as seen from outside, or null when it is not offered. */
  httpsPort: number | null;
  mtaSts: MtaStsPolicy;
}

export function discoveryRecords(o: DiscoveryRecordsOptions): DnsRecord[] {
  const d = o.domain;
  const target = `${o.settings.hostname}.`;
  const records: DnsRecord[] = srvServices(o.settings.services).map(({ srv, service }) => ({
    name: `${srv}.${d}`,
    type: 'SRV',
    // priority weight port target
    value: service ? `0 1 ${service.port} ${target}` : '0 0 0 .',
    why: service
      ? `RFC 6186: ${service.protocol.toUpperCase()} ${service.tls === 'tls' ? 'with TLS from the first byte' : 'with STARTTLS'} on port ${service.port}`
      : `RFC 6186: ${srv.split('.')[0]!.slice(1)} is not offered`,
  }));
  if (o.httpsPort !== null) {
    records.push(
      { name: `autoconfig.${d}`, type: 'CNAME', value: target, why: 'Thunderbird autoconfig (https://autoconfig.DOMAIN/mail/config-v1.1.xml)' },
      { name: `autodiscover.${d}`, type: 'CNAME', value: target, why: 'Outlook autodiscover (https://autodiscover.DOMAIN/autodiscover/autodiscover.xml)' },
      {
        name: `_autodiscover._tcp.${d}`,
        type: 'SRV',
        value: `0 1 ${o.httpsPort} ${target}`,
        why: 'Outlook autodiscover by SRV (when autodiscover.DOMAIN does not answer)',
      },
      { name: `mta-sts.${d}`, type: 'CNAME', value: target, why: 'MTA-STS policy host (https://mta-sts.DOMAIN/.well-known/mta-sts.txt)' },
      {
        name: `_mta-sts.${d}`,
        type: 'TXT',
        value: `v=STSv1; id=${mtaStsId(o.mtaSts)}`,
        why: `RFC 8461 MTA-STS: a policy exists (mode ${o.mtaSts.mode}); the id changes with it`,
      },
    );
  }
  records.push({
    name: `_smtp._tls.${d}`,
    type: 'TXT',
    value: `v=TLSRPTv1; rua=mailto:postmaster@${d}`,
    why: 'RFC 8460 TLS-RPT: where senders report TLS failures',
  });
  return records;
}
