// Messages the user moved out of the list (delete, archive, move) leave it at once, before main's
// journal removes them from the offline copy; they come back if main refuses. A hidden id is
// forgotten once the list no longer has it.
import { useCallback, useEffect, useMemo, useState } from 'react';

const NONE: ReadonlySet<number> = new Set();

export interface Hidden {
  /** The list without the hidden messages (the same array when none is hidden). */
  visible: number[];
  hide(ids: readonly number[]): void;
  show(ids: readonly number[]): void;
  /** Undo brings messages back: nothing stays hidden. */
  showAll(): void;
}

export function useHidden(list: number[]): Hidden {
  const [hidden, setHidden] = useState<ReadonlySet<number>>(NONE);
  // Once main's journal has taken them out of the list, there is nothing left to hide.
  useEffect(
    () =>
      setHidden((h) => {
        if (h.size === 0) return h;
        const present = new Set(list);
        const still = [...h].filter((id) => present.has(id));
        return still.length === h.size ? h : still.length ? new Set(still) : NONE;
      }),
    [list],
  );
  const hide = useCallback((ids: readonly number[]) => setHidden((h) => new Set([...h, ...ids])), []);
  const show = useCallback(
    (ids: readonly number[]) =>
      setHidden((h) => {
        const next = new Set(h);
        for (const id of ids) next.delete(id);
        return next.size ? next : NONE;
      }),
    [],
  );
  const showAll = useCallback(() => setHidden(NONE), []);
  const visible = useMemo(() => (hidden.size === 0 ? list : list.filter((id) => !hidden.has(id))), [list, hidden]);
  return { visible, hide, show, showAll };
}
