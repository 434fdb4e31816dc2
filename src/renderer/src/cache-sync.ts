// Keeps the IndexedDB mirror in step with main: on start, on reconnect and on every
// `sync.changed` event it pulls the journal from its last seq and applies it in one
// transaction per batch. A different epoch means main's store was recreated: start over.
import type { Change, MessageSummary } from '../../shared/api.ts';
import type { HearthDb } from './db.ts';
import type { Transport } from './api/transport.ts';

interface Cursor {
  epoch: string;
  lastSeq: number;
}

/** Applies journal changes; returns the messages that were not in the cache before (new mail, moved mail). */
export async function applyChanges(db: HearthDb, changes: Change[]): Promise<MessageSummary[]> {
  const added: MessageSummary[] = [];
  await db.transaction('rw', [db.accounts, db.mailboxes, db.messages, db.bodies], async () => {
    const incoming = changes.flatMap((c) => (c.kind === 'message' ? [c.message] : []));
    const before = await db.messages.bulkGet(incoming.map((m) => m.id));
    incoming.forEach((m, i) => {
      if (!before[i]) added.push(m);
    });
    for (const c of changes) {
      switch (c.kind) {
        case 'account':
          await db.accounts.put(c.account);
          break;
        case 'mailbox':
          await db.mailboxes.put(c.mailbox);
          break;
        case 'message':
          await db.messages.put(c.message);
          break;
        case 'removed':
          if (c.entity === 'account') {
            const id = String(c.id);
            await db.accounts.delete(id);
            const mbIds = await db.mailboxes.where('accountId').equals(id).primaryKeys();
            await db.mailboxes.bulkDelete(mbIds);
            const msgIds = await db.messages.where('accountId').equals(id).primaryKeys();
            await db.messages.bulkDelete(msgIds);
            await db.bodies.bulkDelete(msgIds);
          } else if (c.entity === 'mailbox') {
            await db.mailboxes.delete(Number(c.id));
            const msgIds = await db.messages.where('mailboxId').equals(Number(c.id)).primaryKeys();
            await db.messages.bulkDelete(msgIds);
            await db.bodies.bulkDelete(msgIds);
          } else {
            await db.messages.delete(Number(c.id));
            await db.bodies.delete(Number(c.id));
          }
          break;
      }
    }
  });
  return added;
}

export class CacheSync {
  private running: Promise<void> | null = null;
  private again = false;
  private readonly db: HearthDb;
  private readonly api: Transport;

  private readonly onAdded: ((messages: MessageSummary[]) => void) | undefined;

  constructor(db: HearthDb, api: Transport, onAdded?: (messages: MessageSummary[]) => void) {
    this.db = db;
    this.api = api;
    this.onAdded = onAdded;
  }

  start(): () => void {
    const offChanged = this.api.on('sync.changed', () => this.pull());
    const offState = this.api.onState((s) => {
      if (s === 'online') this.pull();
    });
    if (this.api.state() === 'online') this.pull();
    return () => {
      offChanged();
      offState();
    };
  }

  /** Pulls until caught up; calls while a pull runs coalesce into one more round. */
  pull(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pullOnce();
        } while (this.again);
      } catch {
        // Offline or main restarting: the next event or reconnect pulls again.
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async pullOnce(): Promise<void> {
    let cursor = ((await this.db.meta.get('cursor'))?.value as Cursor | undefined) ?? { epoch: '', lastSeq: 0 };
    for (;;) {
      const page = await this.api.call('sync.changes', { sinceSeq: cursor.epoch ? cursor.lastSeq : 0, limit: 2000 });
      if (page.epoch !== cursor.epoch) {
        if (cursor.epoch) await this.reset();
        if (cursor.lastSeq !== 0 || cursor.epoch) {
          cursor = { epoch: page.epoch, lastSeq: 0 };
          continue;
        }
      }
      const added = await applyChanges(this.db, page.changes);
      // A first fill (from 0) is the whole mailbox, not news.
      if (added.length && cursor.lastSeq > 0) this.onAdded?.(added);
      cursor = { epoch: page.epoch, lastSeq: page.lastSeq };
      await this.db.meta.put({ key: 'cursor', value: cursor });
      if (!page.more) return;
    }
  }

  private async reset(): Promise<void> {
    await this.db.transaction('rw', [this.db.accounts, this.db.mailboxes, this.db.messages, this.db.bodies, this.db.meta], async () => {
      await Promise.all([this.db.accounts.clear(), this.db.mailboxes.clear(), this.db.messages.clear(), this.db.bodies.clear(), this.db.meta.delete('cursor')]);
    });
  }
}
