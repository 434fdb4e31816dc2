// Whose addresses a logged-in user may send as (RFC 6409 6.1: the submission server may check
// that the envelope sender is one the user is authorised to use). Asked by both SMTP listeners.
import { domainOf } from '../../mail/addresses.ts';
import type { UserDirectory } from './types.ts';

/** True when `sender` is the user's own address or an address that delivers to that user (alias). */
export async function senderBelongsTo(users: UserDirectory, sender: string, user: string): Promise<boolean> {
  const s = sender.toLowerCase();
  if (!s) return false;
  if (s === user.toLowerCase()) return true;
  if (!users.isLocalDomain(domainOf(s))) return false;
  const targets = await users.resolveRecipient(s);
  return !!targets && targets.map((t) => t.toLowerCase()).includes(user.toLowerCase());
}
