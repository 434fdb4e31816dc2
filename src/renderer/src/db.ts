// The renderer's IndexedDB cache (dexie): a mirror of main's journal, so the UI renders from it
// with liveQuery and keeps showing cached mail when main is unreachable. Losing it loses no
// mail: main replays its journal from 0.
import { Dexie, type EntityTable, type Table } from 'dexie';
import type { Account, Mailbox, MessageBody, MessageSummary } from '../../shared/api.ts';

export interface MetaRow {
  key: string;
  value: unknown;
}

export interface CachedBody extends MessageBody {
  fetchedAt: number;
  /** The message's date, so the offline budget evicts the oldest first. */
  date?: number;
  /** Approximate stored size (body text and HTML), counted against the offline budget. */
  bytes?: number;
}

/** An inline part (a `cid:` image) kept with its message's body, as a data: URL the reader frame may load. */
export interface CachedPart {
  messageId: number;
  partId: string;
  contentId: string;
  contentType: string;
  dataUrl: string;
  bytes: number;
}

export class HearthDb extends Dexie {
  accounts!: EntityTable<Account, 'id'>;
  mailboxes!: EntityTable<Mailbox, 'id'>;
  messages!: EntityTable<MessageSummary, 'id'>;
  bodies!: EntityTable<CachedBody, 'id'>;
  parts!: Table<CachedPart, [number, string]>;
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
    // v3: offline reading (bodies by date for eviction, inline parts) and date order across folders.
    this.version(3).stores({
      accounts: 'id',
      mailboxes: 'id, accountId',
      messages: 'id, mailboxId, accountId, threadId, date, [mailboxId+date]',
      bodies: 'id, date',
      parts: '[messageId+partId], messageId',
      meta: 'key',
    });
    // v4: sizes indexed, so the offline copy's usage is summed from keys without reading a body.
    this.version(4).stores({
      accounts: 'id',
      mailboxes: 'id, accountId',
      messages: 'id, mailboxId, accountId, threadId, date, [mailboxId+date]',
      bodies: 'id, date, bytes',
      parts: '[messageId+partId], messageId, bytes',
      meta: 'key',
    });
  }
}
