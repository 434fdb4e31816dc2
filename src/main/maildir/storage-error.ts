// How the store reports file-system failures: as the HearthErrors of the MailStore interface.

import { HearthError } from '../../shared/errors.ts';

export function isEnoent(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/** DISK_FULL for a full disk or quota, STORAGE for any other failure; a HearthError passes as it is. */
export function storageError(e: unknown): HearthError {
  if (e instanceof HearthError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new HearthError('DISK_FULL');
  return new HearthError('STORAGE', `Mail store: ${(e as Error)?.message ?? String(e)}`);
}
