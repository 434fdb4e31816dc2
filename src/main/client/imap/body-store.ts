// Raw messages kept on disk for offline reading: one file per cached message row. This is a
// cache of what the server holds, so writes are atomic (temp + rename) but not fsynced; a file
// lost in a crash is fetched again.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class BodyStore {
  private readonly dir: string;
  private readonly made = new Set<string>();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'bodies');
    mkdirSync(this.dir, { recursive: true });
  }

  private file(messageId: number): string {
    // Spread over 256 folders so no single directory grows huge.
    return path.join(this.dir, (messageId % 256).toString(16).padStart(2, '0'), `${messageId}.eml`);
  }

  write(messageId: number, source: Buffer): void {
    const f = this.file(messageId);
    const dir = path.dirname(f);
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    const tmp = `${f}.tmp`;
    writeFileSync(tmp, source);
    renameSync(tmp, f);
  }

  read(messageId: number): Buffer | null {
    try {
      return readFileSync(this.file(messageId));
    } catch {
      return null;
    }
  }

  remove(messageId: number): void {
    rmSync(this.file(messageId), { force: true });
  }
}
