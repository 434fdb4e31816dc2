// Subscriptions in the store: they outlive DELETE (RFC 3501 6.3.9), come back with a re-created
// mailbox, survive reopening the index, and can be dropped without the mailbox.
import { describe, it, expect, afterEach } from 'vitest';
import path from 'node:path';
import { MaildirStore } from '../../../src/main/maildir/maildir-store.ts';
import { tempDir } from '../../support/temp-dir.ts';

const stores: MaildirStore[] = [];
function newStore(root: string): MaildirStore {
  const s = new MaildirStore({ root, hostname: 'test.host' });
  stores.push(s);
  return s;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {});
});

describe('MaildirStore: subscriptions', () => {
  it('keeps the subscription of a deleted mailbox until it is unsubscribed or created again', async () => {
    const root = path.join(tempDir(), 'mail');
    const u = await newStore(root).user('alice@home.arpa');
    expect(await u.listSubscriptions()).toEqual(['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
    await u.createMailbox('Club/2026', { subscribed: false });
    expect(await u.listSubscriptions()).not.toContain('Club');
    await u.setSubscribed('Club/2026', true);
    await u.deleteMailbox('Club/2026');
    expect(await u.listSubscriptions()).toContain('Club/2026');
    expect(await u.exists('Club/2026')).toBe(false);

    await u.createMailbox('Club/2026', { subscribed: false });
    expect((await u.status('Club/2026')).subscribed).toBe(true);
    await u.deleteMailbox('Club/2026');

    // Still there after the index is opened again.
    await stores[0]!.close();
    const again = await newStore(root).user('alice@home.arpa');
    expect(await again.listSubscriptions()).toContain('Club/2026');
    await again.setSubscribed('Club/2026', false);
    expect(await again.listSubscriptions()).not.toContain('Club/2026');
    await again.setSubscribed('Never/There', false); // unsubscribing an unknown name is fine
    await expect(again.setSubscribed('Never/There', true)).rejects.toMatchObject({ code: 'MAILBOX_NOT_FOUND' });
  });

  it('does not list a name twice when a mailbox is renamed onto a kept subscription', async () => {
    const u = await newStore(path.join(tempDir(), 'mail')).user('alice@home.arpa');
    await u.createMailbox('Old', { subscribed: true });
    await u.deleteMailbox('Old');
    await u.createMailbox('Other', { subscribed: true });
    await u.renameMailbox('Other', 'Old');
    expect((await u.listSubscriptions()).filter((n) => n === 'Old')).toEqual(['Old']);
    await u.setSubscribed('Old', false);
    expect(await u.listSubscriptions()).not.toContain('Old');
  });
});
