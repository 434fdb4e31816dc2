// The per-user readers-writer lock of the store.

/**
 * Changes to a user's folder tree (create, delete, rename) take it for writing; appends, deliveries
 * and copies take it for reading while they link files into folders, so no folder is renamed or
 * deleted under a file being placed in it. A waiting writer holds back new readers, so a rename
 * does not wait behind a steady stream of deliveries.
 */
export class RwLock {
  private readers = 0;
  private writer = false;
  private waiting: Array<{ write: boolean; go: () => void }> = [];

  async read<T>(fn: () => Promise<T>): Promise<T> {
    if (this.writer || this.waiting.some((w) => w.write)) await new Promise<void>((go) => this.waiting.push({ write: false, go }));
    else this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      this.pump();
    }
  }

  async write<T>(fn: () => Promise<T>): Promise<T> {
    if (this.writer || this.readers > 0 || this.waiting.length > 0) await new Promise<void>((go) => this.waiting.push({ write: true, go }));
    else this.writer = true;
    try {
      return await fn();
    } finally {
      this.writer = false;
      this.pump();
    }
  }

  private pump(): void {
    if (this.writer) return;
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      if (next.write) {
        if (this.readers > 0) return;
        this.waiting.shift();
        this.writer = true;
        next.go();
        return;
      }
      this.waiting.shift();
      this.readers++;
      next.go();
    }
  }
}
