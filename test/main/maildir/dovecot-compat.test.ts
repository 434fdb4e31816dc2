// Our Maildir++ folders, handed to a real Dovecot 2.3 (shared/peers), read back over IMAP:
// the "household outgrows Hearth" path in docs/server.md.
import { describe, it, expect } from 'vitest';
import { cpSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { MaildirStore } from '../../../src/main/maildir/maildir-store.ts';
import { createDovecotUser, dovecot, DOVECOT_STATE } from '../../support/peers.ts';
import { corpusMessages } from '../../support/corpus.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { deliverToStore } from '../../support/store-delivery.ts';

/** Copies a Maildir into a new Dovecot user's home, as a household moving to Dovecot would, and logs in there over IMAP. */
async function handToDovecot(maildir: string): Promise<ImapFlow> {
  const { user, password } = createDovecotUser();
  const home = path.join(DOVECOT_STATE, 'mail', user);
  mkdirSync(home, { recursive: true });
  cpSync(maildir, path.join(home, 'Maildir'), { recursive: true });
  execFileSync('chown', ['-R', 'mail:mail', home]);
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.imapPort,
    secure: false,
    auth: { user, pass: password },
    logger: false,
    tls: { rejectUnauthorized: false },
  });
  await client.connect();
  return client;
}

describe('Dovecot reads the Maildir', () => {
  it('sees our folders (UTF-8 names), messages and standard flags', async () => {
    const msgs = corpusMessages(5);
    const store = new MaildirStore({ root: path.join(tempDir(), 'mail'), hostname: 'hearth.test' });
    const u = await store.user('alice@home.arpa');
    for (const m of msgs.slice(0, 3)) await deliverToStore(store, ['alice@home.arpa'], m.raw);
    const inbox = await u.openMailbox('INBOX');
    await inbox.setFlags([1], { mode: 'add', flags: ['\\Seen'] });
    await inbox.setFlags([2], { mode: 'add', flags: ['\\Seen', '\\Flagged', '\\Answered'] });
    await u.createMailbox('Entwürfe/2024');
    await u.append('Entwürfe/2024', msgs[3]!.raw, { flags: ['\\Draft'] });
    await u.append('Sent', msgs[4]!.raw, { flags: ['\\Seen'] });
    await u.drain();
    await store.close();

    const client = await handToDovecot(u.maildir);
    try {
      const paths = (await client.list()).map((m) => m.path);
      expect(paths).toEqual(expect.arrayContaining(['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive', 'Entwürfe', 'Entwürfe/2024']));
      const lock = await client.getMailboxLock('INBOX');
      try {
        const flags: string[][] = [];
        const sizes: number[] = [];
        for await (const m of client.fetch('1:*', { flags: true, size: true })) {
          flags.push([...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort());
          sizes.push(m.size ?? -1);
        }
        expect(flags).toEqual([['\\Seen'], ['\\Answered', '\\Flagged', '\\Seen'], []]);
        expect(sizes).toEqual(msgs.slice(0, 3).map((m) => m.raw.length));
        const body = await client.fetchOne('2', { source: true });
        expect(body && Buffer.compare(body.source!, msgs[1]!.raw)).toBe(0);
      } finally {
        lock.release();
      }
      const drafts = await client.status('Entwürfe/2024', { messages: true });
      expect(drafts && drafts.messages).toBe(1);
    } finally {
      await client.logout();
    }
  });

  it('after `dovecot-export`, Dovecot keeps our UIDVALIDITY, UIDs and keywords', async () => {
    const msgs = corpusMessages(4);
    const store = new MaildirStore({ root: path.join(tempDir(), 'mail'), hostname: 'hearth.test' });
    const u = await store.user('bob@home.arpa');
    for (const m of msgs) await deliverToStore(store, ['bob@home.arpa'], m.raw);
    const inbox = await u.openMailbox('INBOX');
    await inbox.remove([2]);
    await inbox.setFlags([3], { mode: 'add', flags: ['\\Seen', '$Forwarded', 'Family'] });
    const uidValidity = inbox.uidValidity;
    expect(await store.listStoredUsers()).toEqual(['bob@home.arpa']);
    expect(await u.exportForDovecot()).toMatchObject({ messages: 3 });
    await store.close();

    const client = await handToDovecot(u.maildir);
    try {
      const mb = await client.mailboxOpen('INBOX');
      expect(Number(mb.uidValidity)).toBe(uidValidity);
      expect(Number(mb.uidNext)).toBe(5);
      const seen: Array<[number, string[]]> = [];
      for await (const m of client.fetch('1:*', { uid: true, flags: true })) seen.push([m.uid, [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort()]);
      expect(seen).toEqual([
        [1, []],
        [3, ['$Forwarded', 'Family', '\\Seen']],
        [4, []],
      ]);
    } finally {
      await client.logout();
    }
  });
});
