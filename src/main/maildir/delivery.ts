// A delivery transaction (the Delivery of ./types.ts): the body is written once to the store's
// spool and fsynced, then hard-linked into every recipient's mailbox, and the copies are indexed
// only when all of them are in place, so a message lands in every mailbox or in none.

import { unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { HearthError } from '../../shared/errors.ts';
import type { DeliveredCopy, Delivery, DeliveryRecipientOptions } from './types.ts';
import { INFO_SEP, flagsToInfo, normaliseFlags } from './flags.ts';
import { normaliseMailboxName } from './names.ts';
import { addressParts } from './address-parts.ts';
import { linkOrCopy, writeDurably } from './message-files.ts';
import { storageError } from './storage-error.ts';
import type { MaildirStore } from './maildir-store.ts';

export class MaildirDelivery implements Delivery {
  private readonly recipients = new Map<string, { address: string; mailbox: string; flags: string[] }>();
  private tmpFile: string | null = null;
  private size = 0;
  private internalDate = new Date();
  private state: 'open' | 'committing' | 'done' = 'open';

  private readonly store: MaildirStore;

  constructor(store: MaildirStore) {
    this.store = store;
  }

  addRecipient(address: string, options: DeliveryRecipientOptions = {}): void {
    if (this.state !== 'open') throw new HearthError('INVALID_ARGUMENT', 'Delivery already committed or aborted');
    const [local, domain] = addressParts(address);
    const mailbox = normaliseMailboxName(options.mailbox ?? 'INBOX');
    const key = `${local}@${domain}\0${mailbox}`;
    if (!this.recipients.has(key)) this.recipients.set(key, { address: `${local}@${domain}`, mailbox, flags: normaliseFlags(options.flags ?? []) });
  }

  async body(content: Readable | Buffer, options: { internalDate?: Date } = {}): Promise<void> {
    if (this.state !== 'open' || this.tmpFile) throw new HearthError('INVALID_ARGUMENT', 'Delivery body already given');
    await this.store.ensureSpool();
    const file = path.join(this.store.spoolDir, `${this.store.newBaseName()}`);
    this.tmpFile = file;
    try {
      this.size = await writeDurably(file, content);
    } catch (e) {
      this.tmpFile = null;
      throw e;
    }
    if (options.internalDate) {
      this.internalDate = options.internalDate;
      await utimes(file, this.internalDate, this.internalDate).catch(() => {});
    }
  }

  async commit(): Promise<DeliveredCopy[]> {
    if (this.state !== 'open') throw new HearthError('INVALID_ARGUMENT', 'Delivery already committed or aborted');
    if (!this.tmpFile) throw new HearthError('INVALID_ARGUMENT', 'Delivery has no body');
    if (this.recipients.size === 0) throw new HearthError('INVALID_ARGUMENT', 'Delivery has no recipients');
    this.state = 'committing';
    const tmp = this.tmpFile;
    const base = `${path.basename(tmp)},S=${this.size}`;
    try {
      const byUser = new Map<string, Array<{ address: string; mailbox: string; flags: string[] }>>();
      for (const r of this.recipients.values()) {
        const list = byUser.get(r.address) ?? [];
        list.push(r);
        byUser.set(r.address, list);
      }
      // Two phases across all recipients, so a message is in every mailbox or in none (a 4xx
      // after some copies landed would make the sender retry and duplicate them):
      // 1. every copy is linked into place and its folder fsynced, under each user's read lock;
      // 2. only if all of them made it are they indexed (UIDs assigned); otherwise all are taken back.
      const prepared = await Promise.all(
        [...byUser].map(async ([address, targets]) => {
          const u = await this.store.user(address);
          for (const t of targets) {
            if (!u.index.row(t.mailbox)) {
              await u.createMailbox(t.mailbox).catch((e) => {
                if (!(e instanceof HearthError && e.code === 'MAILBOX_EXISTS')) throw e;
              });
            }
          }
          return { address, u, targets };
        }),
      );
      let decide: (ok: boolean) => void = () => {};
      const decision = new Promise<boolean>((r) => (decide = r));
      const placedSignals = prepared.map(() => {
        let resolve: () => void = () => {};
        let reject: (e: unknown) => void = () => {};
        const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
        promise.catch(() => {});
        return { promise, resolve, reject };
      });
      const perUser = prepared.map(({ address, u, targets }, i) =>
        u.lock.read(async () => {
          const placed: Array<{ target: (typeof targets)[number]; file: string; inCur: boolean }> = [];
          try {
            for (const t of targets) {
              const mb = u.index.row(t.mailbox);
              if (!mb) throw new HearthError('MAILBOX_NOT_FOUND', `No such folder: ${t.mailbox}`);
              const inCur = t.flags.length > 0;
              const file = inCur ? path.join(u.folderPath(mb), 'cur', `${base}${INFO_SEP}2,${flagsToInfo(t.flags)}`) : path.join(u.folderPath(mb), 'new', base);
              if (!(await linkOrCopy(tmp, file))) throw new HearthError('STORAGE', 'Delivery spool file vanished');
              placed.push({ target: t, file, inCur });
            }
            await this.store.dirSyncer.syncAll(placed.map((p) => path.dirname(p.file)));
          } catch (e) {
            for (const p of placed) await unlink(p.file).catch(() => {});
            placedSignals[i]!.reject(e);
            throw e;
          }
          placedSignals[i]!.resolve();
          if (!(await decision)) {
            for (const p of placed) await unlink(p.file).catch(() => {});
            return [];
          }
          return Promise.all(
            placed.map(async (p) => {
              let r;
              try {
                r = await u.inserts.enqueue({
                  mailbox: p.target.mailbox,
                  base,
                  inCur: p.inCur,
                  flags: p.target.flags,
                  size: this.size,
                  internalDate: this.internalDate.getTime(),
                });
              } catch (e) {
                // not recorded: take the file back so a restart does not deliver it after all
                await unlink(p.file).catch(() => {});
                throw e;
              }
              return { address, mailbox: p.target.mailbox, uidValidity: r.uidValidity, uid: r.uid } satisfies DeliveredCopy;
            }),
          );
        }),
      );
      // A user whose lock or placement failed before signalling must not leave the others waiting.
      perUser.forEach((p, i) => p.catch((e: unknown) => placedSignals[i]!.reject(e)));
      const placedAll = await Promise.allSettled(placedSignals.map((sig) => sig.promise));
      const failed = placedAll.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      decide(!failed);
      const settled = await Promise.allSettled(perUser);
      if (failed) throw failed.reason;
      const indexFailure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (indexFailure) throw indexFailure.reason;
      const results = settled.map((r) => (r as PromiseFulfilledResult<DeliveredCopy[]>).value);
      this.state = 'done';
      return results.flat();
    } catch (e) {
      this.state = 'done';
      throw storageError(e);
    } finally {
      await unlink(tmp).catch(() => {});
      this.tmpFile = null;
    }
  }

  async abort(): Promise<void> {
    if (this.state === 'done') return;
    this.state = 'done';
    if (this.tmpFile) await unlink(this.tmpFile).catch(() => {});
    this.tmpFile = null;
  }
}
