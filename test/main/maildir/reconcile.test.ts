import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deliver, maildirStores } from '../../support/maildir-store.ts';
import { corpusMessages } from '../../support/corpus.ts';
import { tempDir } from '../../support/temp-dir.ts';

const newStore = maildirStores();
const msgs = corpusMessages(12);
const ALICE = 'alice@home.arpa';

describe('reconcile: the index brought in line with the folders when a user is opened', () => {
  it('picks up a message linked into new/ whose index commit was lost (crash between link and commit)', async () => {
    const root = path.join(tempDir(), 'mail');
    let store = newStore(root);
    await deliver(store, [ALICE], msgs[0]!.raw);
    const md = (await store.user(ALICE)).maildir;
    await store.close();
    writeFileSync(path.join(md, 'new', `1700000000.M1P1Q1.elsewhere,S=${msgs[1]!.raw.length}`), msgs[1]!.raw);
    store = newStore(root);
    const inbox = await (await store.user(ALICE)).openMailbox('INBOX');
    const list = await inbox.listMessages();
    expect(list.map((m) => m.uid)).toEqual([1, 2]);
    expect(await inbox.readMessageBuffer(2)).toEqual(msgs[1]!.raw);
  });

  it('keeps keywords through a rebuild of a Maildir that carries them as Dovecot does (after hearth dovecot-export)', async () => {
    const root = path.join(tempDir(), 'mail');
    let store = newStore(root);
    for (const m of msgs.slice(0, 3)) await deliver(store, [ALICE], m.raw);
    let u = await store.user(ALICE);
    let inbox = await u.openMailbox('INBOX');
    await inbox.setFlags([1], { mode: 'add', flags: ['$Label1', '\\Seen'] });
    await inbox.setFlags([3], { mode: 'add', flags: ['$Forwarded'] });
    await u.exportForDovecot();
    await store.close();
    for (const f of readdirSync(u.dir)) if (f.startsWith('hearth-index.sqlite')) rmSync(path.join(u.dir, f));
    store = newStore(root);
    u = await store.user(ALICE);
    inbox = await u.openMailbox('INBOX');
    const after = await inbox.listMessages();
    const bodies = await Promise.all(after.map((m) => inbox.readMessageBuffer(m.uid)));
    const flagsOf = (i: number) => after[bodies.findIndex((b) => b.equals(msgs[i]!.raw))]!.flags;
    expect(flagsOf(0)).toEqual(expect.arrayContaining(['$Label1', '\\Seen']));
    expect(flagsOf(1)).toEqual([]);
    expect(flagsOf(2)).toEqual(['$Forwarded']);
    await store.close();
  });

  it('rebuilds a deleted index from the Maildir: mail and flags are there, UIDVALIDITY greater', async () => {
    const root = path.join(tempDir(), 'mail');
    let store = newStore(root);
    for (const m of msgs.slice(0, 5)) await deliver(store, [ALICE], m.raw);
    let u = await store.user(ALICE);
    await u.createMailbox('Receipts/2024');
    await u.append('Receipts/2024', msgs[6]!.raw, { flags: ['\\Seen'] });
    let inbox = await u.openMailbox('INBOX');
    await inbox.setFlags([2], { mode: 'add', flags: ['\\Seen', '\\Flagged'] });
    await inbox.setFlags([4], { mode: 'add', flags: ['\\Answered', '\\Seen'] });
    await inbox.remove([5]);
    const before = await inbox.listMessages();
    const v = inbox.uidValidity;
    await store.close();
    for (const f of readdirSync(u.dir)) if (f.startsWith('hearth-index.sqlite')) rmSync(path.join(u.dir, f));
    store = newStore(root);
    u = await store.user(ALICE);
    inbox = await u.openMailbox('INBOX');
    expect(inbox.uidValidity).toBeGreaterThan(v);
    const after = await inbox.listMessages();
    expect(after).toHaveLength(4);
    const bodies = await Promise.all(after.map((m) => inbox.readMessageBuffer(m.uid)));
    const bySubject = new Map(after.map((m, i) => [bodies[i]!.toString('latin1'), m.flags]));
    for (const b of before) {
      const raw = msgs[b.uid - 1]!.raw.toString('latin1');
      expect(bySubject.get(raw)).toEqual(b.flags.filter((f) => f.startsWith('\\')));
    }
    expect((await u.listMailboxes()).map((m) => [m.name, m.specialUse])).toEqual(
      expect.arrayContaining([
        ['Sent', '\\Sent'],
        ['Receipts/2024', null],
        ['Trash', '\\Trash'],
      ]),
    );
    expect(await (await u.openMailbox('Receipts/2024')).listMessages()).toEqual([expect.objectContaining({ flags: ['\\Seen'] })]);
    expect(readFileSync(path.join(u.dir, 'hearth-uidvalidity'), 'utf8').trim()).toMatch(/^\d+$/);
  });
});
