// The last move, archive or delete that can be undone (main gave tokens for it): the toast shows
// it with Undo, `z` does the same. A new action replaces it; undoing asks main to put the
// messages back (main waits for the server to have the action, then moves them back).
import { useCallback, useState } from 'react';
import type { Transport } from './api/transport.ts';

export interface Undoable {
  /** What was done, e.g. "500 messages moved to Keep". */
  label: string;
  tokens: string[];
}

export interface UndoApi {
  last: Undoable | null;
  /** True while main is putting the messages back. */
  busy: boolean;
  offer(label: string, tokens: string[]): void;
  undo(): void;
  dismiss(): void;
}

export function useUndo(api: Transport, report: (e: unknown) => void, onRestored: (label: string, restored: number) => void): UndoApi {
  const [last, setLast] = useState<Undoable | null>(null);
  const [busy, setBusy] = useState(false);
  const offer = useCallback((label: string, tokens: string[]) => setLast(tokens.length ? { label, tokens } : null), []);
  const dismiss = useCallback(() => setLast(null), []);
  const undo = useCallback(() => {
    if (!last || busy) return;
    setBusy(true);
    void api
      .call('messages.undo', { tokens: last.tokens })
      .then(({ restored }) => {
        setLast(null);
        onRestored(last.label, restored);
      }, report)
      .finally(() => setBusy(false));
  }, [api, last, busy, report, onRestored]);
  return { last, busy, offer, undo, dismiss };
}
