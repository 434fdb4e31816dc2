// Stopping on SIGTERM (systemd, docker, kill) or SIGINT (Ctrl-C) within a deadline: the first signal
// starts a clean stop (listeners closed, in-flight work finished or aborted, stores flushed); a
// second one, or a stop that overruns the deadline, ends the process at once with status 1.
import type { Logger } from './log.ts';

/** systemd waits 90 s by default, but an admin's `systemctl stop` should feel immediate. */
export const STOP_DEADLINE_MS = 5000;

/** Resolves at the first SIGTERM or SIGINT with its name; a second signal exits with status 1. */
export function whenStopSignal(log: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (signal: NodeJS.Signals) => {
      if (seen) {
        log.warn('second signal; exiting without finishing the stop', { signal });
        process.exit(1);
      }
      seen = true;
      log.info('shutting down', { signal });
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/**
 * Runs `stop`, giving it until `deadlineMs` (a margin under STOP_DEADLINE_MS by default). Resolves
 * true when it finished in time, false when it failed or overran (the caller then exits non-zero).
 */
export async function stopWithin(stop: () => Promise<void>, log: Logger, deadlineMs = STOP_DEADLINE_MS - 500): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      log.error('stopping took too long; exiting anyway', { deadlineMs });
      resolve(false);
    }, deadlineMs);
  });
  const started = Date.now();
  const stopped = stop().then(
    () => {
      log.info('stopped', { ms: Date.now() - started });
      return true;
    },
    (e: unknown) => {
      log.error('stop failed', { err: e });
      return false;
    },
  );
  try {
    return await Promise.race([stopped, overrun]);
  } finally {
    clearTimeout(timer);
  }
}
