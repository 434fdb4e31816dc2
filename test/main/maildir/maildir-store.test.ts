import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { MaildirStore } from '../../../src/main/maildir/maildir-store.ts';
import type { MailboxEvent } from '../../../src/main/maildir/types.ts';
import { deliver, maildirStores } from '../../support/maildir-store.ts';
import { corpusMessages } from '../../support/corpus.ts';
import { tempDir } from '../../support/temp-dir.ts';

const newStore = maildirStores();
const msgs = corpusMessages(12);
const ALICE = 'alice@home.arpa';

describe('MaildirStore: layout', () => {
  it('creates the default mailboxes with special-use, Dovecot Maildir++ folders', async () => {
    const store = newStore();
    const u = await store.user('Alice@Home.Arpa');
    expect(u.address).toBe(ALICE);
    const list = await u.listMailboxes();
    expect(list.map((m) => [m.name, m.specialUse])).toEqual([
      ['INBOX', null],
      ['Archive', '\\Archive'],
      ['Drafts', '\\Drafts'],
      ['Junk', '\\Junk'],
      ['Sent', '\\Sent'],
      ['Trash', '\\Trash'],
    ]);
    const md = path.join(store.root, 'home.arpa', 'alice', 'Maildir');
    for (const d of ['cur', 'new', 'tmp', '.Sent/cur', '.Drafts/new', '.Trash/tmp', '.Junk/cur', '.Archive/cur'])
      expect(existsSync(path.join(md, d))).toBe(true);
    expect(existsSync(path.join(md, '.Sent', 'maildirfolder'))).toBe(true);
  });

  it('stores UTF-8 names as modified UTF-7 Maildir++ folders and lists them back', async () => {
    const store = newStore();
    const u = await store.user(ALICE);
    await u.createMailbox('Entwürfe/2024 Q1');
    await u.createMailbox('Mr. Smith & Co');
    const md = path.join(store.root, 'home.arpa', 'alice', 'Maildir');
    expect(existsSync(path.join(md, '.Entw&APw-rfe'))).toBe(true);
    expect(existsSync(path.join(md, '.Entw&APw-rfe.2024 Q1'))).toBe(true);
    expect(existsSync(path.join(md, '.Mr\\2e Smith &- Co'))).toBe(true);
    const names = (await u.listMailboxes()).map((m) => m.name);
    expect(names).toContain('Entwürfe');
    expect(names).toContain('Entwürfe/2024 Q1');
    expect(names).toContain('Mr. Smith & Co');
    expect((await u.listMailboxes()).find((m) => m.name === 'Entwürfe')!.hasChildren).toBe(true);
    await expect(u.createMailbox('entwürfe/2024 Q1'.replace('e', 'E'))).rejects.toMatchObject({ code: 'MAILBOX_EXISTS' });
  });
});

describe('MaildirStore: flags, modseq, copy, move, expunge', () => {
  it('sets flags with UNCHANGEDSINCE, tracks modseq and vanished UIDs, renames files', async () => {
    const store = newStore();
    for (const m of msgs.slice(0, 4)) await deliver(store, [ALICE], m.raw);
    const u = await store.user(ALICE);
    const inbox = await u.openMailbox('INBOX');
    const st0 = await inbox.status();
    const ev: MailboxEvent[] = [];
    inbox.watch((e) => ev.push(e));
    const r1 = await inbox.setFlags([[1, 2]], { mode: 'add', flags: ['\\seen', 'Work', '$Forwarded'] });
    expect(r1.failed).toEqual([]);
    expect(r1.updated.map((m) => m.flags)).toEqual([
      ['\\Seen', '$Forwarded', 'Work'],
      ['\\Seen', '$Forwarded', 'Work'],
    ]);
    const ms1 = r1.updated[0]!.modseq;
    expect(ms1).toBeGreaterThan(st0.highestModseq);
    expect(ev.at(-1)).toMatchObject({ type: 'flags', messages: [{ uid: 1 }, { uid: 2 }] });
    // UNCHANGEDSINCE older than message 1's modseq fails for 1 and 2, succeeds for 3
    const r2 = await inbox.setFlags([1, 2, 3], { mode: 'add', flags: ['\\Flagged'], unchangedSince: ms1 - 1 });
    expect(r2.failed).toEqual([1, 2]);
    expect(r2.updated.map((m) => m.uid)).toEqual([3]);
    const changes = await inbox.changesSince(ms1 - 1);
    expect(changes.changed.map((m) => m.uid)).toEqual([1, 2, 3]);
    await inbox.setFlags([4], { mode: 'add', flags: ['\\Deleted'] });
    expect(await inbox.expunge()).toEqual([4]);
    const after = await inbox.changesSince(ms1);
    expect(after.vanished).toEqual([4]);
    expect(after.changed.map((m) => m.uid)).toEqual([3]);
    expect((await inbox.status()).messages).toBe(3);
    await u.drain();
    const cur = readdirSync(path.join(u.maildir, 'cur')).sort();
    expect(cur.map((f) => f.replace(/^.*:2,/, ''))).toEqual(expect.arrayContaining(['S', 'S', 'F']));
    expect(readdirSync(path.join(u.maildir, 'new'))).toHaveLength(0);
    await expect(inbox.readMessageBuffer(4)).rejects.toMatchObject({ code: 'MESSAGE_GONE' });
    expect(await inbox.readMessageBuffer(1)).toEqual(msgs[0]!.raw);
    const st = await inbox.status();
    expect(st.unseen).toBe(1);
  });

  it('copy and move return UID mappings; move expunges the source', async () => {
    const store = newStore();
    for (const m of msgs.slice(0, 3)) await deliver(store, [ALICE], m.raw);
    const u = await store.user(ALICE);
    const inbox = await u.openMailbox('INBOX');
    await inbox.setFlags([2], { mode: 'add', flags: ['\\Answered'] });
    const c = await inbox.copy([1, 2, 99], 'Archive');
    const archive = await u.openMailbox('Archive');
    expect(c).toEqual({
      uidValidity: archive.uidValidity,
      mapping: [
        [1, 1],
        [2, 2],
      ],
    });
    expect((await archive.listMessages()).map((m) => m.flags)).toEqual([[], ['\\Answered']]);
    const m = await inbox.move([[2, 3]], 'Trash');
    expect(m.mapping).toEqual([
      [2, 1],
      [3, 2],
    ]);
    expect(m.expunged).toEqual([2, 3]);
    expect((await inbox.listMessages()).map((x) => x.uid)).toEqual([1]);
    const trash = await u.openMailbox('Trash');
    expect(await trash.readMessageBuffer(2)).toEqual(msgs[2]!.raw);
    await expect(inbox.copy([1], 'Nope')).rejects.toMatchObject({ code: 'MAILBOX_NOT_FOUND' });
    // POP3-style removal is seen through IMAP too
    await inbox.remove([1]);
    expect(await (await u.openMailbox('INBOX')).listMessages()).toEqual([]);
  });

  it('append keeps flags and internal date; rename and delete mailboxes', async () => {
    const store = newStore();
    const u = await store.user(ALICE);
    const when = new Date('2020-02-03T04:05:06Z');
    const r = await u.append('Drafts', msgs[3]!.raw, { flags: ['\\Draft', '\\Seen'], internalDate: when });
    expect(r.uid).toBe(1);
    const d = await u.openMailbox('Drafts');
    const [meta] = await d.listMessages();
    expect(meta!.internalDate.getTime()).toBe(when.getTime());
    expect(meta!.flags).toEqual(['\\Seen', '\\Draft']);
    await u.createMailbox('Projects/Old');
    await u.append('Projects/Old', msgs[4]!.raw);
    await u.renameMailbox('Projects', 'Done/Projects');
    const names = (await u.listMailboxes()).map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['Done', 'Done/Projects', 'Done/Projects/Old']));
    expect(names).not.toContain('Projects');
    expect(await (await u.openMailbox('Done/Projects/Old')).readMessageBuffer(1)).toEqual(msgs[4]!.raw);
    await u.deleteMailbox('Done/Projects/Old');
    expect(await u.exists('Done/Projects/Old')).toBe(false);
    await expect(u.deleteMailbox('INBOX')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('MaildirStore: UIDs and UIDVALIDITY across restarts and crashes', () => {
  it('UIDs never go down or get reused across a restart', async () => {
    const root = path.join(tempDir(), 'mail');
    let store = newStore(root);
    for (const m of msgs.slice(0, 3)) await deliver(store, [ALICE], m.raw);
    let inbox = await (await store.user(ALICE)).openMailbox('INBOX');
    const v = inbox.uidValidity;
    await inbox.remove([3]);
    await store.close();
    store = newStore(root);
    const [c] = await deliver(store, [ALICE], msgs[5]!.raw);
    expect(c!.uid).toBe(4);
    inbox = await (await store.user(ALICE)).openMailbox('INBOX');
    expect(inbox.uidValidity).toBe(v);
    expect((await inbox.listMessages()).map((m) => m.uid)).toEqual([1, 2, 4]);
  });

  it('recreating a mailbox gives a greater UIDVALIDITY', async () => {
    const store = newStore();
    const u = await store.user(ALICE);
    const a = await u.createMailbox('Temp');
    await u.deleteMailbox('Temp');
    const b = await u.createMailbox('Temp');
    expect(b.uidValidity).toBeGreaterThan(a.uidValidity);
    await u.renameMailbox('Temp', 'Temp2');
    const c = await u.createMailbox('Temp');
    expect(c.uidValidity).toBeGreaterThan(b.uidValidity);
  });

  it('UIDNEXT survives kill -9 of a process in the middle of deliveries', async () => {
    const root = path.join(tempDir(), 'mail');
    const storeModule = path.resolve(import.meta.dirname, '../../../src/main/maildir/maildir-store.ts');
    const script = `
      import { MaildirStore } from ${JSON.stringify(storeModule)};
      const store = new MaildirStore({ root: ${JSON.stringify(root)}, hostname: 'crash' });
      const body = Buffer.from('Subject: crash test\\r\\n\\r\\nbody\\r\\n');
      for (let i = 0; ; i++) {
        const d = store.beginDelivery(); d.addRecipient('alice@home.arpa'); await d.body(body);
        const [c] = await d.commit();
        process.stdout.write(c.uid + '\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let seen = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        const lines = d.toString().trim().split('\n');
        seen = Math.max(seen, ...lines.map(Number));
        if (seen >= 25) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.on('exit', r));
    const store = newStore(root);
    const inbox = await (await store.user(ALICE)).openMailbox('INBOX');
    const uids = (await inbox.listMessages()).map((m) => m.uid);
    // every UID announced is there, no gaps below it, and the next one is greater
    for (let i = 1; i <= seen; i++) expect(uids).toContain(i);
    const [c] = await deliver(store, [ALICE], msgs[0]!.raw);
    expect(c!.uid).toBeGreaterThan(Math.max(...uids));
  });

  it('after an unclean stop that lost a delivery commit, no announced UID is reused', async () => {
    const root = path.join(tempDir(), 'mail');
    const a = new MaildirStore({ root, hostname: 'a' }); // never closed cleanly: the "crashed" process
    for (const m of msgs.slice(0, 3)) await deliver(a, [ALICE], m.raw);
    const ua = await a.user(ALICE);
    // the commit that recorded UIDs 2 and 3 never reached the disk
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(path.join(ua.dir, 'hearth-index.sqlite'));
    db.exec("DELETE FROM messages WHERE uid IN (2, 3); UPDATE mailboxes SET uidnext = 2, highest_modseq = 2 WHERE name = 'INBOX'");
    db.close();
    const b = newStore(root);
    const inbox = await (await b.user(ALICE)).openMailbox('INBOX');
    const uids = (await inbox.listMessages()).map((m) => m.uid);
    expect(uids).toHaveLength(3); // the two messages are back (their files were durable)...
    expect(uids[0]).toBe(1);
    expect(uids[1]).toBeGreaterThan(3); // ...under UIDs above anything announced before
    const st = await inbox.status();
    expect(st.highestModseq).toBeGreaterThan(3);
    const bodies = await Promise.all(uids.map((u) => inbox.readMessageBuffer(u)));
    expect(bodies.map((x) => x.length).sort()).toEqual(
      msgs
        .slice(0, 3)
        .map((m) => m.raw.length)
        .sort(),
    );
  });

  it('after an unclean stop that lost a flag change (committed without fsync), no announced MODSEQ is reused', async () => {
    const root = path.join(tempDir(), 'mail');
    const a = new MaildirStore({ root, hostname: 'a' }); // never closed cleanly
    for (const m of msgs.slice(0, 2)) await deliver(a, [ALICE], m.raw);
    const ua = await a.user(ALICE);
    const inboxA = await ua.openMailbox('INBOX');
    const before = (await inboxA.status()).highestModseq;
    // More changes than one reserved block holds, so reservations must have been extended durably.
    for (let i = 0; i < 150; i++) await inboxA.setFlags([2], { mode: i % 2 ? 'remove' : 'add', flags: ['\\Answered'] });
    const r = await inboxA.setFlags([1], { mode: 'add', flags: ['\\Flagged', 'work'] });
    const announced = r.updated[0]!.modseq;
    expect(announced).toBeGreaterThan(before);
    // A power cut takes the flag change's commit back (it was never fsynced).
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(path.join(ua.dir, 'hearth-index.sqlite'));
    db.prepare("UPDATE messages SET flags = '', modseq = ? WHERE uid = 1").run(before);
    db.prepare("UPDATE mailboxes SET highest_modseq = ? WHERE name = 'INBOX'").run(before);
    db.close();
    const b = newStore(root);
    const inbox = await (await b.user(ALICE)).openMailbox('INBOX');
    expect((await inbox.status()).highestModseq).toBeGreaterThanOrEqual(announced);
    const again = await inbox.setFlags([2], { mode: 'add', flags: ['\\Seen'] });
    expect(again.updated[0]!.modseq).toBeGreaterThan(announced);
  });

  it('a clean restart leaves no UID gap', async () => {
    const root = path.join(tempDir(), 'mail');
    let store = newStore(root);
    await deliver(store, [ALICE], msgs[0]!.raw);
    await store.close();
    store = newStore(root);
    const [c] = await deliver(store, [ALICE], msgs[1]!.raw);
    expect(c!.uid).toBe(2);
  });
});

describe('MaildirStore: listings between changes', () => {
  it('serves a repeated listing from memory and shows every kind of change after it', async () => {
    const store = newStore();
    for (const m of msgs.slice(0, 4)) await deliver(store, [ALICE], m.raw);
    const inbox = await (await store.user(ALICE)).openMailbox('INBOX');
    const uidsAndFlags = async (uids?: number[]) => (await inbox.listMessages(uids)).map((m) => [m.uid, m.flags.join(' ')]);
    expect(await uidsAndFlags()).toEqual([
      [1, ''],
      [2, ''],
      [3, ''],
      [4, ''],
    ]);
    // A caller changing the array it was given does not change the next listing.
    (await inbox.listMessages()).pop();
    expect(await uidsAndFlags([2, 4, 9])).toEqual([
      [2, ''],
      [4, ''],
    ]);
    await inbox.setFlags([2], { mode: 'add', flags: ['\\Flagged', '$Label1'] });
    expect(await uidsAndFlags()).toEqual([
      [1, ''],
      [2, '\\Flagged $Label1'],
      [3, ''],
      [4, ''],
    ]);
    await deliver(store, [ALICE], msgs[4]!.raw);
    expect((await uidsAndFlags()).map(([uid]) => uid)).toEqual([1, 2, 3, 4, 5]);
    await inbox.setFlags([1], { mode: 'add', flags: ['\\Deleted'] });
    await inbox.expunge();
    expect((await uidsAndFlags()).map(([uid]) => uid)).toEqual([2, 3, 4, 5]);
    await inbox.move([3], 'Archive');
    expect((await uidsAndFlags()).map(([uid]) => uid)).toEqual([2, 4, 5]);
  });
});
