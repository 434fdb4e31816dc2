// Window and pane state the renderer remembers across reloads (localStorage): small JSON values,
// validated on the way in, so a stale or hand-edited entry falls back to the default.
import { useCallback, useState } from 'react';
import type { z } from 'zod';

export function readStored<T>(key: string, schema: z.ZodType<T>, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    if (raw === null) return fallback;
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

export function writeStored(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or refused (private mode): the state just is not remembered.
  }
}

/** A useState that is read from and written to localStorage under `key`. */
export function useStoredState<T>(key: string, schema: z.ZodType<T>, fallback: T): [T, (next: T) => void] {
  const [value, setValue] = useState<T>(() => readStored(key, schema, fallback));
  const set = useCallback(
    (next: T) => {
      setValue(next);
      writeStored(key, next);
    },
    [key],
  );
  return [value, set];
}
