// A user's address as the two folder names the store keeps the user's mail under.

import { HearthError } from '../../shared/errors.ts';

/** Split an address into [local, domain], lower-cased, checked to be safe as folder names. */
export function addressParts(address: string): [string, string] {
  const a = String(address).trim().toLowerCase().normalize('NFC');
  const at = a.lastIndexOf('@');
  const local = a.slice(0, at);
  const domain = a.slice(at + 1);
  const bad = (s: string) => s === '' || s === '.' || s === '..' || s.startsWith('.') || /[/\\\0\s:]/.test(s) || s.length > 200;
  if (at <= 0 || bad(local) || bad(domain)) throw new HearthError('BAD_ADDRESS', `Invalid address: ${JSON.stringify(address)}`);
  return [local, domain];
}
