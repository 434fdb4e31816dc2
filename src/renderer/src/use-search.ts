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

export interface SearchContext {
  api: Pick<Transport, 'call'>;
  db: HearthDb;
  mailboxId: number | null;
  connection: ConnectionState;
}

type Update = (shown: SearchResults | null) => SearchResults | null;

/**
 * One search box's searches, without React: which answer is the latest, where the next page
 * starts, whether one is on its way. `show` receives updates to apply to what is shown.
 */
export class SearchSession {
  private query = '';
  /** The latest search: an answer to an older one is dropped. */
  private latest = 0;
  private paging = false;
  /** How many ranked results main has handed over for the latest search: where the next page starts. */
  private handed = 0;
  private complete = true;

  private readonly context: () => SearchContext;
  private readonly show: (update: Update) => void;

  constructor(context: () => SearchContext, show: (update: Update) => void) {
    this.context = context;
    this.show = show;
  }

  /** The query last run (trimmed), to run again when the scope or connection changes. */
  get current(): string {
    return this.query;
  }

  run(text: string): void {
    const q = text.trim();
    this.query = q;
    const search = ++this.latest;
    this.paging = false;
    this.handed = 0;
    this.complete = true;
    if (!q) return this.show(() => null);
    const { api, db, mailboxId, connection } = this.context();
    const scope = scopeOf(mailboxId);
    const searchHere = () =>
      searchLocally(db, q, { ...scope, limit: LOCAL_LIMIT }).then((messages) => {
        if (search === this.latest) this.show(() => ({ query: q, messages, local: true, complete: true }));
      });
    if (connection !== 'online') return void searchHere();
    void api
      .call('messages.search', { query: q, limit: FIRST_PAGE, ...scope })
      .then((messages) => {
        if (search !== this.latest) return;
        this.handed = messages.length;
        this.complete = messages.length < FIRST_PAGE;
        this.show(() => ({ query: q, messages, local: false, complete: this.complete }));
      })
      .catch(searchHere);
  }

  more(): void {
    if (!this.query || this.complete || this.paging) return;
    const search = this.latest;
    const { api, mailboxId } = this.context();
    this.paging = true;
    void api
      .call('messages.search', { query: this.query, offset: this.handed, limit: NEXT_PAGE, ...scopeOf(mailboxId) })
      .then((page) => {
        if (search !== this.latest) return;
        // Counted as handed over even when every row was a duplicate, or the next ask repeats it.
        this.handed += page.length;
        this.complete = page.length < NEXT_PAGE;
        const complete = this.complete;
        this.show((shown) => {
          if (!shown) return shown;
          // Pages are cut from a ranking that may shift a little between asks: no message twice.
          const ids = new Set(shown.messages.map((m) => m.id));
          return { ...shown, messages: [...shown.messages, ...page.filter((m) => !ids.has(m.id))], complete };
        });
      })
      .catch(() => {
        if (search !== this.latest) return;
        this.complete = true;
        this.show((shown) => shown && { ...shown, complete: true });
      })
      .finally(() => {
        if (search === this.latest) this.paging = false;
      });
  }
}

export function useSearch(api: Transport, db: HearthDb, mailboxId: number | null, connection: ConnectionState): Search {
  const [results, setResults] = useState<SearchResults | null>(null);
  const context = useRef<SearchContext>({ api, db, mailboxId, connection });
  context.current = { api, db, mailboxId, connection };
  const session = useRef<SearchSession | null>(null);
  session.current ??= new SearchSession(() => context.current, setResults);
  const run = useCallback((text: string) => session.current!.run(text), []);
  const more = useCallback(() => session.current!.more(), []);
  // The scope or the connection changed: the same query again, answered where it now can be (on
  // mount there is no query yet).
  useEffect(() => {
    if (session.current!.current) run(session.current!.current);
  }, [api, db, mailboxId, connection, run]);
  return { results, run, more };
}
