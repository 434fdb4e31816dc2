// An IMAP folder for import and export. Import APPENDs with the original flags and arrival date
// (INTERNALDATE) and learns the new UID from APPENDUID (RFC 4315); export fetches the bytes in
// small UID batches, so a large folder never sits in memory.
import type { ImapFlow } from 'imapflow';
import { transferLimits } from '../../base/limits.ts';
import type { StoredMessage, TransferFolder } from './transfer-folder.ts';

export class ImapTransferFolder implements TransferFolder {
  private readonly connection: () => Promise<ImapFlow>;
  private readonly path: string;
  private readonly onChanged: () => void;

  constructor(connection: () => Promise<ImapFlow>, folderPath: string, onChanged: () => void) {
    this.connection = connection;
    this.path = folderPath;
    this.onChanged = onChanged;
  }

  async uidNext(): Promise<number> {
    const c = await this.connection();
    const s = await c.status(this.path, { uidNext: true });
    return s ? (s.uidNext ?? 1) : 1;
  }

  async append(raw: Buffer, flags: readonly string[], internalDate: Date | null): Promise<number | null> {
    const c = await this.connection();
    const r = await c.append(
      this.path,
      raw,
      flags.filter((f) => f !== '\\Recent'),
      internalDate ?? undefined,
    );
    return r && typeof r.uid === 'number' ? r.uid : null;
  }

  async count(): Promise<number> {
    const c = await this.connection();
    const s = await c.status(this.path, { messages: true });
    return s ? (s.messages ?? 0) : 0;
  }

  async *messages(fromUid = 1): AsyncGenerator<StoredMessage> {
    const c = await this.connection();
    let uids: number[];
    {
      const lock = await c.getMailboxLock(this.path, { readOnly: true });
      try {
        uids = ((await c.search({ uid: `${fromUid}:*` }, { uid: true })) || []).filter((u) => u >= fromUid).sort((a, b) => a - b);
      } finally {
        lock.release();
      }
    }
    for (let i = 0; i < uids.length; i += transferLimits.exportFetchBatch) {
      const batch = uids.slice(i, i + transferLimits.exportFetchBatch);
      const got: StoredMessage[] = [];
      const lock = await c.getMailboxLock(this.path, { readOnly: true });
      try {
        for await (const m of c.fetch(batch.join(','), { uid: true, flags: true, internalDate: true, source: true }, { uid: true })) {
          if (!m.source) continue;
          got.push({
            uid: m.uid,
            flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent'),
            internalDate: new Date(m.internalDate ?? Date.now()),
            raw: m.source,
          });
        }
      } finally {
        lock.release();
      }
      // Yield only after the lock is released: the consumer may take its time (writing files).
      yield* got.sort((a, b) => a.uid - b.uid);
    }
  }

  async changed(): Promise<void> {
    this.onChanged();
  }
}
