// Fills a Dovecot user's folder straight on disk (as a delivery agent would), for tests that need
// many messages fast, and runs python imaplib as "another mail client".
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { dovecot } from './peers.ts';

let counter = 0;

/** Writes messages into new/ of INBOX (or `.Folder`), in order, then hands the tree to uid mail. */
export function fillDovecotFolder(user: string, messages: Buffer[], folder = 'INBOX'): void {
  const root = dovecot.maildir(user);
  const dir = folder === 'INBOX' ? root : path.join(root, `.${folder}`);
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(dir, sub), { recursive: true });
  const base = Math.floor(Date.now() / 1000);
  for (const m of messages) {
    const name = `${base}.M${String(++counter).padStart(7, '0')}P${process.pid}R${randomBytes(3).toString('hex')}.hearth-test`;
    writeFileSync(path.join(dir, 'tmp', name), m);
    renameSync(path.join(dir, 'tmp', name), path.join(dir, 'new', name));
  }
  execFileSync('chown', ['-R', 'mail:mail', path.dirname(root)]);
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
