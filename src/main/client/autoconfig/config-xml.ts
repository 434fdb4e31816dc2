// Thunderbird's autoconfig format (clientConfig v1.1), as served by providers and the ISPDB:
// https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat
import { XMLParser } from 'fast-xml-parser';
import type { TlsMode } from '../../../shared/api.ts';
import { HearthError } from '../../../shared/errors.ts';

export interface ServerEntry {
  protocol: 'imap' | 'pop3' | 'smtp';
  host: string;
  port: number;
  tls: TlsMode;
  /** Username template, e.g. %EMAILADDRESS%. */
  username: string;
  /** Password login offered (entries that are OAuth2-only are skipped). */
  passwordAuth: boolean;
}

export interface ProviderConfig {
  provider: string | null;
  domains: string[];
  incoming: ServerEntry[];
  outgoing: ServerEntry[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['domain', 'incomingServer', 'outgoingServer', 'authentication', 'emailProvider'].includes(name),
});

const SOCKET: Record<string, TlsMode> = { SSL: 'tls', STARTTLS: 'starttls', plain: 'plain' };
const PASSWORD_AUTH = new Set(['password-cleartext', 'plain', 'password-encrypted', 'secure', 'client-ip-address', 'none']);

export function parseConfigXml(xml: string): ProviderConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (e) {
    throw new HearthError('PROTOCOL', `The configuration file is not valid XML: ${(e as Error).message}`);
  }
  const root = doc.clientConfig as { emailProvider?: Record<string, unknown>[] } | undefined;
  const p = root?.emailProvider?.[0];
  if (!p) throw new HearthError('PROTOCOL', 'The configuration file has no emailProvider');
  const entry = (e: Record<string, unknown>): ServerEntry | null => {
    const type = String(e['@type'] ?? '');
    if (type !== 'imap' && type !== 'pop3' && type !== 'smtp') return null;
    const tls = SOCKET[String(e.socketType ?? '')];
    const port = Number(e.port);
    const host = String(e.hostname ?? '').trim();
    if (!tls || !host || !Number.isInteger(port) || port < 1 || port > 65535) return null;
    const auths = ((e.authentication as unknown[] | undefined) ?? []).map(String);
    return {
      protocol: type,
      host,
      port,
      tls,
      username: String(e.username ?? '%EMAILADDRESS%'),
      passwordAuth: auths.length === 0 || auths.some((a) => PASSWORD_AUTH.has(a)),
    };
  };
  const list = (key: string) =>
    ((p[key] as Record<string, unknown>[] | undefined) ?? []).map(entry).filter((x): x is ServerEntry => x !== null && x.passwordAuth);
  return {
    provider: typeof p.displayName === 'string' ? p.displayName : null,
    domains: ((p.domain as unknown[] | undefined) ?? []).map(String),
    incoming: list('incomingServer'),
    outgoing: list('outgoingServer'),
  };
}

/** Fills %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN% in a username or hostname template. */
export function fillTemplate(template: string, email: string): string {
  const at = email.lastIndexOf('@');
  return template
    .replaceAll('%EMAILADDRESS%', email)
    .replaceAll('%EMAILLOCALPART%', email.slice(0, at))
    .replaceAll('%EMAILDOMAIN%', email.slice(at + 1));
}
