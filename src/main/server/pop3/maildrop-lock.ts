// RFC 1939 maildrop lock: one POP3 session per user at a time, shared by every POP3 listener
// (plain and implicit TLS) of the same store in this process.
import type { MailStore } from '../../maildir/types.ts';

const locks = new WeakMap<MailStore, Set<string>>();

/** Takes the lock; false if another session holds it. */
export function tryLockMaildrop(store: MailStore, address: string): boolean {
  let held = locks.get(store);
  if (!held) locks.set(store, (held = new Set()));
  const key = address.toLowerCase();
  if (held.has(key)) return false;
  held.add(key);
  return true;
}

export function unlockMaildrop(store: MailStore, address: string): void {
  locks.get(store)?.delete(address.toLowerCase());
}
