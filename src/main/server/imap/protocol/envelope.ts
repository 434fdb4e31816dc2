// ENVELOPE (RFC 3501 7.4.2) of a parsed message, with Dovecot's spelling of what the header lacks.
import { parseAddressList } from '../../../mail/address-list.ts';
import { headerValue, type MimePart } from '../../../mail/mime-tree.ts';
import type { ImapValue } from './response.ts';

/**
 * A header-derived string: the raw bytes, quoted when 7-bit, as a literal when not or when it
 * holds a quote or backslash (like Dovecot, which quotes only what needs no escaping).
 */
export function nstring(v: string | null): string | Buffer | null {
  if (v === null || v === '') return null;
  return /[^\t\x20-\x7e]|["\\]/.test(v) ? Buffer.from(v, 'latin1') : v;
}

/**
 * An address header as ENVELOPE's list of addresses (RFC 3501 7.4.2): a group is a start marker
 * (NIL NIL "name" NIL), its members, and an end marker (NIL NIL NIL NIL). Like Dovecot, a missing
 * local part or domain is spelled MISSING_MAILBOX / MISSING_DOMAIN, an unreadable <address>'s
 * domain SYNTAX_ERROR.
 */
function addressList(value: string | null): ImapValue {
  if (!value) return null;
  const out: ImapValue[] = [];
  for (const a of parseAddressList(value)) {
    if (a.kind === 'group') out.push([null, null, nstring(a.name) ?? '', null]);
    else if (a.kind === 'group-end') out.push([null, null, null, null]);
    else {
      const domain = a.syntaxError ? 'SYNTAX_ERROR' : (a.domain ?? 'MISSING_DOMAIN');
      out.push([nstring(a.name), nstring(a.route), nstring(a.mailbox ?? 'MISSING_MAILBOX') ?? '', nstring(domain) ?? '']);
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
