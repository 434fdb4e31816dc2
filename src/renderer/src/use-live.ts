// Subscribes a component to a Dexie liveQuery: it re-renders whenever the rows it read change.
import { liveQuery } from 'dexie';
import { useEffect, useState, type DependencyList } from 'react';

export function useLive<T>(query: () => Promise<T> | T, deps: DependencyList, initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    const sub = liveQuery(query).subscribe({ next: setValue, error: () => {} });
    return () => sub.unsubscribe();
  }, deps);
  return value;
}
