// Flags show at once in the offline copy (the rows and the reader render from it) before main has
// them, and go back when main refuses, unless main's journal has changed them since.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { HearthDb } from '../../src/renderer/src/db.ts';
import { chunks, flagAtOnce } from '../../src/renderer/src/use-bulk-actions.ts';
import type { MessageSummary } from '../../src/shared/api.ts';

const summary = (id: number, flags: string[]): MessageSummary => ({
  id,
  accountId: 'acc',
  mailboxId: 1,
  uid: id,
  messageId: null,
  subject: `m${id}`,
  from: [],
  to: [],
  cc: [],
  date: id,
  flags,
  size: 100,
  snippet: '',
  hasAttachments: false,
  threadId: id,
});

let n = 0;
async function db(rows: MessageSummary[]): Promise<HearthDb> {
  const d = new HearthDb(`bulk-${n++}`);
  await d.messages.bulkPut(rows);
  return d;
}
const flagsOf = async (d: HearthDb) => (await d.messages.toArray()).map((m) => [m.id, m.flags]);

describe('flagAtOnce', () => {
  it('sets the flag on each message at once and takes it back from those it changed', async () => {
    const d = await db([summary(1, []), summary(2, ['\\Seen']), summary(3, ['\\Flagged'])]);
    const undo = await flagAtOnce(d, [1, 2, 3, 99], '\\Flagged', true);
    expect(await flagsOf(d)).toEqual([
      [1, ['\\Flagged']],
      [2, ['\\Seen', '\\Flagged']],
      [3, ['\\Flagged']],
    ]);
    await undo();
    // Message 3 had it before: it keeps it.
    expect(await flagsOf(d)).toEqual([
      [1, []],
      [2, ['\\Seen']],
      [3, ['\\Flagged']],
    ]);
  });

  it('leaves alone what main changed meanwhile, and brings back no message main removed', async () => {
    const d = await db([summary(1, ['\\Seen']), summary(2, ['\\Seen']), summary(3, ['\\Seen'])]);
    const undo = await flagAtOnce(d, [1, 2, 3], '\\Seen', false);
    expect(await flagsOf(d)).toEqual([
      [1, []],
      [2, []],
      [3, []],
    ]);
    // The journal: 2 flagged elsewhere meanwhile, 3 deleted.
    await d.messages.put(summary(2, ['\\Flagged']));
    await d.messages.delete(3);
    await undo();
    expect(await flagsOf(d)).toEqual([
      [1, ['\\Seen']],
      [2, ['\\Flagged']],
    ]);
  });

  it('splits thousands of ids into calls main accepts', () => {
    expect(
      chunks(
        Array.from({ length: 2500 }, (_, i) => i),
        1000,
      ).map((c) => c.length),
    ).toEqual([1000, 1000, 500]);
  });
});
