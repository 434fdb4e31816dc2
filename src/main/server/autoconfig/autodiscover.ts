// Microsoft autodiscover, the "POX" (plain old XML) flavour Outlook and many phones use for IMAP
// and POP3 accounts: POST /autodiscover/autodiscover.xml with
//   <Autodiscover xmlns=".../autodiscover/outlook/requestschema/2006"><Request>
//     <EMailAddress>ann@example.org</EMailAddress>
//     <AcceptableResponseSchema>.../autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
//   </Request></Autodiscover>
// answered with Response/Account/Protocol entries (Type IMAP, POP3, SMTP). Outlook takes the first
// Protocol of each Type, so each type appears once, the best (implicit TLS) listener.
import { XMLParser } from 'fast-xml-parser';
import { xmlText, type MailService, type MailSettings } from './mail-services.ts';

export const REQUEST_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
export const RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const OUTER_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';

export class AutodiscoverRequestError extends Error {}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, processEntities: false });

/** The address asked for in a POX request; AutodiscoverRequestError for anything else. */
export function parseAutodiscoverRequest(xml: string): string {
  let doc: Record<string, unknown>;
  try {
    // No DOCTYPE: fast-xml-parser would not expand external entities, but nothing here needs one.
    if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('DOCTYPE is not allowed');
    doc = parser.parse(xml, true) as Record<string, unknown>;
  } catch (e) {
    throw new AutodiscoverRequestError(`The request is not well-formed XML: ${(e as Error).message}`);
  }
  const root = doc.Autodiscover as Record<string, unknown> | undefined;
  const request = root?.Request as Record<string, unknown> | undefined;
  if (!request) throw new AutodiscoverRequestError('Expected <Autodiscover><Request>…</Request></Autodiscover>');
  const schema = request.AcceptableResponseSchema;
  if (schema !== undefined && String(schema).trim() !== RESPONSE_SCHEMA) {
    throw new AutodiscoverRequestError(`Only the Outlook response schema ${RESPONSE_SCHEMA} is offered`);
  }
  const email = String(request.EMailAddress ?? '').trim();
  if (!email) throw new AutodiscoverRequestError('The request has no EMailAddress');
  return email;
}

const TYPE = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' } as const;

function protocol(hostname: string, email: string, s: MailService): string {
  return [
    '      <Protocol>',
    `        <Type>${TYPE[s.protocol]}</Type>`,
    `        <Server>${xmlText(hostname)}</Server>`,
    `        <Port>${s.port}</Port>`,
    '        <DomainRequired>off</DomainRequired>',
    `        <LoginName>${xmlText(email)}</LoginName>`,
    '        <SPA>off</SPA>',
    '        <SSL>on</SSL>',
    // "SSL" = TLS from the first byte, "TLS" = STARTTLS (MS-OXDSCLI 2.2.4.1.1.2.21).
    `        <Encryption>${s.tls === 'tls' ? 'SSL' : 'TLS'}</Encryption>`,
    '        <AuthRequired>on</AuthRequired>',
    ...(s.protocol === 'smtp' ? ['        <UsePOPAuth>on</UsePOPAuth>', '        <SMTPLast>off</SMTPLast>'] : []),
    '      </Protocol>',
  ].join('\n');
}

export function autodiscoverResponse(settings: MailSettings, email: string, displayName: string | null): string {
  const firstOfEach = (['imap', 'pop3', 'smtp'] as const).flatMap((p) => settings.services.find((s) => s.protocol === p) ?? []);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${OUTER_SCHEMA}">`,
    `  <Response xmlns="${RESPONSE_SCHEMA}">`,
    ...(displayName ? ['    <User>', `      <DisplayName>${xmlText(displayName)}</DisplayName>`, '    </User>'] : []),
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    ...firstOfEach.map((s) => protocol(settings.hostname, email, s)),
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

/** The POX error answer (ErrorCode 600 "Invalid Request", as Exchange gives for an address it does not serve). */
export function autodiscoverError(message: string, now: Date): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${OUTER_SCHEMA}">`,
    `  <Response>`,
    `    <Error Time="${now.toISOString().slice(11, 19)}" Id="0">`,
    '      <ErrorCode>600</ErrorCode>',
    `      <Message>${xmlText(message)}</Message>`,
    '      <DebugData />',
    '    </Error>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}
