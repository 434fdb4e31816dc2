// Queue control, for the app's API and `hearth queue`: list the queued messages, make waiting
// recipients due now, delete a message (optionally bouncing it). The relay (relay.ts) hands this
// its queue state; requests from another process arrive through control-channel.ts.
import type { Logger } from '../../base/log.ts';
import { HearthError } from '../../../shared/errors.ts';
import type { DsnRecipient } from './dsn.ts';
import type { MessageQueue } from './queue.ts';
import type { QueueEntry, QueueEnvelope, QueuedRecipient } from './types.ts';

export interface QueueListItem {
  id: string;
  from: string;
  createdAt: number;
  size: number;
  submittedBy?: string;
  recipients: Array<Pick<QueuedRecipient, 'address' | 'state' | 'attempts' | 'lastReply' | 'nextAttemptAt'>>;
}

/** The relay's state and steps queue control works with (Relay passes its own). */
export interface ControlledRelay {
  queue: MessageQueue;
  /** The queued messages by id; control removes deleted ones. */
  entries: Map<string, QueueEntry>;
  log: Logger;
  now(): number;
  /** Writes an entry's state (serialised with its other writes). */
  persist(entry: QueueEntry): Promise<void>;
  /** Queues a DSN to the message's sender. */
  bounce(env: QueueEnvelope, recipients: DsnRecipient[]): Promise<void>;
  /** Starts a delivery round soon. */
  kick(): void;
}

export class QueueControl {
  private readonly relay: ControlledRelay;

  constructor(relay: ControlledRelay) {
    this.relay = relay;
  }

  list(): QueueListItem[] {
    return [...this.relay.entries.values()].map(({ env }) => {
      const item: QueueListItem = {
        id: env.id,
        from: env.from,
        createdAt: env.createdAt,
        size: this.relay.queue.messageSize(env),
        recipients: env.recipients.map((r) => {
          const o: QueueListItem['recipients'][number] = { address: r.address, state: r.state, attempts: r.attempts, nextAttemptAt: r.nextAttemptAt };
          if (r.lastReply !== undefined) o.lastReply = r.lastReply;
          return o;
        }),
      };
      if (env.submittedBy) item.submittedBy = env.submittedBy;
      return item;
    });
  }

  /** Makes waiting recipients due now (all messages, or one); returns how many recipients. */
  async retryNow(id?: string): Promise<number> {
    const { entries } = this.relay;
    const now = this.relay.now();
    let n = 0;
    for (const entry of entries.values()) {
      if (id && entry.env.id !== id) continue;
      for (const r of entry.env.recipients) {
        if (r.state === 'deferred' || r.state === 'pending') {
          r.nextAttemptAt = now;
          n++;
        }
      }
      await this.relay.persist(entry);
    }
    if (id && !entries.has(id)) throw new HearthError('NOT_FOUND', `no queued message ${id}`);
    this.relay.log.info('relay: retry requested', { id: id ?? '*', recipients: n });
    this.relay.kick();
    return n;
  }

  /** Removes a message from the queue; with `bounce` its sender gets a DSN saying why. */
  async delete(id: string, reason: string, opts: { bounce?: boolean } = {}): Promise<void> {
    const entry = this.relay.entries.get(id);
    if (!entry) throw new HearthError('NOT_FOUND', `no queued message ${id}`);
    const waiting = entry.env.recipients.filter((r) => r.state === 'pending' || r.state === 'deferred');
    if (opts.bounce && waiting.length) {
      await this.relay.bounce(
        entry.env,
        waiting.map((r) => ({ address: r.address, action: 'failed', status: '5.3.0', diagnostic: `Removed from the queue by the administrator: ${reason}` })),
      );
    }
    await entry.chain;
    this.relay.entries.delete(id);
    await this.relay.queue.remove(id);
    this.relay.log.warn('relay: message deleted from queue', { id, reason, from: entry.env.from, waiting: waiting.map((r) => r.address) });
  }
}

export type ControlRequest = { op: 'retry'; id?: string } | { op: 'delete'; id: string; reason: string; bounce?: boolean };
export type ControlResult = { ok: true; recipients?: number } | { ok: false; code: string; message: string };

/** Carries out one `hearth queue` request; errors become a result, never a throw. */
export async function runControlRequest(control: Pick<QueueControl, 'retryNow' | 'delete'>, req: ControlRequest): Promise<ControlResult> {
  try {
    if (req.op === 'retry') return { ok: true, recipients: await control.retryNow(req.id) };
    if (req.op === 'delete') {
      await control.delete(req.id, req.reason, { bounce: req.bounce === true });
      return { ok: true };
    }
    return { ok: false, code: 'INVALID_ARGUMENT', message: 'unknown queue operation' };
  } catch (err) {
    const e = err as HearthError;
    return { ok: false, code: e.code ?? 'INTERNAL', message: e.message };
  }
}
