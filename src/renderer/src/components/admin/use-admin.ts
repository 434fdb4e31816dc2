// Hooks of the admin screen: one API read kept fresh (reload after every action), and actions
// that report their error next to the form that caused them.
import { useCallback, useEffect, useState } from 'react';
import type { ArgsOf, MethodName, ResultOf } from '../../../../shared/api.ts';
import type { Transport } from '../../api/transport.ts';

export interface Query<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload(): void;
}

/** Calls `method` now and on reload(); `everyMs` also polls (the queue changes on its own). */
export function useAdminQuery<M extends MethodName>(api: Transport, method: M, args: ArgsOf<M>, everyMs?: number): Query<ResultOf<M>> {
  const [data, setData] = useState<ResultOf<M> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const key = JSON.stringify(args);
  const reload = useCallback(() => {
    setLoading(true);
    api.call(method, JSON.parse(key) as ArgsOf<M>).then(
      (r) => {
        setData(r);
        setError(null);
        setLoading(false);
      },
      (e: Error) => {
        setError(e.message);
        setLoading(false);
      },
    );
  }, [api, method, key]);
  useEffect(() => {
    reload();
    if (!everyMs) return;
    const t = setInterval(reload, everyMs);
    return () => clearInterval(t);
  }, [reload, everyMs]);
  return { data, error, loading, reload };
}

export interface Action {
  busy: boolean;
  error: string | null;
  /** Runs `p`; on success calls `then` (e.g. reload) and resolves true, on failure keeps the message. */
  run(p: () => Promise<unknown>, then?: () => void): Promise<boolean>;
  clear(): void;
}

export function useAdminAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (p: () => Promise<unknown>, then?: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await p();
      then?.();
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}
