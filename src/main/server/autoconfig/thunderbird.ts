// Thunderbird's autoconfig document (clientConfig v1.1), the format of the ISPDB
// (https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat): served at
// https://autoconfig.<domain>/mail/config-v1.1.xml and
// https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml. The same for every address of a
// local domain (it names no user: %EMAILADDRESS% is the login), so it reveals no accounts.
import { incoming, outgoing, xmlText, type MailService, type MailSettings } from './mail-services.ts';

const SOCKET_TYPE = { tls: 'SSL', starttls: 'STARTTLS' } as const;

function server(kind: 'incomingServer' | 'outgoingServer', hostname: string, s: MailService): string {
  return [
    `    <${kind} type="${s.protocol}">`,
    `      <hostname>${xmlText(hostname)}</hostname>`,
    `      <port>${s.port}</port>`,
    `      <socketType>${SOCKET_TYPE[s.tls]}</socketType>`,
    `      <username>%EMAILADDRESS%</username>`,
    // The password travels inside TLS only: every listener refuses it in the clear off loopback.
    `      <authentication>password-cleartext</authentication>`,
    `    </${kind}>`,
  ].join('\n');
}

export function thunderbirdConfig(settings: MailSettings, domains: string[], displayName: string): string {
  const primary = domains[0] ?? settings.hostname;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${xmlText(primary)}">`,
    ...domains.map((d) => `    <domain>${xmlText(d)}</domain>`),
    `    <displayName>${xmlText(displayName)}</displayName>`,
    `    <displayShortName>${xmlText(primary)}</displayShortName>`,
    ...incoming(settings).map((s) => server('incomingServer', settings.hostname, s)),
    ...outgoing(settings).map((s) => server('outgoingServer', settings.hostname, s)),
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ].join('\n');
}
