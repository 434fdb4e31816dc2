// One import: messages from a source (import-source.ts) into one folder, in order, each recorded in
// the import journal (fsynced) once the folder holds it. Run again after a crash, it skips what the
// journal names and first looks in the folder for the one message that may have arrived there
// just before the crash without its journal line: found by content, it is not added twice.
import { HearthError } from '../../../shared/errors.ts';
import type { MboxVariant } from '../../mail/mbox.ts';
import { contentHash, ImportJournal, journalPath, readJournal } from './import-journal.ts';
import { openImportSource } from './import-source.ts';
import type { TransferCounts, TransferFolder } from './transfer-folder.ts';

export interface ImportJobOptions {
  dataDir: string;
  source: string;
  accountId: string;
  folderPath: string;
  folder: TransferFolder;
  mboxVariant?: MboxVariant;
  signal?: AbortSignal;
  onProgress?: (p: TransferCounts) => void;
  /** Tests: called after a message is in the folder, before its journal line is written. */
  afterAppend?: (key: string) => void;
}

/** A server's refusal of one message (IMAP NO/BAD to APPEND): that message is passed over, the import goes on. */
function refusedMessage(e: unknown): string | null {
  const status = (e as { responseStatus?: string } | null)?.responseStatus;
  if (status === 'NO' || status === 'BAD') return (e as { responseText?: string }).responseText ?? `${status} from the server`;
  if (e instanceof HearthError && e.code === 'INVALID_ARGUMENT') return e.message;
  return null;
}

export async function runImport(o: ImportJobOptions): Promise<TransferCounts> {
  const source = await openImportSource(o.source, o.mboxVariant);
  const file = journalPath(o.dataDir, source.path, o.accountId, o.folderPath);
  const state = readJournal(file);
  const progress: TransferCounts = {
    done: state.imported + state.skipped,
    total: source.total,
    skipped: state.skipped,
    bytesDone: source.kind === 'mbox' ? state.offset : 0,
    bytesTotal: source.totalBytes,
  };
  // What an interrupted run may have added without writing it down: the folder's messages from the
  // lowest UID such a message could have. Looked at only when there was an earlier run.
  let suspects: Map<string, number> | null = null;
  if (state.started) {
    suspects = new Map();
    for await (const m of o.folder.messages(state.floor)) suspects.set(contentHash(m.raw), m.uid);
  }
  const journal = await ImportJournal.open(file);
  try {
    await journal.write({ t: 'start', uidNext: await o.folder.uidNext(), at: Date.now() });
    let first = true;
    o.onProgress?.(progress);
    for await (const item of source.items(state.offset, state.done)) {
      o.signal?.throwIfAborted();
      const next = item.next !== undefined ? { next: item.next } : {};
      if (item.tooLarge) {
        await journal.write({ t: 'skip', key: item.key, reason: 'too large', ...next });
        progress.skipped++;
      } else {
        const hash = contentHash(item.raw);
        // Only the first message after a crash can be in the folder already: the import adds one at a time.
        const already = first && suspects ? suspects.get(hash) : undefined;
        first = false;
        if (already !== undefined) {
          await journal.write({ t: 'done', key: item.key, hash, uid: already, ...next });
        } else {
          let uid: number | null;
          try {
            uid = await o.folder.append(item.raw, item.flags, item.internalDate);
          } catch (e) {
            const reason = refusedMessage(e);
            if (reason === null) throw e;
            await journal.write({ t: 'skip', key: item.key, reason, ...next });
            progress.skipped++;
            progress.done++;
            progress.bytesDone += item.bytes;
            o.onProgress?.(progress);
            continue;
          }
          o.afterAppend?.(item.key);
          await journal.write({ t: 'done', key: item.key, hash, uid, ...next });
        }
      }
      first = false;
      progress.done++;
      progress.bytesDone += item.bytes;
      o.onProgress?.(progress);
    }
    await journal.write({ t: 'end', at: Date.now() });
  } finally {
    await journal.close();
    await o.folder.changed().catch(() => {});
  }
  return progress;
}
