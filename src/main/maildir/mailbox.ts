// An open mailbox (MailboxHandle): a mailbox id and UIDVALIDITY, checked against the index on every
// call, so a handle to a mailbox deleted or renamed away fails with MAILBOX_NOT_FOUND. It holds no
// lock and no state of its own; the user's store does the work.

import { Readable } from 'node:stream';
import type {
  AppendOptions,
  AppendResult,
  ByteRange,
  ChangesSince,
  CopyResult,
  MailboxHandle,
  MailboxListener,
  MailboxStatus,
  MessageMeta,
  SetFlagsOptions,
  SetFlagsResult,
  UidSet,
} from './types.ts';
import type { MailboxRow, UserIndex } from './user-index.ts';
import type { UserStore } from './user-store.ts';

export class MaildirMailbox implements MailboxHandle {
  private readonly user: UserStore;
  private readonly index: UserIndex;
  private readonly id: number;
  readonly name: string;
  readonly uidValidity: number;

  constructor(user: UserStore, id: number, name: string, uidValidity: number) {
    this.user = user;
    this.index = user.index;
    this.id = id;
    this.name = name;
    this.uidValidity = uidValidity;
  }

  private mb(): MailboxRow {
    return this.index.checkMailbox(this.id, this.uidValidity);
  }

  async status(): Promise<MailboxStatus> {
    return this.index.statusOf(this.mb());
  }

  async listMessages(uids?: UidSet): Promise<MessageMeta[]> {
    return this.index.listRows(this.mb(), uids).map((r) => this.index.toMeta(r));
  }

  async getMessage(uid: number): Promise<MessageMeta | null> {
    const r = this.index.messageRow(this.mb(), uid);
    return r ? this.index.toMeta(r) : null;
  }

  async readMessage(uid: number, range?: ByteRange): Promise<Readable> {
    const { fh } = await this.user.openMessageFile(this.mb(), uid);
    const opts: { start?: number; end?: number } = {};
    if (range) {
      opts.start = Math.max(0, range.start);
      if (range.end !== undefined) {
        if (range.end <= opts.start) {
          await fh.close();
          return Readable.from([]);
        }
        opts.end = range.end - 1;
      }
    }
    return fh.createReadStream({ ...opts, autoClose: true });
  }

  async readMessageBuffer(uid: number): Promise<Buffer> {
    const fast = this.user.readSmallMessageSync(this.mb(), uid);
    if (fast) return fast;
    const { fh, row } = await this.user.openMessageFile(this.mb(), uid);
    try {
      // The index knows the size: one read of exactly that many bytes (no fstat, no chunk loop).
      // A file of another size than recorded (edited outside Hearth) falls back to reading it whole.
      const buf = Buffer.allocUnsafe(row.size + 1);
      const { bytesRead } = await fh.read(buf, 0, row.size + 1, 0);
      if (bytesRead === row.size) return buf.subarray(0, bytesRead);
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  }

  readMessageInto(uid: number, target: Buffer, offset: number, range?: { start: number; end: number }): number | null {
    return this.user.readMessageIntoSync(this.mb(), uid, target, offset, range);
  }

  async setFlags(uids: UidSet, options: SetFlagsOptions): Promise<SetFlagsResult> {
    return this.user.setFlagsOp(this.mb(), uids, options);
  }

  async copy(uids: UidSet, destination: string, options: { origin?: unknown } = {}): Promise<CopyResult> {
    const r = await this.user.copyOrMove(this.mb(), uids, destination, false, options.origin);
    return { uidValidity: r.uidValidity, mapping: r.mapping };
  }

  async move(uids: UidSet, destination: string, options: { origin?: unknown } = {}): Promise<CopyResult & { expunged: number[] }> {
    return this.user.copyOrMove(this.mb(), uids, destination, true, options.origin);
  }

  async expunge(uids?: UidSet, options: { origin?: unknown } = {}): Promise<number[]> {
    return this.user.removeOp(this.mb(), uids, true, options.origin);
  }

  async remove(uids: UidSet, options: { origin?: unknown } = {}): Promise<number[]> {
    return this.user.removeOp(this.mb(), uids, false, options.origin);
  }

  async changesSince(modseq: number): Promise<ChangesSince> {
    return this.index.changesSince(this.mb(), modseq);
  }

  async append(content: Readable | Buffer, options?: AppendOptions): Promise<AppendResult> {
    this.mb();
    return this.user.append(this.name, content, options);
  }

  watch(listener: MailboxListener): () => void {
    return this.user.watch(this.name, listener);
  }

  firstRecentUid(): number {
    return this.mb().first_recent_uid;
  }

  claimRecent(upTo: number): number {
    return this.index.claimRecent(this.mb().id, upTo);
  }
}
