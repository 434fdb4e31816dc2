// WAI-ARIA tabs: arrow keys move between them (Home and End to the ends), focus follows.
import { useRef, type KeyboardEvent } from 'react';

export function useTabKeys<T extends string>(tabs: readonly T[], select: (t: T) => void) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    const last = tabs.length - 1;
    const next = { ArrowDown: i + 1, ArrowRight: i + 1, ArrowUp: i - 1, ArrowLeft: i - 1, Home: 0, End: last }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const j = (next + tabs.length) % tabs.length;
    select(tabs[j]!);
    refs.current[j]?.focus();
  };
  return { refs, onKey };
}
