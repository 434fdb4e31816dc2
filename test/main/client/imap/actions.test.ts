// The local half of IMAP actions on a real cache: what the UI sees at once, and the ops (one per
// folder, with its UIDVALIDITY) that will carry each action to the server.
import { afterEach, describe, expect, it } from 'vitest';
import type { CacheDb } from '../../../../src/main/client/cache/cache-db.ts';
import {
  copyLocally,
  deleteLocally,
  moveLocally,
  removeForGoodLocally,
  setFlagsLocally,
  type ActionContext,
} from '../../../../src/main/client/imap/actions.ts';
import { BodyStore } from '../../../../src/main/client/imap/body-store.ts';
import { seedAccount, seedFolder, tempCacheDb } from '../../../support/cache-db.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const open: CacheDb[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

function setup() {
  const cache = tempCacheDb();
  open.push(cache);
  seedAccount(cache, 'acc');
  const inbox = seedFolder(cache, 'acc', 'INBOX', 'inbox');
  const work = seedFolder(cache, 'acc', 'Work');
  const trash = seedFolder(cache, 'acc', 'Trash', 'trash');
  cache.mailboxes.setSyncState(inbox.id, { uidValidity: 11, uidNext: 10, highestModseq: null });
  cache.mailboxes.setSyncState(work.id, { uidValidity: 22, uidNext: 10, highestModseq: null });
  const message = (mailboxId: number, uid: number, flags: string[] = []) => ({
    accountId: 'acc',
    mailboxId,
    uid,
    messageId: `<${mailboxId}.${uid}@x.test>`,
    subject: `m${uid}`,
    from: [],
    to: [],
    cc: [],
    date: uid,
    flags,
    size: 1,
    snippet: '',
    hasAttachments: false,
  });
  const [a, b, c, t] = cache.messages.upsert([message(inbox.id, 1), message(inbox.id, 2, ['\\Seen']), message(work.id, 5), message(trash.id, 7)]);
  for (const mb of [inbox, work, trash]) cache.mailboxes.updateCounts(mb.id);
  const bodies = new BodyStore(tempDir('actions'));
  const ctx: ActionContext = { accountId: 'acc', cache, bodies };
  const row = (id: number) => cache.mailboxes.get(id)!;
  return { cache, bodies, ctx, inbox: row(inbox.id), work: row(work.id), trash: row(trash.id), ids: { a: a!, b: b!, c: c!, t: t! } };
}

describe('IMAP actions, locally', () => {
  it('flags show at once with the unread count, and one op per folder goes out', () => {
    const { cache, ctx, inbox, work, ids } = setup();
    const ops = setFlagsLocally(ctx, [ids.a, ids.b, ids.c], ['\\Seen'], ['\\Flagged']);
    expect(cache.messages.get(ids.a)!.flags).toEqual(['\\Seen']);
    expect(cache.mailboxes.get(inbox.id)!.unseen).toBe(0);
    expect(ops).toEqual([
      { accountId: 'acc', kind: 'flags', mailboxId: inbox.id, uidValidity: 11, uids: [1, 2], payload: { add: ['\\Seen'], remove: ['\\Flagged'] } },
      { accountId: 'acc', kind: 'flags', mailboxId: work.id, uidValidity: 22, uids: [5], payload: { add: ['\\Seen'], remove: ['\\Flagged'] } },
    ]);
  });

  it('a move leaves the source folder at once (offline copy too); the target gets it from its next sync', () => {
    const { cache, bodies, ctx, inbox, work, ids } = setup();
    bodies.write(ids.a, Buffer.from('raw'));
    const ops = moveLocally(ctx, [ids.a, ids.c], work);
    expect(ops).toEqual([{ accountId: 'acc', kind: 'move', mailboxId: inbox.id, uidValidity: 11, uids: [1], payload: { targetPath: 'Work' } }]);
    expect(cache.messages.get(ids.a)).toBeNull();
    expect(cache.messages.get(ids.c)).not.toBeNull(); // already in the target
    expect(bodies.read(ids.a)).toBeNull();
    expect(cache.mailboxes.get(inbox.id)!.total).toBe(1);
  });

  it('a copy changes nothing here and names the Message-IDs (a retried COPY checks them first)', () => {
    const { cache, ctx, inbox, work, ids } = setup();
    const ops = copyLocally(ctx, [ids.a, ids.b], work);
    expect(ops).toEqual([
      {
        accountId: 'acc',
        kind: 'copy',
        mailboxId: inbox.id,
        uidValidity: 11,
        uids: [1, 2],
        payload: { targetPath: 'Work', messageIds: [`<${inbox.id}.1@x.test>`, `<${inbox.id}.2@x.test>`] },
      },
    ]);
    expect(cache.messages.page(inbox.id, 0, 10).total).toBe(2);
  });

  it('delete moves to Trash, and expunges what is in Trash or where there is none', () => {
    const { cache, ctx, inbox, trash, ids } = setup();
    expect(deleteLocally(ctx, [ids.a, ids.t], trash).map((o) => [o.mailboxId, o.kind, o.payload])).toEqual([
      [inbox.id, 'move', { targetPath: 'Trash' }],
      [trash.id, 'expunge', {}],
    ]);
    expect(deleteLocally(ctx, [ids.b], undefined).map((o) => o.kind)).toEqual(['expunge']);
    expect(cache.messages.page(inbox.id, 0, 10).total).toBe(0);
  });

  it('removing for good expunges without Trash', () => {
    const { cache, ctx, work, ids } = setup();
    expect(removeForGoodLocally(ctx, [ids.c]).map((o) => [o.mailboxId, o.kind, o.uids])).toEqual([[work.id, 'expunge', [5]]]);
    expect(cache.messages.get(ids.c)).toBeNull();
  });

  it('ignores messages no longer cached', () => {
    const { ctx } = setup();
    expect(setFlagsLocally(ctx, [999_999], ['\\Seen'], [])).toEqual([]);
  });
});
