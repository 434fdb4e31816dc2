import { describe, it, expect } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MailboxEvent } from '../../../src/main/maildir/types.ts';
import { deliver, maildirStores } from '../../support/maildir-store.ts';
import { corpusMessages } from '../../support/corpus.ts';
import { streamToBuffer } from '../../support/bytes.ts';

const newStore = maildirStores();
const msgs = corpusMessages(12);
const ALICE = 'alice@home.arpa';
const BOB = 'bob@home.arpa';

describe('MaildirDelivery: one message to several mailboxes, all or nothing', () => {
  it('writes the body once and links it into every recipient INBOX, byte for byte', async () => {
    const store = newStore();
    const raw = msgs[0]!.raw;
    const copies = await deliver(store, [ALICE, BOB, 'ALICE@home.arpa'], raw);
    expect(copies.map((c) => [c.address, c.mailbox, c.uid])).toEqual([
      [ALICE, 'INBOX', 1],
      [BOB, 'INBOX', 1],
    ]);
    for (const who of [ALICE, BOB]) {
      const u = await store.user(who);
      const inbox = await u.openMailbox('INBOX');
      const list = await inbox.listMessages();
      expect(list).toHaveLength(1);
      expect(list[0]!.size).toBe(raw.length);
      expect(list[0]!.flags).toEqual([]);
      expect(await inbox.readMessageBuffer(1)).toEqual(raw);
      expect(await streamToBuffer(await inbox.readMessage(1, { start: 5, end: 25 }))).toEqual(raw.subarray(5, 25));
      const newDir = path.join(u.maildir, 'new');
      const files = readdirSync(newDir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(new RegExp(`,S=${raw.length}$`));
    }
    // same inode in both mailboxes (hard link), and the spool is empty
    const a = await store.user(ALICE);
    const b = await store.user(BOB);
    const fa = path.join(a.maildir, 'new', readdirSync(path.join(a.maildir, 'new'))[0]!);
    const fb = path.join(b.maildir, 'new', readdirSync(path.join(b.maildir, 'new'))[0]!);
    expect(statSync(fa).ino).toBe(statSync(fb).ino);
    expect(readdirSync(store.spoolDir)).toEqual([]);
  });

  it('abort leaves nothing behind; commit without body or recipients fails', async () => {
    const store = newStore();
    const d = store.beginDelivery();
    d.addRecipient(ALICE);
    await d.body(msgs[1]!.raw);
    expect(readdirSync(store.spoolDir)).toHaveLength(1);
    await d.abort();
    expect(readdirSync(store.spoolDir)).toEqual([]);
    const u = await store.user(ALICE);
    expect((await u.status('INBOX')).messages).toBe(0);
    const d2 = store.beginDelivery();
    d2.addRecipient(ALICE);
    await expect(d2.commit()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const d3 = store.beginDelivery();
    await d3.body(Buffer.from('x'));
    await expect(d3.commit()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('delivers a stream, to another mailbox with flags, and announces it to watchers', async () => {
    const store = newStore();
    const u = await store.user(ALICE);
    const events: MailboxEvent[] = [];
    const off = u.watch('Archive', (e) => events.push(e));
    const d = store.beginDelivery();
    d.addRecipient(ALICE, { mailbox: 'Archive', flags: ['\\Seen'] });
    const { Readable } = await import('node:stream');
    await d.body(Readable.from([msgs[2]!.raw.subarray(0, 10), msgs[2]!.raw.subarray(10)]));
    const [copy] = await d.commit();
    off();
    expect(copy).toMatchObject({ mailbox: 'Archive', uid: 1 });
    expect(events).toEqual([expect.objectContaining({ type: 'exists', mailbox: 'Archive', uids: [1], uidNext: 2, messages: 1 })]);
    const mb = await u.openMailbox('Archive');
    expect((await mb.listMessages())[0]!.flags).toEqual(['\\Seen']);
    expect(readdirSync(path.join(u.maildir, '.Archive', 'cur'))[0]).toMatch(/:2,S$/);
    expect(await mb.readMessageBuffer(1)).toEqual(msgs[2]!.raw);
  });

  it('concurrent deliveries get distinct increasing UIDs', async () => {
    const store = newStore();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => deliver(store, [ALICE], msgs[i % msgs.length]!.raw)));
    const uids = results.map((r) => r[0]!.uid).sort((a, b) => a - b);
    expect(uids).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const st = await (await store.user(ALICE)).status('INBOX');
    expect(st).toMatchObject({ messages: 40, uidNext: 41, unseen: 40 });
  });

  it('the message count announced with each delivery stays right across expunge, copy, move and other batches', async () => {
    const store = newStore();
    const u = await store.user(ALICE);
    const counts: number[] = [];
    const off = u.watch('INBOX', (e) => {
      if (e.type === 'exists') counts.push(e.messages);
    });
    const inbox = await u.openMailbox('INBOX');
    for (const m of msgs.slice(0, 3)) await inbox.append(m.raw);
    await inbox.setFlags([1], { mode: 'add', flags: ['\\Deleted'] });
    await inbox.expunge();
    await inbox.append(msgs[3]!.raw);
    const archive = await u.openMailbox('Archive');
    await archive.append(msgs[4]!.raw);
    await archive.copy([1], 'INBOX');
    await inbox.append(msgs[5]!.raw);
    await inbox.move([2], 'Archive');
    await deliver(store, [ALICE], msgs[6]!.raw);
    off();
    // 1, 2, 3, then 3-1+1, +1 copied, +1, -1 moved, +1 delivered
    expect(counts).toEqual([1, 2, 3, 3, 4, 5, 5]);
    expect((await u.status('INBOX')).messages).toBe(5);
  });
});
