// The message list's selection in React state (the rules are in selection.ts): kept to the
// messages still in the list, and emptied when the list changes to another folder or search.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { actionTargets, clickRow, EMPTY_SELECTION, pruneSelection, selectAll, toggleRow, type ClickMods, type Selection } from './selection.ts';

export interface SelectionApi {
  selection: Selection;
  /** What actions apply to, in list order (the open message when nothing is picked). */
  targets: number[];
  click(id: number, mods: ClickMods): void;
  toggle(id: number): void;
  selectAll(): void;
  clear(): void;
}

/** `list` is the list's ids in order, `open` the open message, `scope` names the list (a folder or search): a new scope empties the selection. */
export function useSelection(list: readonly number[], open: number | null, scope: string): SelectionApi {
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  useEffect(() => setSelection(EMPTY_SELECTION), [scope]);
  useEffect(() => setSelection((s) => pruneSelection(s, list)), [list]);
  const click = useCallback((id: number, mods: ClickMods) => setSelection((s) => clickRow(s, list, id, mods, open)), [list, open]);
  const toggle = useCallback((id: number) => setSelection((s) => toggleRow(s, id)), []);
  const all = useCallback(() => setSelection(selectAll(list)), [list]);
  const clear = useCallback(() => setSelection(EMPTY_SELECTION), []);
  const targets = useMemo(() => actionTargets(selection, list, open), [selection, list, open]);
  return { selection, targets, click, toggle, selectAll: all, clear };
}
