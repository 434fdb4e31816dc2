// Background work that many events trigger (a journal pull, the offline fill): one run at a time,
// and calls while it runs coalesce into one more round, so nothing is missed and nothing piles up.

/**
 * Wraps `round` so that calling the result starts it, or, while it runs, asks for one more round.
 * A round that throws ends the run (main went away): the next trigger starts again. `after` runs
 * when a run ends either way.
 */
export function coalescing(round: () => Promise<void>, after: () => void = () => {}): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await round();
        } while (again);
      } catch {
        // Offline, or main restarting: the next event or reconnect runs again.
      } finally {
        running = null;
        after();
      }
    })();
    return running;
  };
}
