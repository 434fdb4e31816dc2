// Raw messages kept on this computer for offline reading, one row per cached message, in a SQLite
// file of their own (bodies.sqlite) beside main's cache.
//
// Why not a file per message (as before 2026-12-03): a first sync keeps 10,000 bodies, and on this
// kind of disk creating that many small files cost about 4 s of the sync (bench/imap-sync.ts: all
// bodies in 7.7–9.8 s, 5.1–5.9 s with the writes left out). Why a worker thread: written on main's
// thread, the commits (their WAL checkpoints wait for the disk) took 2.2 of the 5.5 s body phase.
// So main reads on its own connection and a worker does every write, a batch per transaction; a
// write resolves once committed, and a message counts as kept offline only then.
//
// This is a cache of what the server holds: WAL with synchronous=NORMAL, so a crash of the app or
// the computer may lose the last bodies written (fetched again when opened) but never corrupts the
// file. A separate database keeps main's cache (and its search index) small and quick to open.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';

const SCHEMA = 'CREATE TABLE IF NOT EXISTS bodies (message_id INTEGER PRIMARY KEY, source BLOB NOT NULL)';
// busy_timeout: main's reads and a second process on the same data folder (a test, the CLI) wait, not fail.
const PRAGMAS = 'PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;';

/** A request to the writer, answered by `seq`. */
type WriterRequest = { seq: number; put: Array<[number, Uint8Array]> } | { seq: number; remove: number[] } | { seq: number; close: true };
type WriterReply = { seq: number; error?: string };

// The writer's code as a string (a worker from `eval`), so that it runs the same from the sources
// under Node and from electron-vite's bundle, which has no file of its own for it.
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.file);
db.exec(workerData.pragmas);
const put = db.prepare('INSERT OR REPLACE INTO bodies (message_id, source) VALUES (?, ?)');
const del = db.prepare('DELETE FROM bodies WHERE message_id = ?');
parentPort.on('message', (m) => {
  if (m.close) {
    db.close();
    parentPort.postMessage({ seq: m.seq });
    parentPort.close();
    return;
  }
  try {
    db.exec('BEGIN');
    try {
      if (m.put) for (const [id, source] of m.put) put.run(id, source);
      else for (const id of m.remove) del.run(id);
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
    parentPort.postMessage({ seq: m.seq });
  } catch (e) {
    parentPort.postMessage({ seq: m.seq, error: String(e && e.message || e) });
  }
});
`;

export class BodyStore {
  private readonly reader: DatabaseSync;
  private readonly get: StatementSync;
  private readonly writer: Worker;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private seq = 0;
  private closing: Promise<void> | null = null;
  private readonly legacyDir: string;
  /** Whether an earlier version left a bodies/ folder (else no file is looked for). */
  private readonly hasLegacy: boolean;

  constructor(dataDir: string) {
    const file = path.join(dataDir, 'bodies.sqlite');
    this.reader = new DatabaseSync(file);
    this.reader.exec(PRAGMAS);
    this.reader.exec(SCHEMA);
    this.get = this.reader.prepare('SELECT source FROM bodies WHERE message_id = ?');
    this.writer = new Worker(WRITER, { eval: true, workerData: { file, pragmas: PRAGMAS } });
    this.writer.on('message', (reply: WriterReply) => {
      const w = this.waiting.get(reply.seq);
      this.waiting.delete(reply.seq);
      if (reply.error) w?.reject(new Error(`Could not keep the offline copy: ${reply.error}`));
      else w?.resolve();
    });
    // The writer gone (it cannot start, or it crashed): every write waiting fails, none hangs.
    const fail = (e: Error) => {
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.writer.on('error', fail);
    this.writer.on('exit', () => fail(new Error('The offline copy writer stopped')));
    // A quiet writer does not keep the process alive.
    this.writer.unref();
    this.legacyDir = path.join(dataDir, 'bodies');
    this.hasLegacy = existsSync(this.legacyDir);
  }

  /** Keeps one body; resolves once it is committed. */
  write(messageId: number, source: Buffer): Promise<void> {
    return this.writeMany([[messageId, source]]);
  }

  /**
   * Many bodies in one transaction (a background batch); resolves once they are committed. With
   * `handOver`, a body that owns its whole memory (as a downloaded one does) moves to the writer
   * without a copy and is empty here afterwards; a slice of a shared pool is copied.
   */
  writeMany(entries: ReadonlyArray<readonly [messageId: number, source: Buffer]>, handOver = false): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const owned = (b: Buffer) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer;
    const transfer = handOver ? entries.flatMap(([, source]) => (owned(source) ? [source.buffer as ArrayBuffer] : [])) : [];
    return this.request((seq) => ({ seq, put: entries.map(([id, source]) => [id, source] as [number, Uint8Array]) }), transfer);
  }

  read(messageId: number): Buffer | null {
    const row = this.get.get(messageId) as { source: Uint8Array } | undefined;
    if (row) return Buffer.from(row.source.buffer, row.source.byteOffset, row.source.byteLength);
    return this.readLegacy(messageId);
  }

  /** Removes the bodies of these messages; resolves once that is committed. */
  removeMany(messageIds: readonly number[]): Promise<void> {
    if (messageIds.length === 0) return Promise.resolve();
    if (this.hasLegacy) for (const id of messageIds) rmSync(this.legacyFile(id), { force: true });
    return this.request((seq) => ({ seq, remove: [...messageIds] }));
  }

  /**
   * removeMany() for callers that go on at once: a row it fails to remove (the store closing) is
   * never read, because the cache marks the message kept only after a new write replaces it.
   */
  discard(messageIds: readonly number[]): void {
    void this.removeMany(messageIds).catch(() => {});
  }

  /** Lets the writes sent so far finish, then closes both connections. */
  close(): Promise<void> {
    if (!this.closing) {
      const sent = this.request((seq) => ({ seq, close: true }));
      // A writer that already stopped has nothing left to finish.
      this.closing = sent
        .catch(() => {})
        .then(() => {
          if (this.reader.isOpen) this.reader.close();
        });
    }
    return this.closing;
  }

  private request(make: (seq: number) => WriterRequest, transfer: ArrayBuffer[] = []): Promise<void> {
    if (this.closing) return Promise.reject(new Error('The offline copy store is closed'));
    const seq = ++this.seq;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.writer.ref();
      this.writer.postMessage(make(seq), transfer);
    }).finally(() => {
      if (this.waiting.size === 0) this.writer.unref();
    });
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
