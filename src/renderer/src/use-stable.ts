// A function whose identity never changes but which always runs the latest render's code: for
// callbacks handed to memoised children (the message rows), which then render only when their
// own data changes.
import { useCallback, useLayoutEffect, useRef } from 'react';

export function useStable<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const latest = useRef(fn);
  useLayoutEffect(() => {
    latest.current = fn;
  });
  return useCallback((...args: A) => latest.current(...args), []);
}
