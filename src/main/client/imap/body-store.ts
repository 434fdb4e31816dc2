// Raw messages kept on disk for offline reading: one file per cached message row. This is a
// cache of what the server holds, so writes are atomic (temp + rename) but not fsynced; a file
// lost in a crash is fetched again.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
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
    const f = this.fileIn(messageId);
    writeFileSync(`${f}.tmp`, source);
    renameSync(`${f}.tmp`, f);
  }

  /**
   * write() off main's thread: a download of many bodies goes on parsing the next ones while
   * these reach the disk (a file written here costs about 0.4 ms of blocking I/O on this machine's disk).
   */
  async writeAsync(messageId: number, source: Buffer): Promise<void> {
    const f = this.fileIn(messageId);
    await writeFile(`${f}.tmp`, source);
    await rename(`${f}.tmp`, f);
  }

  /** The message's file, its folder made if need be. */
  private fileIn(messageId: number): string {
    const f = this.file(messageId);
    const dir = path.dirname(f);
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    return f;
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
