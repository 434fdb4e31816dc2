// One export: a folder's messages, byte for byte, to an mbox file (mboxrd quoting, so that any
// mboxrd reader gets the same bytes back) or to a folder of .eml files. The mbox is written beside
// its final name and renamed into place when complete; each .eml file is written atomically.
import { open, readdir, rename, rm, mkdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from '../../base/fs-durable.ts';
import { mboxEntry } from '../../mail/mbox.ts';
import { summariseRawMessage } from '../../mail/message-summary.ts';
import { uniqueName } from '../../../shared/eml-file-name.ts';
import { emlFileName } from './eml-file-name.ts';
import type { TransferCounts, TransferFolder } from './transfer-folder.ts';

export type ExportFormat = 'mbox' | 'eml';

export interface ExportJobOptions {
  folder: TransferFolder;
  target: string;
  format: ExportFormat;
  signal?: AbortSignal;
  onProgress?: (p: TransferCounts) => void;
}

/** The envelope sender for the "From " line: Return-Path, else the From address. */
function envelopeSender(raw: Buffer): string | null {
  const head = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1');
  const rp = /^Return-Path:[ \t]*<([^>\s]*)>/im.exec(head);
  if (rp?.[1]) return rp[1];
  try {
    return summariseRawMessage(raw).from[0]?.address || null;
  } catch {
    return null;
  }
}

/**
 * A file that is there whole or not at all: `write` fills a file beside its name, which is synced
 * and renamed into place (the caller syncs the folder). A failure removes the partial file.
 */
async function writeWhole(file: string, write: (fh: FileHandle) => Promise<void>, mode = 0o644): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.part`);
  const fh = await open(tmp, 'w', mode);
  try {
    await write(fh);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, file);
}

export async function runExport(o: ExportJobOptions): Promise<TransferCounts> {
  const target = path.resolve(o.target);
  const progress: TransferCounts = { done: 0, total: await o.folder.count(), skipped: 0, bytesDone: 0, bytesTotal: 0 };
  o.onProgress?.(progress);
  if (o.format === 'mbox') {
    await mkdir(path.dirname(target), { recursive: true });
    await writeWhole(
      target,
      async (fh) => {
        for await (const m of o.folder.messages()) {
          o.signal?.throwIfAborted();
          await fh.write(mboxEntry(m.raw, envelopeSender(m.raw), m.internalDate));
          progress.done++;
          progress.bytesDone += m.raw.length;
          o.onProgress?.(progress);
        }
      },
      0o600,
    );
    await fsyncDir(path.dirname(target));
  } else {
    await mkdir(target, { recursive: true });
    const taken = new Set((await readdir(target)).map((n) => n.toLowerCase()));
    for await (const m of o.folder.messages()) {
      o.signal?.throwIfAborted();
      const name = uniqueName(emlFileName(m.raw, m.internalDate), taken);
      await writeWhole(path.join(target, name), (fh) => fh.writeFile(m.raw));
      progress.done++;
      progress.bytesDone += m.raw.length;
      o.onProgress?.(progress);
    }
    await fsyncDir(target); // once for all the names (each file's bytes were synced before its rename)
  }
  progress.bytesTotal = progress.bytesDone;
  return progress;
}
