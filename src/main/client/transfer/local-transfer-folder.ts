// A local folder (a POP3 account's, in the Maildir store under the data folder) for import and
// export. The store writes each message's bytes as given, fsynced, before append resolves.
import { normaliseFlags } from '../../maildir/flags.ts';
import type { UserMailStore } from '../../maildir/types.ts';
import type { StoredMessage, TransferFolder } from './transfer-folder.ts';

export class LocalTransferFolder implements TransferFolder {
  private readonly store: UserMailStore;
  private readonly path: string;
  private readonly onChanged: () => Promise<unknown>;

  constructor(store: UserMailStore, folderPath: string, onChanged: () => Promise<unknown>) {
    this.store = store;
    this.path = folderPath;
    this.onChanged = onChanged;
  }

  async uidNext(): Promise<number> {
    return (await this.store.status(this.path)).uidNext;
  }

  async append(raw: Buffer, flags: readonly string[], internalDate: Date | null): Promise<number> {
    const r = await this.store.append(this.path, raw, { flags: normaliseFlags(flags), ...(internalDate ? { internalDate } : {}) });
    return r.uid;
  }

  async count(): Promise<number> {
    return (await this.store.status(this.path)).messages;
  }

  async *messages(fromUid = 1): AsyncGenerator<StoredMessage> {
    const box = await this.store.openMailbox(this.path);
    const next = (await box.status()).uidNext;
    if (fromUid >= next) return;
    for (const m of await box.listMessages([[fromUid, next - 1]])) {
      let raw: Buffer;
      try {
        raw = await box.readMessageBuffer(m.uid);
      } catch {
        continue; // removed meanwhile
      }
      yield { uid: m.uid, flags: m.flags, internalDate: m.internalDate, raw };
    }
  }

  async changed(): Promise<void> {
    await this.onChanged();
  }
}
