// What the outbox needs of an IMAP server's Sent and Drafts folders: finding a message by its
// Message-ID (SEARCH HEADER, RFC 3501 6.4.4) and replacing or removing a draft's copy.
import type { ImapFlow } from 'imapflow';

/** UIDs of the folder's messages with this Message-ID. */
export async function uidsWithMessageId(client: ImapFlow, path: string, messageId: string): Promise<number[]> {
  const lock = await client.getMailboxLock(path);
  try {
    return (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
  } finally {
    lock.release();
  }
}

/** Replaces a draft: old copies (same Message-ID) out, the new one in (appended first, so one is always there). */
export async function replaceDraft(client: ImapFlow, path: string, raw: Buffer, messageId: string): Promise<void> {
  const old = await uidsWithMessageId(client, path, messageId);
  await client.append(path, raw, ['\\Draft', '\\Seen']);
  if (old.length) await deleteUids(client, path, old);
}

/** Removes every copy of a draft. */
export async function deleteDraft(client: ImapFlow, path: string, messageId: string): Promise<void> {
  const old = await uidsWithMessageId(client, path, messageId);
  if (old.length) await deleteUids(client, path, old);
}

async function deleteUids(client: ImapFlow, path: string, uids: number[]): Promise<void> {
  const lock = await client.getMailboxLock(path);
  try {
    await client.messageDelete(uids, { uid: true });
  } finally {
    lock.release();
  }
}
