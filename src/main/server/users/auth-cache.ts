// Remembers successful password checks for a while, so that a client opening several connections,
// or reconnecting every few minutes, does not pay a scrypt verification (a quarter of a second of
// CPU here) per LOGIN. Like Dovecot's auth_cache, but:
// - what is kept is an HMAC (a random key made per process, never written anywhere) of the
//   address, the stored hash it was checked against and the password: never the password;
// - an entry counts only while the user's stored hash is the one it was made for, so a password
//   change or a removed user (also by `hearth user` in another process: the directory re-reads
//   server.json when it changes) ends it at once;
// - failures are never remembered: a wrong password always costs the full verification;
// - concurrent checks of the same credentials share one verification.
// Entries live ttlMs from the check that made them and at most maxEntries are kept.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface AuthCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** The clock, in ms (tests inject one). */
  now?: () => number;
}

interface Entry {
  mac: Buffer;
  expiresAt: number;
}

export class AuthCache {
  private readonly key = randomBytes(32);
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** By address; Map order is insertion order, so the first entry is the oldest. */
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  /** Counters for logs and tests. */
  readonly stats = { hits: 0, misses: 0, shared: 0 };

  constructor(options: AuthCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  private mac(address: string, storedHash: string, password: string): Buffer {
    // Lengths first, so that no two different triples hash the same input.
    const pw = Buffer.from(password.normalize('NFC'), 'utf8');
    return createHmac('sha256', this.key).update(`${address.length}:${address}\0${storedHash.length}:${storedHash}\0${pw.length}:`).update(pw).digest();
  }

  /**
   * True when these credentials were verified against this stored hash less than ttlMs ago;
   * otherwise runs `verify` (the full check) and remembers a success. Failures are not kept.
   */
  async verify(address: string, password: string, storedHash: string, verify: () => Promise<boolean>): Promise<boolean> {
    const mac = this.mac(address, storedHash, password);
    const entry = this.entries.get(address);
    if (entry) {
      if (entry.expiresAt > this.now() && timingSafeEqual(entry.mac, mac)) {
        this.stats.hits++;
        return true;
      }
      // Expired, or made for another password or another stored hash: no longer any use.
      if (entry.expiresAt <= this.now()) this.entries.delete(address);
    }
    const id = mac.toString('base64');
    const running = this.inFlight.get(id);
    if (running) {
      this.stats.shared++;
      return running;
    }
    this.stats.misses++;
    const check = verify().then((ok) => {
      if (ok) this.remember(address, mac);
      return ok;
    });
    this.inFlight.set(id, check);
    try {
      return await check;
    } finally {
      this.inFlight.delete(id);
    }
  }

  private remember(address: string, mac: Buffer): void {
    this.entries.delete(address);
    this.entries.set(address, { mac, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Drop a user's entry (removed, or password changed in this process). */
  forget(address: string): void {
    this.entries.delete(address);
  }

  clear(): void {
    this.entries.clear();
  }
}
