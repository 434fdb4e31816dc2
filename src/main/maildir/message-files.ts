// Message files: written once and fsynced before any folder links them, and linked (or copied)
// into further folders for deliveries to several mailboxes and for COPY/MOVE.

import { closeSync, constants as fsConstants, openSync, writeSync } from 'node:fs';
import { copyFile, link, open, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { syncFd } from '../base/fs-durable.ts';
import { isEnoent, storageError } from './storage-error.ts';

/** Messages up to this size are written synchronously (into the page cache); only the fsync waits. */
const SYNC_WRITE_BYTES = 256 * 1024;

/** Write content to a new file and fsync it; returns its size. Removes the file on failure. */
export async function writeDurably(file: string, content: Readable | Buffer): Promise<number> {
  // A small message: one open/write/close on this thread costs less than three thread-pool round
  // trips; the fdatasync, which waits for the disk, still runs in the pool.
  if (Buffer.isBuffer(content) && content.length <= SYNC_WRITE_BYTES) return writeSmallDurably(file, content);
  let fh;
  try {
    fh = await open(file, 'wx', 0o600);
  } catch (e) {
    throw storageError(e);
  }
  let size = 0;
  try {
    if (Buffer.isBuffer(content)) {
      await fh.write(content, 0, content.length, 0);
      size = content.length;
    } else {
      // gather small chunks into larger writes
      let batch: Buffer[] = [];
      let batchLen = 0;
      for await (const chunk of content) {
        const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        batch.push(b);
        batchLen += b.length;
        if (batchLen >= 256 * 1024) {
          await fh.write(Buffer.concat(batch, batchLen), 0, batchLen, size);
          size += batchLen;
          batch = [];
          batchLen = 0;
        }
      }
      if (batchLen > 0) {
        await fh.write(Buffer.concat(batch, batchLen), 0, batchLen, size);
        size += batchLen;
      }
    }
    // fdatasync: the data and the size; the timestamps are not needed to read the message back
    await fh.datasync();
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(file).catch(() => {});
    throw storageError(e);
  }
  return size;
}

async function writeSmallDurably(file: string, content: Buffer): Promise<number> {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
  } catch (e) {
    throw storageError(e);
  }
  try {
    let off = 0;
    while (off < content.length) off += writeSync(fd, content, off, content.length - off, off);
    await syncFd(fd, true);
  } catch (e) {
    closeSync(fd);
    await unlink(file).catch(() => {});
    throw storageError(e);
  }
  closeSync(fd);
  return content.length;
}

/** Hard-link (or, across file systems, copy and fsync); false if the source is gone. */
export async function linkOrCopy(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw e;
  }
  try {
    await copyFile(from, to, fsConstants.COPYFILE_EXCL);
  } catch (e) {
    if (isEnoent(e)) return false;
    throw e;
  }
  const fh = await open(to, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  return true;
}
