// What an import reads from, recognised from the path: an mbox file (Thunderbird's folder files,
// mutt's, Hearth's own export), Apple Mail's export (a ".mbox" folder with an `mbox` file in it), a
// Maildir (cur/ and new/), a folder of .eml files, or one .eml file. Each yields its messages one
// at a time with a key that names the message within the source, for the import journal.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { HearthError } from '../../../shared/errors.ts';
import { transferLimits } from '../../base/limits.ts';
import { countMbox, mboxHeaderFlags, readMbox, type MboxVariant } from '../../mail/mbox.ts';
import { isMaildir, listMaildir } from '../../maildir/maildir-reader.ts';

export type ImportKind = 'mbox' | 'maildir' | 'eml';

export interface ImportItem {
  /** Names the message within the source: "@<offset>" in an mbox, the file name in a folder of .eml files, the unique name in a Maildir. */
  key: string;
  /** Empty when the message was too large to import (`tooLarge`). */
  raw: Buffer;
  flags: string[];
  internalDate: Date | null;
  /** mbox only: where the next message starts (a resumed import reads on from there). */
  next?: number;
  /** Bytes of the source this message took. */
  bytes: number;
  tooLarge?: boolean;
}

export interface ImportSource {
  kind: ImportKind;
  /** The file or folder read. */
  path: string;
  total: number;
  totalBytes: number;
  /** The messages, from mbox offset `fromOffset` on, leaving out those whose key is in `skip`. */
  items(fromOffset: number, skip: ReadonlySet<string>): AsyncGenerator<ImportItem>;
}

function notFound(p: string): HearthError {
  return new HearthError('NOT_FOUND', `Nothing to import at ${p}`, { field: 'source' });
}

/** Opens an import source; `variant` says how an mbox file's ">From " lines were quoted. */
export async function openImportSource(source: string, variant: MboxVariant = 'mboxrd'): Promise<ImportSource> {
  const p = path.resolve(source);
  const s = await stat(p).catch(() => {
    throw notFound(p);
  });
  if (s.isFile()) return p.toLowerCase().endsWith('.eml') ? emlSource(p, [p]) : mboxSource(p, s.size, variant);
  if (!s.isDirectory()) throw notFound(p);
  const inner = path.join(p, 'mbox');
  const innerStat = await stat(inner).catch(() => null);
  if (innerStat?.isFile()) return mboxSource(inner, innerStat.size, variant);
  if (await isMaildir(p)) return maildirSource(p);
  const emls = (await readdir(p)).filter((n) => n.toLowerCase().endsWith('.eml')).sort();
  if (!emls.length) throw new HearthError('INVALID_ARGUMENT', `${p} holds no mbox file, Maildir or .eml files`, { field: 'source' });
  return emlSource(
    p,
    emls.map((n) => path.join(p, n)),
  );
}

async function mboxSource(file: string, size: number, variant: MboxVariant): Promise<ImportSource> {
  return {
    kind: 'mbox',
    path: file,
    total: await countMbox(file),
    totalBytes: size,
    async *items(fromOffset, skip) {
      for await (const m of readMbox(file, { variant, start: fromOffset, maxMessageBytes: transferLimits.maxMessageBytes })) {
        const key = `@${m.start}`;
        if (skip.has(key)) continue;
        yield {
          key,
          raw: m.raw,
          flags: m.tooLarge ? [] : mboxHeaderFlags(m.raw),
          internalDate: m.date,
          next: m.end,
          bytes: m.end - m.start,
          ...(m.tooLarge ? { tooLarge: true } : {}),
        };
      }
    },
  };
}

async function readSized(file: string, size: number): Promise<{ raw: Buffer; tooLarge?: boolean }> {
  return size > transferLimits.maxMessageBytes ? { raw: Buffer.alloc(0), tooLarge: true } : { raw: await readFile(file) };
}

async function maildirSource(dir: string): Promise<ImportSource> {
  const entries = await listMaildir(dir);
  return {
    kind: 'maildir',
    path: dir,
    total: entries.length,
    totalBytes: entries.reduce((n, e) => n + e.size, 0),
    async *items(_fromOffset, skip) {
      for (const e of entries) {
        if (skip.has(e.key)) continue;
        const r = await readSized(e.file, e.size).catch(() => null);
        if (!r) continue; // moved or removed since it was listed
        yield { key: e.key, ...r, flags: e.flags, internalDate: e.mtime, bytes: e.size };
      }
    },
  };
}

async function emlSource(dir: string, files: string[]): Promise<ImportSource> {
  const stats = await Promise.all(files.map((f) => stat(f)));
  return {
    kind: 'eml',
    path: dir,
    total: files.length,
    totalBytes: stats.reduce((n, s) => n + s.size, 0),
    async *items(_fromOffset, skip) {
      for (const [i, file] of files.entries()) {
        const key = path.basename(file);
        if (skip.has(key)) continue;
        const r = await readSized(file, stats[i]!.size).catch(() => null);
        if (!r) continue;
        yield { key, ...r, flags: [], internalDate: stats[i]!.mtime, bytes: stats[i]!.size };
      }
    },
  };
}
