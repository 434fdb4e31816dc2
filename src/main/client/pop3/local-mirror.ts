// A POP3 account's mail lives in a local store (the household server's Maildir store); main's
// cache mirrors it like IMAP mail: its folders, then in each folder the messages (new ones
// summarised from their bytes), their flags and the counts.
import type { SpecialUse } from '../../../shared/api.ts';
import { summariseRawMessage } from '../../mail/message-summary.ts';
import type { UserMailStore } from '../../maildir/types.ts';
import type { CacheDb } from '../cache/cache-db.ts';
import type { MailboxRow } from '../cache/mailboxes.ts';
import type { MessageInput } from '../cache/messages.ts';

/** The local folders every POP3 account has, and what they are for. */
export const LOCAL_FOLDERS: [string, SpecialUse][] = [
  ['INBOX', 'inbox'],
  ['Sent', 'sent'],
  ['Drafts', 'drafts'],
  ['Trash', 'trash'],
  ['Junk', 'junk'],
];

export interface MirrorContext {
  accountId: string;
  cache: CacheDb;
}

/** Brings main's cache in line with the local store (folders, messages, flags); returns the folders by path. */
export async function mirrorLocalStore(ctx: MirrorContext, u: UserMailStore): Promise<Map<string, MailboxRow>> {
  const { accountId, cache } = ctx;
  const byPath = new Map<string, MailboxRow>();
  const listed = await u.listMailboxes();
  for (const mb of listed) {
    const use = LOCAL_FOLDERS.find(([n]) => n === mb.name)?.[1] ?? null;
    cache.mailboxes.upsert({
      accountId,
      path: mb.name,
      name: mb.name === 'INBOX' ? 'Inbox' : (mb.name.split('/').pop() ?? mb.name),
      delimiter: '/',
      parentPath: mb.name.includes('/') ? mb.name.slice(0, mb.name.lastIndexOf('/')) : null,
      specialUse: use,
      subscribed: true,
      total: mb.messages,
      unseen: mb.unseen,
    });
  }
  const names = new Set(listed.map((m) => m.name));
  for (const row of cache.mailboxes.list(accountId)) {
    if (!names.has(row.path)) cache.mailboxes.remove(row.id);
    else byPath.set(row.path, row);
  }
  for (const [name, row] of byPath) {
    const handle = await u.openMailbox(name);
    const metas = await handle.listMessages();
    const cached = cache.messages.uids(row.id);
    const onDisk = new Set(metas.map((m) => m.uid));
    const gone = [...cached].filter(([uid]) => !onDisk.has(uid)).map(([, v]) => v.id);
    if (gone.length) cache.messages.remove(gone);
    const added: MessageInput[] = [];
    for (const m of metas) {
      const c = cached.get(m.uid);
      const flags = [...m.flags].sort();
      if (c) {
        if (c.flags.join(' ') !== flags.join(' ')) cache.messages.setFlags(c.id, flags);
        continue;
      }
      added.push(summariseLocal({ accountId, mailboxId: row.id, uid: m.uid, flags, size: m.size }, m.internalDate, await handle.readMessageBuffer(m.uid)));
    }
    if (added.length) cache.messages.upsert(added);
    cache.mailboxes.updateCounts(row.id);
  }
  return byPath;
}

/** A stored message's summary for the cache; one broken beyond reading is still listed (readable as raw text). */
export function summariseLocal(
  base: { accountId: string; mailboxId: number; uid: number; flags: string[]; size: number },
  internalDate: Date,
  raw: Buffer,
): MessageInput {
  try {
    const m = summariseRawMessage(raw);
    return { ...base, ...m, date: m.date ?? internalDate.getTime() };
  } catch {
    return {
      ...base,
      messageId: null,
      subject: '(unreadable message)',
      from: [],
      to: [],
      cc: [],
      date: internalDate.getTime(),
      snippet: '',
      hasAttachments: false,
      parentIds: [],
    };
  }
}
