// Real messages for tests: the shared MIME corpus and a few written here, delivered to Dovecot
// the way an MTA would (LMTP) or a client would (APPEND).
import { readdirSync, readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { ImapFlow } from 'imapflow';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { dovecot } from './peers.ts';

export const CORPUS_DIR = path.resolve(import.meta.dirname, '../../../shared/corpus/mime');

export function corpusFiles(prefix = ''): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.eml') && f.startsWith(prefix))
    .sort()
    .map((f) => path.join(CORPUS_DIR, f));
}

export function corpusMessage(name: string): Buffer {
  return readFileSync(path.join(CORPUS_DIR, name));
}

export interface SimpleMessage {
  from: string;
  to: string;
  subject: string;
  body: string;
  date?: Date;
  messageId?: string;
}

export function rfc822(m: SimpleMessage): Buffer {
  const date = (m.date ?? new Date()).toUTCString().replace('GMT', '+0000');
  const id = m.messageId ?? `<${randomBytes(8).toString('hex')}@test.example>`;
  return Buffer.from(
    `From: ${m.from}\r\nTo: ${m.to}\r\nSubject: ${m.subject}\r\nDate: ${date}\r\nMessage-ID: ${id}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${m.body}\r\n`,
  );
}

/** Delivers messages to a Dovecot user's INBOX over LMTP, as an MTA would. */
export async function deliverToDovecot(user: string, messages: Buffer[]): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: dovecot.lmtpPort, lmtp: true, secure: false, ignoreTLS: true });
  try {
    for (const raw of messages) {
      await transport.sendMail({ envelope: { from: 'sender@example.test', to: [user] }, raw });
    }
  } finally {
    transport.close();
  }
}

/** Appends messages to any folder of a Dovecot user over IMAP. */
export async function appendToDovecot(user: string, password: string, folder: string, messages: Buffer[], flags: string[] = []): Promise<void> {
  const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.imapPort, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false });
  await client.connect();
  try {
    for (const m of messages) await client.append(folder, m, flags);
  } finally {
    await client.logout();
  }
}
