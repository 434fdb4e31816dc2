// The Received: trace header (RFC 5321 4.4) that Hearth puts on mail it accepts: on inbound SMTP
// and on submission (through the relay queue). One format for both:
//
//   Received: from HELO ([ADDRESS])
//   	(authenticated user USER)
//   	by HOST (Hearth) with PROTOCOL (TLS) id ID
//   	for <RECIPIENT>;
//   	DATE
import { rfc5322Date } from './dates.ts';

export interface ReceivedTrace {
  /** The name the client gave in HELO/EHLO. Every text field is written as given: make it safe first. */
  helo: string;
  /** The client's IP address, written in brackets; null writes "unknown". */
  clientAddress: string | null;
  /** Who authenticated (submission), on a line of its own. */
  authenticatedUser?: string;
  /** This server's host name. */
  by: string;
  /** The WITH protocol (RFC 3848: ESMTP, ESMTPS, ESMTPSA, UTF8SMTPS...). */
  protocol: string;
  /** The TLS version and cipher in parentheses after the protocol, when the session was encrypted. */
  tls?: { version?: string; cipher?: string };
  /** The queue or delivery id. */
  id: string;
  /** The recipient, when there is exactly one (naming one of several would show Bcc recipients). */
  recipient?: string;
  date: number | Date;
}

export function receivedHeader(t: ReceivedTrace): string {
  const client = t.clientAddress === null ? 'unknown' : `[${t.clientAddress}]`;
  const auth = t.authenticatedUser ? `\r\n\t(authenticated user ${t.authenticatedUser})` : '';
  const tls = t.tls ? ` (${t.tls.version ?? 'TLS'}${t.tls.cipher ? ` ${t.tls.cipher}` : ''})` : '';
  const forPart = t.recipient === undefined ? '' : `\r\n\tfor <${t.recipient}>`;
  return `Received: from ${t.helo} (${client})${auth}\r\n\tby ${t.by} (Hearth) with ${t.protocol}${tls} id ${t.id}${forPart};\r\n\t${rfc5322Date(t.date)}\r\n`;
}
