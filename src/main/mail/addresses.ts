// The parts of a mail address that routing and local delivery decide on. An address is split at
// its last "@": a quoted local part may contain one, a domain never does (RFC 5321 4.1.2).
import { domainToASCII } from 'node:url';

/** The domain of an address, lower-cased (domains are case-insensitive); '' when there is no "@". */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at >= 0 ? address.slice(at + 1) : '').toLowerCase();
}

/**
 * The domain of an address in the form local domains are configured in: ASCII (IDNA A-labels,
 * RFC 5890), without a trailing root dot, lower-cased; '' when there is no "@". A name IDNA
 * cannot convert is kept as written.
 */
export function asciiDomainOf(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = at < 0 ? '' : address.slice(at + 1).replace(/\.$/, '');
  return (domainToASCII(domain) || domain).toLowerCase();
}
