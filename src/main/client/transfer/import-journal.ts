// The durable record of one import (a source into one folder), in the data folder: one JSON line
// per message imported, fsynced before the next message is read. After a crash (even kill -9) the
// same import reads its journal and goes on from there; the one message that may have reached the
// folder without its line being written is found again by its content (see import-job.ts).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from '../../base/fs-durable.ts';

export type JournalRecord =
  /** A run started; the folder's UIDNEXT then (every message this run adds gets a UID from there). */
  | { t: 'start'; uidNext: number; at: number }
  /** A message is in the folder (uid null when the server did not say). */
  | { t: 'done'; key: string; hash: string; uid: number | null; next?: number }
  /** A message was passed over (too large, refused by the server); the import went on. */
  | { t: 'skip'; key: string; reason: string; next?: number }
  | { t: 'end'; at: number };

export interface JournalState {
  /** An earlier run started: it may have left one message in the folder without its line. */
  started: boolean;
  done: Set<string>;
  /** mbox: where the next unread message starts. */
  offset: number;
  /** The lowest UID a message of an interrupted run may have got: where to look for it. */
  floor: number;
  imported: number;
  skipped: number;
  finished: boolean;
}

/** The message's identity for the journal: SHA-256 of its bytes with CRLF line ends (servers may store LF and send CRLF). */
export function contentHash(raw: Buffer): string {
  return createHash('sha256')
    .update(Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'))
    .digest('hex');
}

/** The journal file of importing `source` into one folder of one account: the same import finds the same file. */
export function journalPath(dataDir: string, source: string, accountId: string, folderPath: string): string {
  const id = createHash('sha256')
    .update(JSON.stringify([source, accountId, folderPath]))
    .digest('hex')
    .slice(0, 24);
  return path.join(dataDir, 'imports', `${id}.jsonl`);
}

export function readJournal(file: string): JournalState {
  const st: JournalState = { started: false, done: new Set(), offset: 0, floor: 1, imported: 0, skipped: 0, finished: false };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return st;
  }
  for (const line of text.split('\n')) {
    let r: JournalRecord;
    try {
      r = JSON.parse(line) as JournalRecord;
    } catch {
      continue; // the torn last line of a crash
    }
    if (r.t === 'start') {
      st.started = true;
      st.floor = Math.max(st.floor, r.uidNext);
      st.finished = false;
    } else if (r.t === 'done' || r.t === 'skip') {
      st.done.add(r.key);
      if (r.next !== undefined) st.offset = Math.max(st.offset, r.next);
      if (r.t === 'done') {
        st.imported++;
        if (r.uid !== null) st.floor = Math.max(st.floor, r.uid + 1);
      } else st.skipped++;
    } else if (r.t === 'end') st.finished = true;
  }
  return st;
}

export class ImportJournal {
  private readonly fh: FileHandle;
  readonly file: string;

  private constructor(fh: FileHandle, file: string) {
    this.fh = fh;
    this.file = file;
  }

  static async open(file: string): Promise<ImportJournal> {
    mkdirSync(path.dirname(file), { recursive: true });
    const fh = await open(file, 'a');
    await fsyncDir(path.dirname(file));
    return new ImportJournal(fh, file);
  }

  /** Appends one record and waits for the disk. */
  async write(r: JournalRecord): Promise<void> {
    // A leading newline closes a line torn by a crash, so this record is never glued to it.
    await this.fh.write('\n' + JSON.stringify(r));
    await this.fh.datasync();
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
