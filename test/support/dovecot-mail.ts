// A Dovecot user's mail, from outside Hearth: delivered over LMTP as an MTA would, written straight
// into the Maildir as a local delivery agent would (fast, for many messages), and read or changed
// as another mail client would (imapflow, python imaplib).
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { ImapFlow } from 'imapflow';
import { dovecot } from './peers.ts';

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

/** Writes messages into new/ of a shared-peer user's INBOX (or `folder`), in order. */
export function putIntoDovecotMaildir(user: string, messages: Buffer[], folder = 'INBOX'): void {
  putIntoMaildir(dovecot.maildir(user), messages, folder);
}

let seq = 0;

/** The same for a Maildir given by path (a private Dovecot instance); then hands the tree to uid mail. */
export function putIntoMaildir(maildir: string, messages: Buffer[], folder = 'INBOX'): void {
  const dir = folder === 'INBOX' ? maildir : path.join(maildir, `.${folder}`);
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(dir, sub), { recursive: true });
  const base = Math.floor(Date.now() / 1000);
  for (const m of messages) {
    // Dovecot orders new/ by file name; a rising counter keeps our order.
    const name = `${base}.M${String(++seq).padStart(7, '0')}P${process.pid}R${randomBytes(4).toString('hex')}.hearth-test`;
    writeFileSync(path.join(dir, 'tmp', name), m);
    renameSync(path.join(dir, 'tmp', name), path.join(dir, 'new', name));
  }
  execFileSync('chown', ['-R', 'mail:mail', path.dirname(maildir)]);
}

/** The raw messages in a Dovecot user's folder, read over IMAP. */
export async function dovecotMessages(user: string, password: string, folder = 'INBOX'): Promise<Buffer[]> {
  const c = new ImapFlow({ host: '127.0.0.1', port: dovecot.imapPort, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false });
  await c.connect();
  const out: Buffer[] = [];
  try {
    const lock = await c.getMailboxLock(folder);
    try {
      if (c.mailbox && c.mailbox.exists) for await (const m of c.fetch('1:*', { source: true })) out.push(m.source!);
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
  return out;
}

/**
 * Runs a python imaplib session as another client: `body` is Python using `c` (logged in to
 * Dovecot over plain IMAP on loopback); whatever it prints is returned.
 */
export function imaplib(user: string, password: string, body: string): string {
  const script = [
    'import imaplib, sys, json',
    `c = imaplib.IMAP4('127.0.0.1', ${dovecot.imapPort})`,
    `c.login(${JSON.stringify(user)}, ${JSON.stringify(password)})`,
    ...body.split('\n'),
    'c.logout()',
  ].join('\n');
  return execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', timeout: 30_000 });
}
