// Downloading new POP3 messages into the local store. A few RETRs are in flight at once (the
// client pipelines them, RFC 2449 PIPELINING), bounded by bytes too; each message is stored
// (fsync) on its own, with a trace header naming its UIDL, and the messages stored in one turn
// of the event loop are recorded together, so a failure or a kill loses at most the ones not
// yet stored.
import { syncLimits } from '../../base/limits.ts';
import type { MailboxHandle } from '../../maildir/types.ts';
import type { Pop3Client } from './client.ts';

/** The trace header a stored copy starts with: which server message it is (crash healing). */
export const UIDL_HEADER = 'X-Hearth-POP3-UIDL';

/** A server message to download: its number in this session and its UIDL ('' without UIDL). */
export interface WantedMessage {
  msg: number;
  uid: string;
}

/** A message stored in the local store, waiting to be recorded. */
export interface StoredDownload {
  w: WantedMessage;
  localUid: number;
  raw: Buffer;
  /** Size of the stored copy (with the trace header). */
  size: number;
}

export interface DownloadOptions {
  client: Pop3Client;
  inbox: MailboxHandle;
  /** LIST sizes by message number: downloads in flight are held in memory until stored. */
  sizes: Map<number, number>;
  /** Records what one turn stored (one cache transaction); a failure fails the download. */
  record(items: StoredDownload[]): void;
  stopped(): boolean;
  now(): number;
  /** Crash tests stop the process here. */
  afterStore?(): void;
}

/** Downloads, stores and records `wanted`, in order, until done or stopped. */
export async function downloadMessages(wanted: WantedMessage[], o: DownloadOptions): Promise<void> {
  const record = perTurn(o.record);
  // Bound by bytes as well, so a run of big messages does not take pop3Parallel times the largest one.
  const budget = new ByteBudget(syncLimits.pop3BytesInFlight);
  let next = 0;
  const worker = async () => {
    while (next < wanted.length && !o.stopped()) {
      const w = wanted[next++]!;
      const size = o.sizes.get(w.msg) ?? 0;
      await budget.take(size);
      try {
        const raw = await o.client.retrBuffer(w.msg);
        const stamped = Buffer.concat([Buffer.from(`${UIDL_HEADER}: ${w.uid || `no-uidl-${o.now()}-${w.msg}`}\r\n`), raw]);
        const r = await o.inbox.append(stamped, {});
        o.afterStore?.();
        await record({ w, localUid: r.uid, raw, size: stamped.length });
      } finally {
        budget.release(size);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(syncLimits.pop3Parallel, wanted.length) }, worker));
}

/** Bytes held in memory by downloads in flight; one download always fits when none other runs. */
export class ByteBudget {
  private inFlight = 0;
  private waiting: Array<() => void> = [];
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Waits until `size` more bytes fit. */
  async take(size: number): Promise<void> {
    while (this.inFlight > 0 && this.inFlight + size > this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight += size;
  }

  release(size: number): void {
    this.inFlight -= size;
    const wake = this.waiting;
    this.waiting = [];
    for (const go of wake) go();
  }
}

/**
 * Collects items and hands each turn's worth to `flush` in one call (at setImmediate); the
 * promise for an item settles with the flush that took it.
 */
export function perTurn<T>(flush: (items: T[]) => void): (item: T) => Promise<void> {
  let batch: T[] = [];
  let flushed: Promise<void> | null = null;
  return (item) => {
    batch.push(item);
    flushed ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        const items = batch;
        batch = [];
        flushed = null;
        try {
          flush(items);
          resolve();
        } catch (e) {
          reject(e as Error);
        }
      }),
    );
    return flushed;
  };
}
