// Puts messages straight into a Dovecot user's Maildir (new/), the way a local delivery agent would.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { dovecot } from './peers.ts';

let seq = 0;

/** Writes each message as its own file in new/ (in order), then hands the tree to uid mail. */
export function putIntoDovecotMaildir(user: string, messages: Buffer[]): void {
  putIntoDovecotMaildirAt(dovecot.maildir(user), messages);
}

/** The same for a Maildir given by path (a private Dovecot instance). */
export function putIntoDovecotMaildirAt(maildir: string, messages: Buffer[]): void {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true });
  const base = Math.floor(Date.now() / 1000);
  for (const m of messages) {
    // Dovecot orders new/ by file name; a rising counter keeps our order.
    const name = `${base}.M${String(++seq).padStart(6, '0')}P${process.pid}R${randomBytes(4).toString('hex')}.hearth-test`;
    writeFileSync(path.join(maildir, 'tmp', name), m);
    execFileSync('mv', [path.join(maildir, 'tmp', name), path.join(maildir, 'new', name)]);
  }
  execFileSync('chown', ['-R', 'mail:mail', path.dirname(maildir)]);
}

/** Lone LF becomes CRLF: how Dovecot's POP3 server sends any stored message. */
export function toCrlf(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** A small RFC 5322 message with a given body (CRLF line ends). */
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
