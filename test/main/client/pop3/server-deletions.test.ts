// The POP3 deletion rules as a table: what a check deletes on the server, and which ledger
// records it forgets afterwards.
import { describe, expect, it } from 'vitest';
import type { Pop3LedgerEntry } from '../../../../src/main/client/cache/pop3-ledger.ts';
import { defaultPop3Options, goneFromServer, serverDeletions, type Pop3Options } from '../../../../src/main/client/pop3/server-deletions.ts';

const DAY = 86_400_000;
const now = 100 * DAY;
const uidls = [
  { msg: 1, uid: 'old' },
  { msg: 2, uid: 'recent' },
  { msg: 3, uid: 'deleted-here' },
  { msg: 4, uid: 'new' },
];
const entry = (seenAt: number, deleteRequested = false): Pop3LedgerEntry => ({ seenAt, localUid: 1, deleteRequested });
// After this session recorded message 4.
const ledger = new Map([
  ['old', entry(now - 30 * DAY)],
  ['recent', entry(now - 2 * DAY)],
  ['deleted-here', entry(now - 2 * DAY, true)],
  ['new', entry(now)],
]);

const cases: [string, Partial<Pop3Options>, { uidl: boolean }, number[]][] = [
  ['leave on server (default): only what was deleted here', {}, { uidl: true }, [3]],
  ['leave on server, never delete deleted-here mail', { deleteWhenDeletedHere: false }, { uidl: true }, []],
  ['leave on server for 7 days', { deleteAfterDays: 7 }, { uidl: true }, [1, 3]],
  ['leave on server for 0 days: everything recorded', { deleteAfterDays: 0, deleteWhenDeletedHere: false }, { uidl: true }, [1, 2, 3, 4]],
  ['do not leave on server: everything recorded and downloaded', { leaveOnServer: false }, { uidl: true }, [1, 2, 3, 4]],
  ['no UIDL: what was downloaded now, whatever the options', { deleteAfterDays: 7 }, { uidl: false }, [4]],
];

describe('serverDeletions', () => {
  for (const [name, options, { uidl }, expected] of cases) {
    it(name, () => {
      const deleted = serverDeletions({
        uidls: uidl ? uidls : null,
        downloaded: [4],
        ledger,
        options: { ...defaultPop3Options, ...options },
        now,
      });
      expect([...deleted].sort()).toEqual(expected);
    });
  }

  it('never deletes a message the ledger does not know (downloaded by nobody)', () => {
    const deleted = serverDeletions({ uidls, downloaded: [], ledger: new Map(), options: { ...defaultPop3Options, leaveOnServer: false }, now });
    expect([...deleted]).toEqual([]);
  });
});

describe('goneFromServer', () => {
  it('forgets records of messages deleted now or no longer listed by the server', () => {
    expect(goneFromServer(uidls.slice(1), new Set([3]), ['old', 'recent', 'deleted-here', 'new'])).toEqual(['old', 'deleted-here']);
  });
});
