// What the household server offers mail programs, as every settings document publishes it
// (Thunderbird autoconfig, Microsoft autodiscover, Apple profiles, RFC 6186 SRV records): the
// host name devices connect to, and each client-facing listener as (protocol, port, TLS mode).
// Inbound SMTP (the MX port) and HTTPS are not for mail programs and are never listed.
import type { ListenerName } from '../ports.ts';

export interface MailService {
  protocol: 'imap' | 'pop3' | 'smtp';
  port: number;
  /** 'tls' = TLS from the first byte (Thunderbird's socketType SSL); 'starttls' = plain, then STARTTLS/STLS. */
  tls: 'tls' | 'starttls';
  /** The RFC 6186 / RFC 8314 SRV service name. */
  srv: string;
}

/** Client-facing listeners in the order devices should prefer them: IMAP, then POP3; implicit TLS first (RFC 8314 3.3). */
const SERVICES: ReadonlyArray<{ listener: ListenerName } & Omit<MailService, 'port'>> = [
  { listener: 'imaps', protocol: 'imap', tls: 'tls', srv: '_imaps._tcp' },
  { listener: 'imap', protocol: 'imap', tls: 'starttls', srv: '_imap._tcp' },
  { listener: 'pop3s', protocol: 'pop3', tls: 'tls', srv: '_pop3s._tcp' },
  { listener: 'pop3', protocol: 'pop3', tls: 'starttls', srv: '_pop3._tcp' },
  { listener: 'submissions', protocol: 'smtp', tls: 'tls', srv: '_submissions._tcp' },
  { listener: 'submission', protocol: 'smtp', tls: 'starttls', srv: '_submission._tcp' },
];

export interface MailSettings {
  /** The name devices connect to; covered by the server's certificate. */
  hostname: string;
  /** Offered services, best first within each protocol. */
  services: MailService[];
}

/** The services behind the given listener ports (null or missing = not offered). */
export function mailServices(ports: Partial<Record<ListenerName, number | null>>): MailService[] {
  return SERVICES.flatMap(({ listener, ...s }) => {
    const port = ports[listener];
    return typeof port === 'number' && port > 0 ? [{ ...s, port }] : [];
  });
}

/** Every SRV service name with what offers it, or null for "not offered" (published with target "."). */
export function srvServices(services: MailService[]): Array<{ srv: string; service: MailService | null }> {
  return SERVICES.map(({ srv }) => ({ srv, service: services.find((s) => s.srv === srv) ?? null }));
}

export const incoming = (s: MailSettings) => s.services.filter((x) => x.protocol !== 'smtp');
export const outgoing = (s: MailSettings) => s.services.filter((x) => x.protocol === 'smtp');

/** Escapes text for XML element content and attribute values. */
export function xmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
