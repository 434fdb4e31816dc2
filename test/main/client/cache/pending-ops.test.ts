// Actions waiting for the IMAP server: order, attempts, the UIDs a sync must leave alone, and
// targets that follow a renamed folder.
import { describe, expect, it } from 'vitest';
import { PendingOps } from '../../../../src/main/client/cache/pending-ops.ts';
import { seedFolder, seededCaches } from '../../../support/cache-db.ts';

const cache = seededCaches();

describe('PendingOps', () => {
  it('keeps ops in order per account, counts attempts, and knows which UIDs wait', () => {
    const c = cache('a', 'b');
    const ops = new PendingOps(c);
    const inbox = seedFolder(c, 'a', 'INBOX');
    const first = ops.add({ accountId: 'a', kind: 'flags', mailboxId: inbox.id, uidValidity: 7, uids: [1, 2], payload: { add: ['\\Seen'] } });
    ops.add({ accountId: 'a', kind: 'expunge', mailboxId: inbox.id, uidValidity: 7, uids: [2, 3], payload: {} });
    ops.add({ accountId: 'b', kind: 'expunge', mailboxId: seedFolder(c, 'b', 'INBOX').id, uidValidity: null, uids: [9], payload: {} });
    ops.markAttempt(first);
    expect(ops.list('a').map((o) => [o.kind, o.uids, o.attempts])).toEqual([
      ['flags', [1, 2], 1],
      ['expunge', [2, 3], 0],
    ]);
    expect(ops.list('a')[0]).toMatchObject({ accountId: 'a', mailboxId: inbox.id, uidValidity: 7, payload: { add: ['\\Seen'] } });
    expect([...ops.pendingUids(inbox.id)].sort()).toEqual([1, 2, 3]);
    expect(ops.count('a')).toBe(2);
    ops.remove(first);
    expect(ops.count('a')).toBe(1);
    expect(ops.count('b')).toBe(1);
  });

  it('lets ops follow a renamed folder and its subfolders, and nothing else', () => {
    const c = cache('a');
    const ops = new PendingOps(c);
    const inbox = seedFolder(c, 'a', 'INBOX');
    const move = (targetPath: string) => ops.add({ accountId: 'a', kind: 'move', mailboxId: inbox.id, uidValidity: 1, uids: [1], payload: { targetPath } });
    move('Work');
    move('Work/2026');
    move('Workshop');
    ops.followRename('a', 'Work', 'Job', '/');
    expect(ops.list('a').map((o) => o.payload.targetPath)).toEqual(['Job', 'Job/2026', 'Workshop']);
  });

  it('are removed with their account', () => {
    const c = cache('a');
    const ops = new PendingOps(c);
    ops.add({ accountId: 'a', kind: 'expunge', mailboxId: seedFolder(c, 'a', 'INBOX').id, uidValidity: 1, uids: [1], payload: {} });
    c.accounts.remove('a');
    expect(ops.count('a')).toBe(0);
  });
});
