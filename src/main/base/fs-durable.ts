// Durable file-system helpers for the client and the server: fsync of files and directories
// (directory fsyncs batched across concurrent callers), and atomic writes that leave either the old
// or the new content after a crash, never a torn file.

import { open, rename, unlink } from 'node:fs/promises';
import { closeSync, fdatasync, fsync, fsyncSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { nextTurn } from './event-loop.ts';

const isWindows = process.platform === 'win32';

/** fsync (or fdatasync) an open file descriptor in the thread pool: the one call that waits for the disk. */
export function syncFd(fd: number, dataOnly = false): Promise<void> {
  return new Promise((resolve, reject) => (dataOnly ? fdatasync : fsync)(fd, (e) => (e ? reject(e) : resolve())));
}

/** fsync a directory so that entries created/renamed in it survive a crash. No-op on Windows. */
export async function fsyncDir(dir: string): Promise<void> {
  if (isWindows) return;
  // Opening and closing a directory touch no disk: done here; only the fsync waits in the pool.
  const fd = openSync(dir, 'r');
  try {
    await syncFd(fd);
  } finally {
    closeSync(fd);
  }
}

export function fsyncDirSync(dir: string): void {
  if (isWindows) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Group commit for directory fsyncs: callers that ask for the same directory while a sync is queued
 * share it; callers arriving while one is running get the next one (their entry may have been made
 * after the running fsync started).
 */
export class DirSyncer {
  private readonly dirs = new Map<string, { running: Promise<void> | null; queued: Promise<void> | null }>();

  sync(dir: string): Promise<void> {
    let s = this.dirs.get(dir);
    if (!s) {
      s = { running: null, queued: null };
      this.dirs.set(dir, s);
    }
    if (s.queued) return s.queued;
    const state = s;
    const prev = state.running;
    const p: Promise<void> = (async () => {
      if (prev) await prev.catch(() => {});
      // Let other callers of this tick join.
      await nextTurn();
      const me = state.queued;
      state.queued = null;
      state.running = me;
      try {
        await fsyncDir(dir);
      } finally {
        if (state.running === me) state.running = null;
        if (!state.running && !state.queued) this.dirs.delete(dir);
      }
    })();
    state.queued = p;
    return p;
  }

  syncAll(dirs: Iterable<string>): Promise<void> {
    return Promise.all([...new Set(dirs)].map((d) => this.sync(d))).then(() => {});
  }
}

// Atomic write, in both forms: write a hidden temp file beside the target, fsync it, rename it over
// the target, fsync the folder. A failure before the rename removes the temp file again.

/** The temp file an atomic write of `file` goes through: hidden, in the same folder (rename stays atomic), unique. */
function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Write a file atomically and durably (for the server: the fsyncs wait in the thread pool). */
export async function atomicWriteFile(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const tmp = tempPathFor(file);
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fsyncDir(path.dirname(file));
}

/** The same, synchronously (for the client's state files, written by synchronous code). */
export function atomicWriteFileSync(file: string, data: string | Buffer, mode = 0o600): void {
  const tmp = tempPathFor(file);
  const fd = openSync(tmp, 'w', mode);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    removeQuietlySync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (e) {
    removeQuietlySync(tmp);
    throw e;
  }
  fsyncDirSync(path.dirname(file));
}

function removeQuietlySync(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}
