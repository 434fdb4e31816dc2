// Waiting for what happens in the background (another process, a peer, a timer) by polling until a
// deadline: guards against a slow machine, not timing assertions.
import { expect } from 'vitest';

/**
 * Reads every `everyMs` until `ok` holds or `ms` have passed, and returns the last value read: the
 * assertion that follows says what was expected.
 */
export async function pollUntil<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, ms = 20_000, everyMs = 50): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until `check` is true; throws (naming `what`) after `ms`. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 15_000, what = 'condition'): Promise<void> {
  if (!(await pollUntil(check, Boolean, ms))) throw new Error(`timed out waiting for ${what}`);
}

/** expect.poll with a deadline fit for browser work: on a loaded 2-core machine it can take seconds. */
export function poll<T>(read: () => Promise<T> | T, timeoutMs = 20_000) {
  return expect.poll(read, { timeout: timeoutMs });
}
