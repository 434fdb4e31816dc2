// Main's cache (CacheDb) in a temp folder, with the rows tests of its tables and ledgers need.
import { afterEach } from 'vitest';
import { CacheDb } from '../../src/main/client/cache/cache-db.ts';
import type { Mailbox } from '../../src/shared/api.ts';
import { tempDir } from './temp-dir.ts';

/** A fresh cache; close it when done. */
export function tempCacheDb(): CacheDb {
  return new CacheDb(tempDir('cache'));
}

/**
 * For a test file: a function that opens a fresh cache with the given accounts seeded; every cache
 * it opened is closed after each test.
 */
export function seededCaches(): (...accounts: string[]) => CacheDb {
  const open: CacheDb[] = [];
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  return (...accounts) => {
    const c = tempCacheDb();
    open.push(c);
    for (const id of accounts) seedAccount(c, id);
    return c;
  };
}

/** An IMAP account row with placeholder settings. */
export function seedAccount(cache: CacheDb, id: string): void {
  cache.accounts.insert({
    id,
    name: id,
    email: `${id}@x.test`,
    config: { protocol: 'imap', host: 'h', port: 993, tls: 'tls', user: 'u', auth: 'password' },
    outgoing: null,
    sealedPassword: 'x',
    sealedSmtpPassword: null,
  });
}

/** A folder of the account at `folderPath` ('/' as delimiter). */
export function seedFolder(cache: CacheDb, accountId: string, folderPath: string, specialUse: Mailbox['specialUse'] = null): Mailbox {
  return cache.mailboxes.upsert({
    accountId,
    path: folderPath,
    name: folderPath === 'INBOX' ? 'Inbox' : folderPath.split('/').pop()!,
    delimiter: '/',
    parentPath: folderPath.includes('/') ? folderPath.slice(0, folderPath.lastIndexOf('/')) : null,
    specialUse,
    subscribed: true,
    total: 0,
    unseen: 0,
  });
}

/** `n` plain messages in the folder (uid and date 1…n, subject m0…); returns their ids. */
export function seedMessages(cache: CacheDb, accountId: string, mailboxId: number, n: number): number[] {
  return cache.messages.upsert(
    Array.from({ length: n }, (_, i) => ({
      accountId,
      mailboxId,
      uid: i + 1,
      messageId: null,
      subject: `m${i}`,
      from: [],
      to: [],
      cc: [],
      date: i,
      flags: [],
      size: 1,
      snippet: '',
      hasAttachments: false,
    })),
  );
}
