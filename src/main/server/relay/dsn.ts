// Delivery status notifications (RFC 3464 in an RFC 6522 multipart/report): a failure report when
// recipients failed permanently or expired, a delay warning while they are still being retried.
// Always sent with the null sender so they can never bounce back and forth.
import { randomBytes } from 'node:crypto';
import { rfc5322Date } from '../../mail/dates.ts';

export interface DsnRecipient {
  address: string;
  action: 'failed' | 'delayed';
  status: string;
  diagnostic?: string;
  remoteMta?: string;
  lastAttemptAt?: number;
  willRetryUntil?: number;
}

export interface DsnInput {
  reportingMta: string;
  /** Address the report comes from, e.g. MAILER-DAEMON@home.arpa. */
  fromAddress: string;
  to: string;
  queueId: string;
  arrivalDate: number;
  recipients: DsnRecipient[];
  /** The original message's header block (without the blank line). */
  originalHeaders: string;
  now: number;
}

function foldSafe(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').trim();
}

/** RFC 6533 utf-8-addr-xtext: an internationalised address inside an ASCII delivery-status part. */
export function utf8AddrXtext(address: string): string {
  let out = '';
  for (const ch of address) {
    const cp = ch.codePointAt(0)!;
    out += cp < 0x21 || cp > 0x7e || ch === '\\' || ch === '+' || ch === '=' ? `\\x{${cp.toString(16).toUpperCase()}}` : ch;
  }
  return out;
}

export function isAsciiOnly(s: string): boolean {
  return /^\p{ASCII}*$/u.test(s);
}

export function buildDsn(input: DsnInput): Buffer {
  const boundary = `hearth-dsn-${randomBytes(9).toString('hex')}`;
  const failed = input.recipients.some((r) => r.action === 'failed');
  const subject = failed ? 'Undelivered Mail Returned to Sender' : 'Delayed Mail (still being retried)';
  const lines: string[] = [];
  const human: string[] = failed
    ? [
        `This is the mail system at ${input.reportingMta}.`,
        '',
        'Your message could not be delivered to one or more recipients.',
        'The details are below; the headers of your message are attached.',
      ]
    : [
        `This is the mail system at ${input.reportingMta}.`,
        '',
        'Your message has not been delivered yet to one or more recipients.',
        'Hearth keeps trying; you do not need to send it again.',
      ];
  human.push('');
  for (const r of input.recipients) {
    human.push(`<${r.address}>: ${r.action === 'failed' ? 'delivery failed' : 'delivery delayed'}`);
    if (r.diagnostic) human.push(`    ${foldSafe(r.diagnostic)}`);
    if (r.willRetryUntil) human.push(`    Hearth will keep trying until ${rfc5322Date(r.willRetryUntil)}.`);
  }

  lines.push(
    `From: Mail Delivery System <${input.fromAddress}>`,
    `To: <${input.to}>`,
    `Subject: ${subject}`,
    `Date: ${rfc5322Date(input.now)}`,
    `Message-ID: <${input.queueId}.dsn.${randomBytes(6).toString('hex')}@${input.reportingMta}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated delivery status notification.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    'Content-Description: Notification',
    '',
    ...human,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    'Content-Description: Delivery report',
    '',
    `Reporting-MTA: dns; ${input.reportingMta}`,
    `X-Hearth-Queue-ID: ${input.queueId}`,
    `Arrival-Date: ${rfc5322Date(input.arrivalDate)}`,
  );
  for (const r of input.recipients) {
    const finalRecipient = isAsciiOnly(r.address) ? `rfc822; ${r.address}` : `utf-8; ${utf8AddrXtext(r.address)}`;
    lines.push('', `Final-Recipient: ${finalRecipient}`, `Action: ${r.action}`, `Status: ${r.status}`);
    if (r.remoteMta) lines.push(`Remote-MTA: dns; ${r.remoteMta}`);
    if (r.diagnostic) lines.push(`Diagnostic-Code: smtp; ${foldSafe(r.diagnostic)}`);
    if (r.lastAttemptAt) lines.push(`Last-Attempt-Date: ${rfc5322Date(r.lastAttemptAt)}`);
    if (r.willRetryUntil) lines.push(`Will-Retry-Until: ${rfc5322Date(r.willRetryUntil)}`);
  }
  const headers = input.originalHeaders.replace(/\r?\n/g, '\r\n').replace(/(\r\n)+$/, '');
  lines.push(
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    'Content-Description: Undelivered message headers',
    '',
    headers,
    '',
    `--${boundary}--`,
    '',
  );
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** The header block of a message (up to the blank line), from its first bytes. */
export function headerBlockOf(start: Buffer): string {
  const s = start.toString('utf8');
  const m = /\r?\n\r?\n/.exec(s);
  return m ? s.slice(0, m.index) : s;
}

/** True when the header block has a field of that name. */
export function hasHeader(headerBlock: string, name: string): boolean {
  return new RegExp(`^${name}[ \\t]*:`, 'im').test(headerBlock);
}
