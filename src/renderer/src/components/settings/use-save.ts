// One save at a time with its outcome: busy while it runs, the error to show next to the form, and
// a short "Saved" for screen readers and eyes.
import { useCallback, useState } from 'react';

export function useSave() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const run = useCallback(async (fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await fn();
      setSaved(true);
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, saved, run, clear: () => (setError(null), setSaved(false)) };
}
