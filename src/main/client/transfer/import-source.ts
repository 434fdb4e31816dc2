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

interface SourceFile {
  key: string;
  file: string;
  size: number;
  mtime: Date;
  flags: string[];
}

/** A source with one message per file (Maildir, .eml files), read one at a time; the arrival date is the file's. */
function filesSource(kind: ImportKind, where: string, files: SourceFile[]): ImportSource {
  return {
    kind,
    path: where,
    total: files.length,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    async *items(_fromOffset, skip) {
      for (const f of files) {
        if (skip.has(f.key)) continue;
        if (f.size > transferLimits.maxMessageBytes) {
          yield { key: f.key, raw: Buffer.alloc(0), tooLarge: true, flags: [], internalDate: f.mtime, bytes: f.size };
          continue;
        }
        const raw = await readFile(f.file).catch(() => null);
        if (!raw) continue; // moved or removed since it was listed
        yield { key: f.key, raw, flags: f.flags, internalDate: f.mtime, bytes: f.size };
      }
    },
  };
}

async function maildirSource(dir: string): Promise<ImportSource> {
  return filesSource('maildir', dir, await listMaildir(dir));
}

async function emlSource(where: string, files: string[]): Promise<ImportSource> {
  const stats = await Promise.all(files.map((f) => stat(f)));
  return filesSource(
    'eml',
    where,
    files.map((file, i) => ({ key: path.basename(file), file, size: stats[i]!.size, mtime: stats[i]!.mtime, flags: [] })),
  );
}
