// Keeps the IndexedDB mirror in step with main: on start, on reconnect and on every
// `sync.changed` event it pulls the journal from its last seq and applies it in one
// transaction per batch. A different epoch means main's store was recreated: start over.
import type { Account, ArgsOf, Change, MessageSummary, MethodName, ResultOf } from '../../shared/api.ts';
import type { HearthDb } from './db.ts';
import type { Transport } from './api/transport.ts';
import { coalescing } from './coalesce.ts';

interface Cursor {
  epoch: string;
  lastSeq: number;
}

/** Removes messages with what the offline mirror kept of them (bodies, inline images). */
async function forgetMessages(db: HearthDb, ids: number[]): Promise<void> {
  await db.messages.bulkDelete(ids);
  await db.bodies.bulkDelete(ids);
  await db.parts.where('messageId').anyOf(ids).delete();
}

/** Applies journal changes; returns the messages that were not in the cache before (new mail, moved mail). */
export async function applyChanges(db: HearthDb, changes: Change[]): Promise<MessageSummary[]> {
  const added: MessageSummary[] = [];
  await db.transaction('rw', [db.accounts, db.mailboxes, db.messages, db.bodies, db.parts], async () => {
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
            await forgetMessages(db, msgIds);
          } else if (c.entity === 'mailbox') {
            await db.mailboxes.delete(Number(c.id));
            const msgIds = await db.messages.where('mailboxId').equals(Number(c.id)).primaryKeys();
            await forgetMessages(db, msgIds);
          } else {
            await forgetMessages(db, [Number(c.id)]);
          }
          break;
      }
    }
  });
  return added;
}

export class CacheSync {
  private readonly db: HearthDb;
  private readonly api: Transport;

  private readonly onAdded: ((messages: MessageSummary[]) => void) | undefined;
  private readonly pulledListeners = new Set<() => void>();

  /** Called after every pull that caught up with main (the offline mirror then fetches new bodies). */
  onPulled(listener: () => void): () => void {
    this.pulledListeners.add(listener);
    return () => this.pulledListeners.delete(listener);
  }

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
  readonly pull = coalescing(async () => {
    await this.pullOnce();
    for (const l of this.pulledListeners) l();
  });

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
    const { accounts, mailboxes, messages, bodies, parts, meta } = this.db;
    await this.db.transaction('rw', [accounts, mailboxes, messages, bodies, parts, meta], async () => {
      await Promise.all([accounts.clear(), mailboxes.clear(), messages.clear(), bodies.clear(), parts.clear(), meta.delete('cursor')]);
    });
  }
}

/** The calls whose result is the account (or all accounts) as main now has it. */
const ACCOUNT_RESULTS: ReadonlySet<MethodName> = new Set<MethodName>(['accounts.add', 'accounts.update', 'accounts.reorder']);

/**
 * An account changed from this window shows in it at once: the account main returns is written to
 * the mirror (the journal brings the same row a moment later). Without it, a message composed right
 * after saving a signature started from the old identities whenever the journal pull lagged.
 */
export function writingAccountsThrough(api: Transport, db: HearthDb): Transport {
  return {
    ...api,
    async call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
      const result = await api.call(method, args);
      if (ACCOUNT_RESULTS.has(method)) await db.accounts.bulkPut(Array.isArray(result) ? (result as Account[]) : [result as Account]);
      return result;
    },
  };
}
