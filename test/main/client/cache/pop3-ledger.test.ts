// The POP3 download ledger: one record per UIDL and account, deletion requests, forgetting.
import { describe, expect, it } from 'vitest';
import { Pop3Ledger } from '../../../../src/main/client/cache/pop3-ledger.ts';
import { seededCaches } from '../../../support/cache-db.ts';

const cache = seededCaches();

describe('Pop3Ledger', () => {
  it('records each UIDL once per account, with deletion requests, forgetting, and the last local UID', () => {
    const c = cache('a', 'b');
    const a = new Pop3Ledger(c, 'a');
    const b = new Pop3Ledger(c, 'b');
    expect(a.maxLocalUid()).toBe(0);
    a.record('u1', 1000, 1);
    a.record('u2', 2000, 2);
    a.record('u1', 3000, 5); // a second record of the same download changes nothing
    b.record('u1', 4000, 9);
    a.requestDelete(2);
    expect(a.seen()).toEqual(
      new Map([
        ['u1', { seenAt: 1000, localUid: 1, deleteRequested: false }],
        ['u2', { seenAt: 2000, localUid: 2, deleteRequested: true }],
      ]),
    );
    expect(a.maxLocalUid()).toBe(2);
    a.forget(['u2']);
    expect([...a.seen().keys()]).toEqual(['u1']);
    expect(b.seen().get('u1')).toEqual({ seenAt: 4000, localUid: 9, deleteRequested: false });
  });
});
