// Closing what a test opened (services, proxies) after it, newest first, whether it passed or not.
import { afterEach } from 'vitest';

interface Closable {
  close(): Promise<void>;
}

export interface OpenThings {
  /** Hands a thing over for closing after the test; returns it. */
  add<T extends Closable>(thing: T): T;
  /** Takes back a thing the test closed itself. */
  forget(thing: Closable): void;
}

/** Registers the afterEach that closes what was added during the test. */
export function closeAfterEach(): OpenThings {
  const open: Closable[] = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });
  return {
    add(thing) {
      open.push(thing);
      return thing;
    },
    forget(thing) {
      const i = open.indexOf(thing);
      if (i >= 0) open.splice(i, 1);
    },
  };
}
