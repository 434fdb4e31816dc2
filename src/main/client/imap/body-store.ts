// Raw messages kept on this computer for offline reading, one row per cached message, in a SQLite
// file of their own (bodies.sqlite) beside main's cache.
//
// Why not a file per message (as before 2026-12-03): a first sync keeps 10,000 bodies, and on this
// kind of disk creating that many small files cost about 4 s of the sync (bench/imap-sync.ts: all
// bodies in 7.7–9.8 s, 5.1–5.9 s with the writes left out), where one transaction per batch of
// rows costs about 1.7 s for the same bytes. A separate database keeps main's cache (and its search
// index) small and quick to open.
//
// This is a cache of what the server holds: WAL with synchronous=NORMAL, so a crash of the app or
// the computer may lose the last bodies written (fetched again when opened) but never corrupts the
// file; there is no fsync of its own before a batch counts as stored.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

export class BodyStore {
  private readonly db: DatabaseSync;
  private readonly legacyDir: string;
  /** Whether an earlier version left a bodies/ folder (else no file is looked for). */
  private readonly hasLegacy: boolean;
  private readonly st: { put: StatementSync; get: StatementSync; del: StatementSync };

  constructor(dataDir: string) {
    this.db = new DatabaseSync(path.join(dataDir, 'bodies.sqlite'));
    // busy_timeout: a second process on the same data folder (a test, the CLI) waits, not fails.
    this.db.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;');
    this.db.exec('CREATE TABLE IF NOT EXISTS bodies (message_id INTEGER PRIMARY KEY, source BLOB NOT NULL)');
    this.st = {
      put: this.db.prepare('INSERT OR REPLACE INTO bodies (message_id, source) VALUES (?, ?)'),
      get: this.db.prepare('SELECT source FROM bodies WHERE message_id = ?'),
      del: this.db.prepare('DELETE FROM bodies WHERE message_id = ?'),
    };
    this.legacyDir = path.join(dataDir, 'bodies');
    this.hasLegacy = existsSync(this.legacyDir);
  }

  write(messageId: number, source: Buffer): void {
    this.st.put.run(messageId, source);
  }

  /** Many bodies in one transaction (a background batch): one commit instead of one per message. */
  writeMany(entries: ReadonlyArray<readonly [messageId: number, source: Buffer]>): void {
    if (entries.length === 0) return;
    this.inTransaction(() => {
      for (const [id, source] of entries) this.st.put.run(id, source);
    });
  }

  read(messageId: number): Buffer | null {
    const row = this.st.get.get(messageId) as { source: Uint8Array } | undefined;
    if (row) return Buffer.from(row.source.buffer, row.source.byteOffset, row.source.byteLength);
    return this.readLegacy(messageId);
  }

  remove(messageId: number): void {
    this.removeMany([messageId]);
  }

  removeMany(messageIds: readonly number[]): void {
    if (messageIds.length === 0) return;
    this.inTransaction(() => {
      for (const id of messageIds) this.st.del.run(id);
    });
    if (this.hasLegacy) for (const id of messageIds) rmSync(this.legacyFile(id), { force: true });
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private inTransaction(fn: () => void): void {
    this.db.exec('BEGIN');
    try {
      fn();
      this.db.exec('COMMIT');
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  // Bodies an earlier version kept as files (bodies/<id % 256 in hex>/<id>.eml) are still read
  // where they are, and removed with their message; new ones all go into the database.
  private legacyFile(messageId: number): string {
    return path.join(this.legacyDir, (messageId % 256).toString(16).padStart(2, '0'), `${messageId}.eml`);
  }

  private readLegacy(messageId: number): Buffer | null {
    if (!this.hasLegacy) return null;
    try {
      return readFileSync(this.legacyFile(messageId));
    } catch {
      return null;
    }
  }
}
