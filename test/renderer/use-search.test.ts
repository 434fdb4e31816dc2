// The search box's pages: main answers in pages cut from a ranking; the next page starts where
// main's answers ended, not at the count of rows shown, so a page of duplicates cannot stall it.
import { describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../src/shared/api.ts';
import { summaryOf } from '../support/summaries.ts';
import { SearchSession, type SearchResults } from '../../src/renderer/src/use-search.ts';
import { SEARCH_FIRST_PAGE, SEARCH_NEXT_PAGE } from '../../src/renderer/src/list-metrics.ts';
import { HearthDb } from '../../src/renderer/src/db.ts';

/** Main with `total` ranked results; `answer` may change a page before it is handed over. */
function fakeMain(total: number, answer: (offset: number, page: MessageSummary[]) => MessageSummary[] = (_o, p) => p) {
  const asked: { offset: number; limit: number }[] = [];
  const api = {
    async call(method: string, args: { offset?: number; limit: number }) {
      if (method !== 'messages.search') throw new Error(method);
      const offset = args.offset ?? 0;
      asked.push({ offset, limit: args.limit });
      const ids = Array.from({ length: Math.max(0, Math.min(args.limit, total - offset)) }, (_, i) => offset + i + 1);
      return answer(
        offset,
        ids.map((id) => summaryOf(id)),
      );
    },
  };
  return { api, asked };
}

function session(api: { call: unknown }) {
  let shown: SearchResults | null = null;
  const s = new SearchSession(
    () => ({ api: api as never, db: new HearthDb(`s-${Math.random()}`), mailboxId: null, connection: 'online' }),
    (update) => (shown = update(shown)),
  );
  return { s, shown: () => shown };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('SearchSession', () => {
  it('pages on from where main stopped, to the end, without asking twice', async () => {
    const main = fakeMain(SEARCH_FIRST_PAGE + SEARCH_NEXT_PAGE + 7);
    const { s, shown } = session(main.api);
    s.run('  cake ');
    await settle();
    expect(shown()).toMatchObject({ query: 'cake', local: false, complete: false });
    expect(shown()!.messages).toHaveLength(SEARCH_FIRST_PAGE);
    s.more();
    s.more(); // one page at a time
    await settle();
    s.more();
    await settle();
    expect(shown()!.messages.map((m) => m.id)).toEqual(Array.from({ length: SEARCH_FIRST_PAGE + SEARCH_NEXT_PAGE + 7 }, (_, i) => i + 1));
    expect(shown()!.complete).toBe(true);
    s.more();
    await settle();
    expect(main.asked.map((a) => a.offset)).toEqual([0, SEARCH_FIRST_PAGE, SEARCH_FIRST_PAGE + SEARCH_NEXT_PAGE]);
  });

  it('a page made only of rows already shown still moves the next ask on', async () => {
    // The ranking shifted: the second page repeats the first page's rows.
    const main = fakeMain(SEARCH_FIRST_PAGE + 2 * SEARCH_NEXT_PAGE, (offset, page) =>
      offset === SEARCH_FIRST_PAGE ? Array.from({ length: SEARCH_NEXT_PAGE }, (_, i) => summaryOf((i % SEARCH_FIRST_PAGE) + 1)) : page,
    );
    const { s, shown } = session(main.api);
    s.run('cake');
    await settle();
    s.more();
    await settle();
    expect(shown()!.messages).toHaveLength(SEARCH_FIRST_PAGE);
    expect(shown()!.complete).toBe(false);
    s.more();
    await settle();
    expect(main.asked.map((a) => a.offset)).toEqual([0, SEARCH_FIRST_PAGE, SEARCH_FIRST_PAGE + SEARCH_NEXT_PAGE]);
    expect(shown()!.messages.length).toBe(SEARCH_FIRST_PAGE + SEARCH_NEXT_PAGE);
  });

  it('drops a page that answers an older search', async () => {
    const main = fakeMain(1000);
    const { s, shown } = session(main.api);
    s.run('cake');
    await settle();
    s.more();
    s.run('pie');
    await settle();
    expect(shown()).toMatchObject({ query: 'pie' });
    expect(shown()!.messages).toHaveLength(SEARCH_FIRST_PAGE);
    s.run('');
    expect(shown()).toBeNull();
  });
});
