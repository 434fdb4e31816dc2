// An IMAP account's folder list in main's cache: LIST with STATUS counts (RFC 5819) mirrored into
// the folders table, special folders recognised by their SPECIAL-USE attributes (RFC 6154).
import type { ImapFlow, ListResponse } from 'imapflow';
import type { SpecialUse } from '../../../shared/api.ts';
import type { CacheDb } from '../cache/cache-db.ts';
import type { MailboxRow } from '../cache/mailboxes.ts';
import type { FolderSyncContext } from './folder-sync.ts';

const SPECIAL_USE: Record<string, SpecialUse> = {
  '\\Inbox': 'inbox',
  '\\Sent': 'sent',
  '\\Drafts': 'drafts',
  '\\Trash': 'trash',
  '\\Junk': 'junk',
  '\\Archive': 'archive',
  '\\All': 'all',
  '\\Flagged': 'flagged',
};

/** Inbox first, then the usual special folders, then the rest by name. */
const SYNC_ORDER: (SpecialUse | null)[] = ['inbox', 'sent', 'drafts', 'archive', null, 'junk', 'trash', 'flagged', 'all'];

/** The folders in the order a sync visits them. */
export function inSyncOrder(mailboxes: MailboxRow[]): MailboxRow[] {
  return [...mailboxes].sort((a, b) => SYNC_ORDER.indexOf(a.specialUse) - SYNC_ORDER.indexOf(b.specialUse) || a.path.localeCompare(b.path));
}

/** The account's folder with this special use, if it has one. */
export function specialFolder(cache: CacheDb, accountId: string, use: SpecialUse): MailboxRow | undefined {
  return cache.mailboxes.list(accountId).find((m) => m.specialUse === use);
}

/** Lists the server's folders into the cache (gone ones removed); returns the cached list. */
export async function syncFolderList(ctx: FolderSyncContext, client: ImapFlow): Promise<MailboxRow[]> {
  const { accountId, cache, events } = ctx;
  events.emit('sync.progress', { accountId, phase: 'folders', mailbox: null, done: 0, total: 0 });
  // A synced folder's counts are the cache's, kept by every change (updateCounts); the server's
  // STATUS (which costs it a look into every folder) is asked for only while some folder has never
  // been synced, so the first sync shows counts before it reaches each folder.
  const known = new Map(cache.mailboxes.list(accountId).map((m) => [m.path, m]));
  const needStatus = known.size === 0 || [...known.values()].some((m) => m.uidValidity === null);
  const list: ListResponse[] = await client.list(needStatus ? { statusQuery: { messages: true, unseen: true } } : {});
  const seen = new Set<string>();
  for (const f of list) {
    if (f.flags.has('\\Noselect') || f.flags.has('\\NonExistent')) continue;
    seen.add(f.path);
    const isInbox = f.path.toUpperCase() === 'INBOX';
    cache.mailboxes.upsert({
      accountId,
      path: f.path,
      name: isInbox ? 'Inbox' : f.name,
      delimiter: f.delimiter ?? null,
      parentPath: f.parentPath || null,
      // SPECIAL-USE flags first; imapflow falls back to the common names (Sent Items, Deleted Messages, Spam…).
      specialUse: isInbox ? 'inbox' : (SPECIAL_USE[f.specialUse ?? ''] ?? null),
      subscribed: f.subscribed === true,
      total: f.status?.messages ?? known.get(f.path)?.total ?? 0,
      unseen: f.status?.unseen ?? known.get(f.path)?.unseen ?? 0,
    });
  }
  for (const mb of cache.mailboxes.list(accountId)) if (!seen.has(mb.path)) cache.mailboxes.remove(mb.id);
  return cache.mailboxes.list(accountId);
}
