// The search box's results: main's index while it is reachable, else the local mirror — and which
// of the two answered, so the list can say that results are local. Every account by default; one
// folder when the user asks for it (`mailboxId`). `run(query)` asks at once, from the event that
// decided it (SearchBox waits for the typing pause; Enter does not), before any render: the
// request is on the wire while React renders the rest. The first page is about a screen of rows
// (list-metrics.ts); `more()` pages on as the list scrolls towards its end.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MessageSummary } from '../../shared/api.ts';
import type { ConnectionState, Transport } from './api/transport.ts';
import type { HearthDb } from './db.ts';
import { searchLocally } from './local-search.ts';
import { SEARCH_FIRST_PAGE as FIRST_PAGE, SEARCH_NEXT_PAGE as NEXT_PAGE } from './list-metrics.ts';

export interface SearchResults {
  /** The query these results answer (trimmed). */
  query: string;
  messages: MessageSummary[];
  /** True when main was unreachable and the results come from this window's offline copy. */
  local: boolean;
  /** False while main may have more pages. */
  complete: boolean;
}

export interface Search {
  /** Null while no query is searched (or its first answer is not in). */
  results: SearchResults | null;
  /** Searches `text` (an empty one ends the search). */
  run(text: string): void;
  /** Asks for the next page, if there is one and none is on its way. */
  more(): void;
}

/** The offline copy's search reads every summary anyway: one page. */
const LOCAL_LIMIT = 200;

const scopeOf = (mailboxId: number | null) => (mailboxId !== null ? { mailboxId } : {});

export function useSearch(api: Transport, db: HearthDb, mailboxId: number | null, connection: ConnectionState): Search {
  const [results, setResults] = useState<SearchResults | null>(null);
  const context = useRef({ api, db, mailboxId, connection });
  context.current = { api, db, mailboxId, connection };
  const shown = useRef<SearchResults | null>(null);
  shown.current = results;
  const query = useRef('');
  /** The latest search: an answer to an older one is dropped. */
  const latest = useRef(0);
  const paging = useRef(false);
  const run = useCallback((text: string) => {
    const q = text.trim();
    query.current = q;
    const search = ++latest.current;
    paging.current = false;
    if (!q) return setResults(null);
    const { api, db, mailboxId, connection } = context.current;
    const scope = scopeOf(mailboxId);
    const searchHere = () =>
      searchLocally(db, q, { ...scope, limit: LOCAL_LIMIT }).then(
        (messages) => search === latest.current && setResults({ query: q, messages, local: true, complete: true }),
      );
    if (connection !== 'online') return void searchHere();
    void api
      .call('messages.search', { query: q, limit: FIRST_PAGE, ...scope })
      .then((messages) => search === latest.current && setResults({ query: q, messages, local: false, complete: messages.length < FIRST_PAGE }))
      .catch(searchHere);
  }, []);
  const more = useCallback(() => {
    const now = shown.current;
    if (!now || now.complete || paging.current) return;
    const search = latest.current;
    const { api, mailboxId } = context.current;
    paging.current = true;
    void api
      .call('messages.search', { query: now.query, offset: now.messages.length, limit: NEXT_PAGE, ...scopeOf(mailboxId) })
      .then((page) => {
        if (search !== latest.current) return;
        // Pages are cut from a ranking that may shift a little between asks: no message twice.
        const ids = new Set(now.messages.map((m) => m.id));
        setResults({ ...now, messages: [...now.messages, ...page.filter((m) => !ids.has(m.id))], complete: page.length < NEXT_PAGE });
      })
      .catch(() => search === latest.current && setResults({ ...now, complete: true }))
      .finally(() => {
        if (search === latest.current) paging.current = false;
      });
  }, []);
  // The scope or the connection changed: the same query again, answered where it now can be (on
  // mount there is no query yet).
  useEffect(() => {
    if (query.current) run(query.current);
  }, [api, db, mailboxId, connection, run]);
  return { results, run, more };
}
