// The message list's multi-selection, as pure functions over the list's ids (tested in
// test/renderer/selection.test.ts; use-selection.ts holds it in React state).
// - The open message is what the reader shows; the selection is what actions apply to.
// - An empty selection means "the open message" (a plain click opens one and selects nothing
//   more); ctrl/cmd+click and `x` add or remove one, shift+click takes the range from the anchor,
//   select all takes every message of the list.

export interface Selection {
  /** Messages picked explicitly (beyond the open one). */
  readonly ids: ReadonlySet<number>;
  /** Where a shift+click range starts: the last message clicked or toggled. */
  readonly anchor: number | null;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null };

export interface ClickMods {
  /** Shift: the range from the anchor. */
  range: boolean;
  /** Ctrl (Cmd on macOS): add or remove one. */
  toggle: boolean;
}

/** A click on a row: plain resets to that message, toggle adds/removes it, range selects from the anchor. */
export function clickRow(sel: Selection, list: readonly number[], id: number, mods: ClickMods, open: number | null): Selection {
  if (mods.range) {
    const from = sel.anchor ?? open ?? id;
    const a = list.indexOf(from);
    const b = list.indexOf(id);
    if (a < 0 || b < 0) return { ids: new Set([id]), anchor: id };
    const range = list.slice(Math.min(a, b), Math.max(a, b) + 1);
    // Ctrl+Shift adds the range to what is selected; Shift alone replaces it. The anchor stays.
    return { ids: new Set(mods.toggle ? [...sel.ids, ...range] : range), anchor: from };
  }
  if (mods.toggle) {
    // The first ctrl+click keeps the open message in the selection, as in every mail program.
    const base = sel.ids.size === 0 && open !== null && open !== id ? [open] : [];
    return toggleRow({ ids: new Set([...base, ...sel.ids]), anchor: sel.anchor }, id);
  }
  return { ids: new Set(), anchor: id };
}

/** `x` (or ctrl/cmd+click): adds the message to the selection, or takes it out. */
export function toggleRow(sel: Selection, id: number): Selection {
  const ids = new Set(sel.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: id };
}

/** Every message of the list. */
export function selectAll(list: readonly number[]): Selection {
  return { ids: new Set(list), anchor: list[0] ?? null };
}

/** Drops selected messages that left the list (moved, deleted, another folder); the same object when none did. */
export function pruneSelection(sel: Selection, list: readonly number[]): Selection {
  if (sel.ids.size === 0) return sel;
  const present = new Set(list);
  const ids = new Set([...sel.ids].filter((id) => present.has(id)));
  const anchor = sel.anchor !== null && present.has(sel.anchor) ? sel.anchor : null;
  return ids.size === sel.ids.size && anchor === sel.anchor ? sel : { ids, anchor };
}

/** Whether a row shows as selected: picked, or the open message when nothing is picked. */
export function isSelected(sel: Selection, id: number, open: number | null): boolean {
  return sel.ids.size > 0 ? sel.ids.has(id) : id === open;
}

/** What an action applies to, in list order: the selection, or else the open message. */
export function actionTargets(sel: Selection, list: readonly number[], open: number | null): number[] {
  if (sel.ids.size === 0) return open === null ? [] : [open];
  const inList = list.filter((id) => sel.ids.has(id));
  // Selected messages not in this list (a search result since closed) still count, after the others.
  if (inList.length < sel.ids.size) {
    const seen = new Set(inList);
    for (const id of sel.ids) if (!seen.has(id)) inList.push(id);
  }
  return inList;
}
