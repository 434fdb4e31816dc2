// The message list's row metrics, shared by the list (its virtualizer), the first read of a
// folder (use-list-ids.ts), which reads what the list shows first and no more, and the pages of
// search results (use-search.ts).

/**
 * A row's height (from, subject and snippet lines), fixed: the list pins each row to it (styles.css
 * clips what a fallback font would make taller), so the virtualizer places rows without measuring
 * them (a measure per row attached forced a layout in every commit).
 */
export const ROW_PX = 77;
/** A message listed under its expanded conversation: its padding is 3 px less above and below. */
export const THREAD_ROW_PX = ROW_PX - 6;
/** Rows rendered beyond those in view, on each side. */
export const OVERSCAN = 12;

/** The rows a list at most `heightPx` tall shows first: those in view and the overscan below them. */
export function firstScreenRows(heightPx: number): number {
  return Math.ceil(Math.max(0, heightPx) / ROW_PX) + OVERSCAN;
}

/**
 * Search results' first page: a screen's rows and some (every row more is a summary main reads and
 * sends before the first paint); the next pages as the list nears its end.
 */
export const SEARCH_FIRST_PAGE = 50;
export const SEARCH_NEXT_PAGE = 200;
