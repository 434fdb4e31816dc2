// Per-user storage quotas: the limit is the user's `quotaBytes` in server.json (set with
// config.ts setStorageLimit), the usage is the total size of the user's messages in every mailbox
// as the store's index counts it (UserMailStore.storageUsed). One quota per account, like
// Dovecot's default "User quota" root; IMAP shows it (RFC 9208), APPEND/COPY and inbound SMTP
// enforce it. The check is soft under races (two deliveries at once may both fit), as Dovecot's.

import { HearthError } from '../../../shared/errors.ts';
import type { MailStore, UserMailStore } from '../../maildir/types.ts';
import type { UserDirectory } from './types.ts';

/** Binary multiples, as Dovecot's quota sizes: 1M = 1024 KiB. */
const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * A size as the CLI (or an admin API) takes it: "none" (no limit) -> null; "2G", "500M", "64K",
 * "1.5G", "1048576" (bytes); a trailing "B"/"iB" is allowed ("500MB", "2GiB"). Zero is not a
 * limit: use "none".
 */
export function parseStorageSize(text: string): number | null {
  const t = String(text ?? '').trim();
  if (/^none$/i.test(t)) return null;
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(t);
  const bytes = m ? Math.round(Number(m[1]) * UNITS[m[2]!.toUpperCase()]!) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new HearthError('INVALID_ARGUMENT', `Invalid size: ${JSON.stringify(text)} (use e.g. 500M, 2G, a number of bytes, or none)`, {
      field: 'quota',
    });
  return bytes;
}

/** The shortest exact spelling parseStorageSize reads back: 2G, 500M, 1536K, 1000 (bytes). */
export function formatStorageSize(bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K']) {
    const n = UNITS[unit]!;
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return String(bytes);
}

export interface StorageUsage {
  /** Bytes of all the user's messages. */
  usedBytes: number;
  /** The quota in bytes, or null for none. */
  limitBytes: number | null;
}

/** The user's limit as server.json says now (the directory re-reads it when the CLI changes it). */
export async function storageLimit(users: UserDirectory, address: string): Promise<number | null> {
  return (await users.getUser(address))?.quotaBytes ?? null;
}

/** Limit and usage; the usage query runs only for users with a limit (the others need no sum). */
export async function storageUsage(users: UserDirectory, mail: UserMailStore): Promise<StorageUsage> {
  const limitBytes = await storageLimit(users, mail.address);
  return { limitBytes, usedBytes: limitBytes === null ? 0 : await mail.storageUsed() };
}

/** The same for a user known by address (inbound delivery); the store opens the user only if limited. */
export async function storageUsageOf(users: UserDirectory, store: MailStore, address: string): Promise<StorageUsage> {
  const limitBytes = await storageLimit(users, address);
  return { limitBytes, usedBytes: limitBytes === null ? 0 : await (await store.user(address)).storageUsed() };
}

/** True when `addBytes` more would go past the limit (a message that exactly fills it fits). */
export function exceedsQuota(usage: StorageUsage, addBytes: number): boolean {
  return usage.limitBytes !== null && usage.usedBytes + addBytes > usage.limitBytes;
}

/** True when nothing more fits (usage at or past the limit). */
export function quotaFull(usage: StorageUsage): boolean {
  return usage.limitBytes !== null && usage.usedBytes >= usage.limitBytes;
}
