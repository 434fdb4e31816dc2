// Searching the IndexedDB mirror with main away: people, subject, snippet and kept bodies; every
// word must match somewhere; accents and case ignored; one folder or all; newest first.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { HearthDb } from '../../src/renderer/src/db.ts';
import { foldText, searchLocally } from '../../src/renderer/src/local-search.ts';
import type { MessageSummary } from '../../src/shared/api.ts';

function row(id: number, mailboxId: number, subject: string, from: string, snippet: string): MessageSummary {
  return {
    id,
    accountId: 'acc',
    mailboxId,
    uid: id,
    messageId: null,
    subject,
    from: [{ name: from, address: `${from.toLowerCase().replace(/\s+/g, '.')}@example.test` }],
    to: [],
    cc: [],
    date: id * 1000,
    flags: [],
    size: 100,
    snippet,
    hasAttachments: false,
    threadId: id,
  };
}

describe('searchLocally', () => {
  it('finds by sender, subject, snippet and kept body text, all words, accents folded, newest first', async () => {
    const db = new HearthDb(`search-${Math.random()}`);
    await db.messages.bulkPut([
      row(1, 1, 'Die Frösche', 'Jürgen Müller', 'Sie quaken'),
      row(2, 1, 'Tea at four', 'Alan Turing', 'Bring the biscuits'),
      row(3, 2, 'Frosch-Rezepte', 'Anna', 'Nichts'),
      row(4, 1, 'Quarterly report', 'Grace Hopper', 'See the figures'),
    ]);
    await db.bodies.put({
      id: 4,
      html: '<p>The <b>compiler</b> notes</p>',
      text: null,
      attachments: [],
      damaged: false,
      references: [],
      replyTo: [],
      fetchedAt: 0,
    });
    const ids = async (q: string, mailboxId?: number) =>
      (await searchLocally(db, q, { limit: 10, ...(mailboxId !== undefined ? { mailboxId } : {}) })).map((m) => m.id);
    expect(await ids('frosche')).toEqual([1]);
    expect(await ids('FRÖSCH')).toEqual([3, 1]);
    expect(await ids('frösch', 1)).toEqual([1]);
    expect(await ids('muller quaken')).toEqual([1]);
    expect(await ids('muller biscuits')).toEqual([]);
    expect(await ids('alan.turing@example')).toEqual([2]);
    expect(await ids('compiler grace')).toEqual([4]);
    expect(await ids('compiler')).toEqual([4]);
    expect(await ids('   ')).toEqual([]);
  });

  it('folds accents and case', () => {
    expect(foldText('Ärger ÜBER Façade')).toBe('arger uber facade');
  });
});
