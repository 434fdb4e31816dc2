// The store's half of \Recent (RFC 3501 2.3.2), kept as Dovecot keeps it: one mark per mailbox,
// the first recent UID. Every new message (delivered, appended, copied or moved in) is at or above
// it; an IMAP session claims what is below the UID it asks for, and nobody gets it again. The mark
// is in the index, so it survives a restart, and an index from before it existed starts with
// nothing recent.
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { deliver, maildirStores } from '../../support/maildir-store.ts';
import { corpusMessages } from '../../support/corpus.ts';

const newStore = maildirStores();
const msgs = corpusMessages(6);
const ALICE = 'alice@home.arpa';

describe('MaildirStore: the first recent UID', () => {
  it('new messages are recent until claimed; a claim is taken once', async () => {
    const store = newStore();
    const u = await store.user(ALICE);
    const inbox = await u.openMailbox('INBOX');
    expect(inbox.firstRecentUid()).toBe(1);
    for (const m of msgs.slice(0, 3)) await u.append('INBOX', m.raw);
    expect((await inbox.status()).recent).toBe(3);
    // A session told of UIDs 1 and 2 claims them: the mark was at 1, so both are its.
    expect(inbox.claimRecent(3)).toBe(1);
    expect(inbox.firstRecentUid()).toBe(3);
    expect((await inbox.status()).recent).toBe(1);
    // Another session told of the same UIDs gets none of them.
    expect(inbox.claimRecent(3)).toBe(3);
    expect(inbox.claimRecent(2)).toBe(3);
    expect(inbox.firstRecentUid()).toBe(3);
    expect(inbox.claimRecent(4)).toBe(3);
    expect((await inbox.status()).recent).toBe(0);
  });

  it('deliveries, appends, copies and moves in are recent; LIST counts them per mailbox', async () => {
    const store = newStore();
    await deliver(store, [ALICE], msgs[0]!.raw);
    const u = await store.user(ALICE);
    await u.append('INBOX', msgs[1]!.raw, { flags: ['\\Seen'] });
    const inbox = await u.openMailbox('INBOX');
    expect(inbox.claimRecent(3)).toBe(1);
    await inbox.copy([1], 'Archive');
    await inbox.move([2], 'Archive');
    await u.append('Archive', msgs[2]!.raw);
    const archive = await u.openMailbox('Archive');
    expect((await archive.status()).recent).toBe(3);
    const list = await u.listMailboxes();
    expect(list.find((m) => m.name === 'Archive')!.recent).toBe(3);
    expect(list.find((m) => m.name === 'INBOX')!.recent).toBe(0);
    expect(list.find((m) => m.name === 'Sent')!.recent).toBe(0);
    // Expunged messages are not counted, and the mark does not move for them.
    await archive.remove([1]);
    expect((await archive.status()).recent).toBe(2);
    expect(archive.firstRecentUid()).toBe(1);
  });

  it('survives a restart', async () => {
    const root = path.join(newStore().root, '..', 'restart');
    const first = newStore(root);
    const u = await first.user(ALICE);
    for (const m of msgs.slice(0, 4)) await u.append('INBOX', m.raw);
    expect((await u.openMailbox('INBOX')).claimRecent(3)).toBe(1);
    await first.close();
    const again = await newStore(root).user(ALICE);
    const inbox = await again.openMailbox('INBOX');
    expect(inbox.firstRecentUid()).toBe(3);
    expect((await inbox.status()).recent).toBe(2);
  });

  it('an index from before the mark existed is upgraded with nothing recent', async () => {
    const root = path.join(newStore().root, '..', 'upgrade');
    const first = newStore(root);
    const u = await first.user(ALICE);
    for (const m of msgs.slice(0, 3)) await u.append('INBOX', m.raw);
    await first.close();
    // Make it an index of the earlier schema: no first_recent_uid column.
    const db = new DatabaseSync(path.join(root, 'home.arpa', 'alice', 'hearth-index.sqlite'));
    db.exec('ALTER TABLE mailboxes DROP COLUMN first_recent_uid');
    db.close();
    const again = await newStore(root).user(ALICE);
    const inbox = await again.openMailbox('INBOX');
    expect(inbox.firstRecentUid()).toBe(4);
    expect((await inbox.status()).recent).toBe(0);
    await again.append('INBOX', msgs[3]!.raw);
    expect((await inbox.status()).recent).toBe(1);
  });
});
