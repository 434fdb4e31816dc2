// The search box's results: main's index while it is reachable, else the local mirror — and which
// of the two answered, so the list can say that results are local. Every account by default; one
// folder when the user asks for it (`mailboxId`). Typing searches after a short pause; Enter
// (`submitted` equal to the query) searches at once.
import { useEffect, useState } from 'react';
import type { MessageSummary } from '../../shared/api.ts';
import type { ConnectionState, Transport } from './api/transport.ts';
import type { HearthDb } from './db.ts';
import { searchLocally } from './local-search.ts';

export interface SearchResults {
  messages: MessageSummary[];
  /** True when main was unreachable and the results come from this window's offline copy. */
  local: boolean;
}

const LIMIT = 200;
/** The pause after a keystroke before the search runs (Enter does not wait). */
export const TYPING_PAUSE_MS = 200;

export function useSearch(
  api: Transport,
  db: HearthDb,
  query: string,
  mailboxId: number | null,
  connection: ConnectionState,
  submitted: string | null = null,
): SearchResults | null {
  const [results, setResults] = useState<SearchResults | null>(null);
  const q = query.trim();
  const now = submitted !== null && submitted.trim() === q;
  useEffect(() => {
    if (!q) {
      setResults(null);
      return;
    }
    let cancelled = false;
    const scope = mailboxId !== null ? { mailboxId } : {};
    const local = () => searchLocally(db, q, { ...scope, limit: LIMIT }).then((messages) => !cancelled && setResults({ messages, local: true }));
    const timer = setTimeout(
      () => {
        if (connection !== 'online') return void local();
        void api
          .call('messages.search', { query: q, limit: LIMIT, ...scope })
          .then((messages) => !cancelled && setResults({ messages, local: false }))
          .catch(local);
      },
      now ? 0 : TYPING_PAUSE_MS,
    );
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [q, now, mailboxId, api, db, connection]);
  return results;
}
