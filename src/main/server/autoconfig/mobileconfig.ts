// An Apple configuration profile (.mobileconfig) that sets up one user's mail account on iOS,
// iPadOS and macOS: a com.apple.mail.managed payload (Apple's "Mail" payload reference), plus,
// while the household runs on its self-signed certificate, a com.apple.security.root payload so
// the device trusts it (the user confirms that when installing the profile).
// PayloadUUIDs are derived from the server and the address: installing a newer profile for the
// same user replaces the old one instead of adding a second account.
import { createHash, X509Certificate } from 'node:crypto';
import { incoming, outgoing, xmlText, type MailSettings } from './mail-services.ts';

export const MOBILECONFIG_CONTENT_TYPE = 'application/x-apple-aspen-config';

export interface ProfileOptions {
  settings: MailSettings;
  email: string;
  displayName: string | null;
  /** Only when the user asked for it (and proved it by logging in): saved on the device with the account. */
  password?: string;
  /** PEM of the server's self-signed certificate, to be trusted on the device; omitted for a CA-issued one. */
  selfSignedCert?: string;
}

/** A name-based UUID (RFC 9562 version 5 layout over SHA-1): stable for the same inputs. */
export function stableUuid(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('\0')).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex').toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

type PlistValue = string | number | boolean | { data: Buffer } | PlistValue[] | { [key: string]: PlistValue };

function plist(v: PlistValue, indent: string): string {
  if (typeof v === 'string') return `${indent}<string>${xmlText(v)}</string>`;
  if (typeof v === 'number') return `${indent}<integer>${v}</integer>`;
  if (typeof v === 'boolean') return `${indent}<${v}/>`;
  if (Array.isArray(v)) return [`${indent}<array>`, ...v.map((x) => plist(x, indent + '  ')), `${indent}</array>`].join('\n');
  if (v.data instanceof Buffer) return `${indent}<data>${v.data.toString('base64')}</data>`;
  const entries = Object.entries(v as Record<string, PlistValue>);
  return [`${indent}<dict>`, ...entries.flatMap(([k, x]) => [`${indent}  <key>${xmlText(k)}</key>`, plist(x, indent + '  ')]), `${indent}</dict>`].join('\n');
}

/** Reverse-DNS prefix of PayloadIdentifiers: mail.example.org -> org.example.mail.hearth */
function identifierPrefix(hostname: string): string {
  return [...hostname.toLowerCase().split('.').reverse(), 'hearth'].join('.');
}

export function mobileconfig(o: ProfileOptions): string {
  const { settings, email } = o;
  const imap = incoming(settings).find((s) => s.protocol === 'imap');
  const inbound = imap ?? incoming(settings)[0];
  const smtp = outgoing(settings)[0];
  if (!inbound || !smtp) throw new Error('The server offers no incoming or no outgoing mail service');
  const prefix = identifierPrefix(settings.hostname);
  const who = email.toLowerCase();
  const mail: Record<string, PlistValue> = {
    EmailAccountDescription: who,
    ...(o.displayName ? { EmailAccountName: o.displayName } : {}),
    EmailAccountType: inbound.protocol === 'imap' ? 'EmailTypeIMAP' : 'EmailTypePOP',
    EmailAddress: who,
    IncomingMailServerAuthentication: 'EmailAuthPassword',
    IncomingMailServerHostName: settings.hostname,
    IncomingMailServerPortNumber: inbound.port,
    // Apple Mail: UseSSL on port 993/995 is TLS from the first byte, on 143/110/587 it is STARTTLS.
    IncomingMailServerUseSSL: true,
    IncomingMailServerUsername: who,
    ...(o.password !== undefined ? { IncomingPassword: o.password } : {}),
    OutgoingMailServerAuthentication: 'EmailAuthPassword',
    OutgoingMailServerHostName: settings.hostname,
    OutgoingMailServerPortNumber: smtp.port,
    OutgoingMailServerUseSSL: true,
    OutgoingMailServerUsername: who,
    ...(o.password !== undefined ? { OutgoingPassword: o.password } : {}),
    OutgoingPasswordSameAsIncomingPassword: true,
    PayloadDescription: `Mail account ${who} on ${settings.hostname}`,
    PayloadDisplayName: `Mail (${who})`,
    PayloadIdentifier: `${prefix}.mail.${stableUuid(settings.hostname, who, 'mail')}`,
    PayloadType: 'com.apple.mail.managed',
    PayloadUUID: stableUuid(settings.hostname, who, 'mail'),
    PayloadVersion: 1,
    PreventAppSheet: false,
    PreventMove: false,
    SMIMEEnabled: false,
  };
  const content: PlistValue[] = [mail];
  if (o.selfSignedCert) {
    const der = new X509Certificate(o.selfSignedCert).raw;
    content.push({
      PayloadCertificateFileName: `${settings.hostname}.cer`,
      PayloadContent: { data: der },
      PayloadDescription: `The certificate of the household mail server ${settings.hostname}`,
      PayloadDisplayName: settings.hostname,
      PayloadIdentifier: `${prefix}.certificate.${stableUuid(settings.hostname, who, 'certificate')}`,
      PayloadType: 'com.apple.security.root',
      PayloadUUID: stableUuid(settings.hostname, who, 'certificate', createHash('sha256').update(der).digest('hex')),
      PayloadVersion: 1,
    });
  }
  const profile: Record<string, PlistValue> = {
    PayloadContent: content,
    PayloadDescription: `Sets up ${who} to read and send mail through the household server ${settings.hostname}.`,
    PayloadDisplayName: `Mail for ${who}`,
    PayloadIdentifier: `${prefix}.profile.${stableUuid(settings.hostname, who, 'profile')}`,
    PayloadOrganization: 'Hearth household server',
    PayloadRemovalDisallowed: false,
    PayloadType: 'Configuration',
    PayloadUUID: stableUuid(settings.hostname, who, 'profile'),
    PayloadVersion: 1,
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    plist(profile, ''),
    '</plist>',
    '',
  ].join('\n');
}
