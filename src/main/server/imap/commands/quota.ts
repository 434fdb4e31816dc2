// What GETQUOTA, GETQUOTAROOT, APPEND and COPY share about the account's storage quota (RFC 9208,
// ../../users/quota.ts). One quota root, "", covers every mailbox of the account (as Dovecot's
// default single root does).
import { no } from '../command-types.ts';
import type { ImapSession } from '../session.ts';
import { quote } from '../protocol/response.ts';
import { exceedsQuota, storageUsage } from '../../users/quota.ts';
import { requireMail } from './helpers.ts';

/** The name of the account's one quota root. */
export const QUOTA_ROOT = '';

/**
 * `* QUOTA "" (STORAGE used limit)` in KiB (RFC 9208 5.1: units of 1024 octets, rounded down as
 * Dovecot does), or nothing for a user without a limit: Dovecot leaves out a root with no limit.
 */
export async function quotaLines(session: ImapSession): Promise<string[]> {
  const usage = await storageUsage(session.shared.ctx.users, requireMail(session));
  if (usage.limitBytes === null) return [];
  return [`* QUOTA ${quote(QUOTA_ROOT)} (STORAGE ${Math.floor(usage.usedBytes / 1024)} ${Math.floor(usage.limitBytes / 1024)})\r\n`];
}

/**
 * NO [OVERQUOTA] (the RFC 9208 response code) when `addBytes` more would go past the limit; the
 * command then stores nothing. `addBytes` may be a function: it runs only for a user with a limit.
 */
export async function requireQuotaRoom(session: ImapSession, addBytes: number | (() => Promise<number>)): Promise<void> {
  const usage = await storageUsage(session.shared.ctx.users, requireMail(session));
  if (usage.limitBytes === null) return;
  if (exceedsQuota(usage, typeof addBytes === 'number' ? addBytes : await addBytes())) throw no('Quota exceeded', 'OVERQUOTA');
}
