// Durable file-system helpers: directory fsync (batched across concurrent callers), atomic writes.

import { open, rename, writeFile, unlink } from 'node:fs/promises';
import { openSync, fdatasync, fsync, fsyncSync, closeSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

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
      await new Promise<void>((r) => setImmediate(r));
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

/** Write a file atomically and durably: write tmp, fsync, rename over, fsync the directory. */
export async function atomicWriteFile(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
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
  await fsyncDir(dir);
}

export function atomicWriteFileSync(file: string, data: string | Buffer, mode = 0o600): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(tmp, data, { mode });
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  fsyncDirSync(dir);
}

export { writeFile };
