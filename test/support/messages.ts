// Small RFC 5322 messages written by tests (CRLF line ends), for when the corpus' real ones are
// not the point.
import { randomBytes } from 'node:crypto';

export interface SimpleMessage {
  from: string;
  to: string;
  subject: string;
  body: string;
  date?: Date;
  messageId?: string;
}

/** A UTF-8 text/plain message; date and Message-ID are made up unless given. */
export function rfc822(m: SimpleMessage): Buffer {
  const date = (m.date ?? new Date()).toUTCString().replace('GMT', '+0000');
  const id = m.messageId ?? `<${randomBytes(8).toString('hex')}@test.example>`;
  return Buffer.from(
    `From: ${m.from}\r\nTo: ${m.to}\r\nSubject: ${m.subject}\r\nDate: ${date}\r\nMessage-ID: ${id}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${m.body}\r\n`,
  );
}

/** A US-ASCII message from sender@ to receiver@example.test with the given body lines and a fixed date. */
export function simpleMessage(subject: string, bodyLines: string[]): Buffer {
  return Buffer.from(
    [
      'From: Sender <sender@example.test>',
      'To: Receiver <receiver@example.test>',
      `Subject: ${subject}`,
      'Date: Mon, 23 Nov 2026 10:00:00 +0000',
      `Message-ID: <${randomBytes(6).toString('hex')}@example.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      ...bodyLines,
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** A real message with its Date header replaced (corpus mail is old; the offline window wants recent mail). */
export function redated(raw: Buffer, date: Date): Buffer {
  const text = raw.toString('latin1');
  const headerEnd = text.search(/\r?\n\r?\n/);
  const head = text.slice(0, headerEnd).replace(/^Date:.*$/im, `Date: ${date.toUTCString().replace('GMT', '+0000')}`);
  return Buffer.from(head + text.slice(headerEnd), 'latin1');
}
