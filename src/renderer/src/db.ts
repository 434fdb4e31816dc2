// The renderer's IndexedDB cache (dexie): a mirror of main's journal, so the UI renders from it
// with liveQuery and keeps showing cached mail when main is unreachable. Losing it loses no
// mail: main replays its journal from 0.
import { Dexie, type EntityTable } from 'dexie';
import type { Account, Mailbox, MessageBody, MessageSummary } from '../../shared/api.ts';

export interface MetaRow {
  key: string;
  value: unknown;
}

export interface CachedBody extends MessageBody {
  fetchedAt: number;
}

export class HearthDb extends Dexie {
  accounts!: EntityTable<Account, 'id'>;
  mailboxes!: EntityTable<Mailbox, 'id'>;
  messages!: EntityTable<MessageSummary, 'id'>;
  bodies!: EntityTable<CachedBody, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;

  constructor(name = 'hearth') {
    super(name);
    // Schema versions only ever go up; each new version lists its full schema.
    this.version(1).stores({
      accounts: 'id',
      mailboxes: 'id, accountId',
      messages: 'id, mailboxId, accountId, [mailboxId+date]',
      bodies: 'id',
      meta: 'key',
    });
    // v2: conversations (threadId from main's JWZ threading).
    this.version(2).stores({
      accounts: 'id',
      mailboxes: 'id, accountId',
      messages: 'id, mailboxId, accountId, threadId, [mailboxId+date]',
      bodies: 'id',
      meta: 'key',
    });
  }
}
