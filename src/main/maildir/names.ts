// Mailbox names: UTF-8 names with '/' as seen by clients <-> Maildir++ folder names on disk
// (".Parent.Child", each part in IMAP modified UTF-7 like Dovecot; '.' and '\' inside a part are
// escaped as "\2e" and "\5c", Dovecot's listescape convention).

import { HearthError } from '../../shared/errors.ts';

/** RFC 3501 5.1.3 modified UTF-7. */
export function encodeMUtf7(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      out += c === 0x26 ? '&-' : s[i];
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && !(s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x7e)) j++;
    const buf = Buffer.alloc((j - i) * 2);
    for (let k = i; k < j; k++) buf.writeUInt16BE(s.charCodeAt(k), (k - i) * 2);
    out += '&' + buf.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
    i = j;
  }
  return out;
}

export function decodeMUtf7(s: string): string {
  return s.replace(/&([^-]*)-/g, (_m, b64: string) => {
    if (b64 === '') return '&';
    const buf = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    let out = '';
    for (let k = 0; k + 1 < buf.length; k += 2) out += String.fromCharCode(buf.readUInt16BE(k));
    return out;
  });
}

/** Normalise a client-supplied name: NFC, INBOX case-folded, no empty parts, no leading/trailing '/'. */
export function normaliseMailboxName(name: string): string {
  if (typeof name !== 'string') throw new HearthError('INVALID_ARGUMENT', 'Mailbox name must be a string', { field: 'mailbox' });
  let n = name.normalize('NFC');
  while (n.endsWith('/')) n = n.slice(0, -1);
  if (n === '' || n.startsWith('/') || n.includes('//'))
    throw new HearthError('INVALID_ARGUMENT', `Invalid mailbox name: ${JSON.stringify(name)}`, { field: 'mailbox' });
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(n)) throw new HearthError('INVALID_ARGUMENT', 'Mailbox names cannot contain control characters', { field: 'mailbox' });
  if (n.length > 512) throw new HearthError('INVALID_ARGUMENT', 'Mailbox name too long', { field: 'mailbox' });
  const parts = n.split('/');
  if (parts[0]!.toUpperCase() === 'INBOX') parts[0] = 'INBOX';
  for (const p of parts) if (p === '.' || p === '..') throw new HearthError('INVALID_ARGUMENT', 'Invalid mailbox name', { field: 'mailbox' });
  return parts.join('/');
}

function escapePart(p: string): string {
  return encodeMUtf7(p.replace(/\\/g, '\\5c').replace(/\./g, '\\2e'));
}

function unescapePart(p: string): string {
  return decodeMUtf7(p).replace(/\\2e/gi, '.').replace(/\\5c/gi, '\\');
}

/** Folder name under the Maildir root: '' for INBOX, ".Sent", ".Archive.2024". */
export function mailboxToFolder(name: string): string {
  if (name === 'INBOX') return '';
  return '.' + name.split('/').map(escapePart).join('.');
}

/** Inverse of mailboxToFolder; null for names that are not Maildir++ folders. */
export function folderToMailbox(folder: string): string | null {
  if (folder === '') return 'INBOX';
  if (!folder.startsWith('.') || folder === '.' || folder === '..') return null;
  const parts = folder.slice(1).split('.');
  if (parts.some((p) => p === '')) return null;
  const name = parts.map(unescapePart).join('/');
  // Dovecot stores children of INBOX as ".INBOX.child"
  return name;
}
