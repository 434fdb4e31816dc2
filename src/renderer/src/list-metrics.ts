// The message list's row metrics, shared by the list (its virtualizer) and the first read of a
// folder (use-list-ids.ts), which reads what the list shows first and no more.

/** A row's height (from, subject and snippet lines); rows are measured once shown. */
export const ROW_PX = 77;
/** Rows rendered beyond those in view, on each side. */
export const OVERSCAN = 12;

/** The rows a list at most `heightPx` tall shows first: those in view and the overscan below them. */
export function firstScreenRows(heightPx: number): number {
  return Math.ceil(Math.max(0, heightPx) / ROW_PX) + OVERSCAN;
}
