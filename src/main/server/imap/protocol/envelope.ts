// ENVELOPE (RFC 3501 7.4.2) of a parsed message, with Dovecot's spelling of what the header lacks.
import addressparser from 'nodemailer/lib/addressparser';
import { headerValue, type MimePart } from '../../../mail/mime-tree.ts';
import type { ImapValue } from './response.ts';

/** A header-derived string: the raw bytes, quoted when 7-bit, as a literal when not (like Dovecot). */
export function nstring(v: string | null): string | Buffer | null {
  if (v === null || v === '') return null;
  return /[^\t\x20-\x7e]/.test(v) ? Buffer.from(v, 'latin1') : v;
}

function addressList(value: string | null): ImapValue {
  if (!value) return null;
  let parsed: ReturnType<typeof addressparser>;
  try {
    parsed = addressparser(value);
  } catch {
    return null;
  }
  const out: ImapValue[] = [];
  const one = (name: string, address: string): ImapValue => {
    // Like Dovecot: a bare word is a mailbox, and a missing domain is spelled MISSING_DOMAIN.
    if (!address) return [null, null, nstring(name) ?? '', 'MISSING_DOMAIN'];
    const at = address.lastIndexOf('@');
    const mailbox = at < 0 ? address : address.slice(0, at);
    const host = at < 0 || at === address.length - 1 ? 'MISSING_DOMAIN' : address.slice(at + 1);
    return [nstring(name), null, nstring(mailbox) ?? '', nstring(host)];
  };
  for (const a of parsed) {
    if ('group' in a && a.group) {
      out.push([null, null, a.name || '', null]);
      for (const g of a.group) out.push(one(g.name ?? '', g.address ?? ''));
      out.push([null, null, null, null]);
    } else if ('address' in a) {
      if (!a.address && !a.name) continue;
      out.push(one(a.name, a.address ?? ''));
    }
  }
  // env-from = "(" 1*address ")": addresses follow each other without spaces.
  return out.length ? [{ concat: out }] : null;
}

export function envelope(part: MimePart): ImapValue {
  const h = part.headers;
  const from = addressList(headerValue(h, 'from'));
  const sender = addressList(headerValue(h, 'sender')) ?? from;
  const replyTo = addressList(headerValue(h, 'reply-to')) ?? from;
  return [
    nstring(headerValue(h, 'date')),
    nstring(headerValue(h, 'subject')),
    from,
    sender,
    replyTo,
    addressList(headerValue(h, 'to')),
    addressList(headerValue(h, 'cc')),
    addressList(headerValue(h, 'bcc')),
    nstring(headerValue(h, 'in-reply-to')),
    nstring(headerValue(h, 'message-id')),
  ];
}
