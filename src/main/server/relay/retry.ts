// When to try a deferred recipient again, and when to give up. The default follows RFC 5321
// §4.5.4.1: a few quick early retries, then no more often than every 30 minutes, growing, and
// giving up after 5 days; a delay warning DSN may be sent after 4 hours.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface RetryPolicy {
  /** Delay after the n-th failed attempt (index n-1); the last entry repeats. */
  delaysMs: number[];
  /** Give up (fail and bounce) when the message has been queued this long. */
  giveUpAfterMs: number;
  /** Send a delay warning DSN once the message has been queued this long; null: never. */
  warnAfterMs: number | null;
}

export const defaultRetryPolicy: RetryPolicy = {
  delaysMs: [5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR],
  giveUpAfterMs: 5 * 24 * HOUR,
  warnAfterMs: 4 * HOUR,
};

/** Epoch ms of the next attempt after `attempts` failed attempts, the last one at `now`. */
export function nextAttemptAt(policy: RetryPolicy, attempts: number, now: number): number {
  const list = policy.delaysMs.length ? policy.delaysMs : [30 * MINUTE];
  const delay = list[Math.min(Math.max(attempts, 1), list.length) - 1]!;
  return now + delay;
}

export function hasExpired(policy: RetryPolicy, createdAt: number, now: number): boolean {
  return now - createdAt >= policy.giveUpAfterMs;
}

export function needsDelayWarning(policy: RetryPolicy, createdAt: number, now: number, alreadyWarned: boolean): boolean {
  return !alreadyWarned && policy.warnAfterMs !== null && now - createdAt >= policy.warnAfterMs;
}

/** Checks a policy given on the command line or in settings ("5m,10m,30m" style lists). */
export function parseDelays(spec: string): number[] {
  return spec.split(',').map((part) => {
    const m = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(part);
    if (!m) throw new Error(`bad retry delay "${part}"`);
    const n = Number(m[1]);
    const unit = { ms: 1, s: 1000, m: MINUTE, h: HOUR, d: 24 * HOUR }[m[2] ?? 'm']!;
    return n * unit;
  });
}
