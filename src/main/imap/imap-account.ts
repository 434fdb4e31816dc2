// One IMAP account's connection and sync: folders first, then each folder's headers newest
// first (so the inbox is readable at once), written to main's cache in batches; every batch
// is announced so the UI updates while the sync runs. Later passes diff UIDs and flags.
import type { FetchMessageObject, ImapFlow, ListResponse, MessageAddressObject } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { Address, MessageBody, SpecialUse } from '../../shared/api.ts';
import { HearthError } from '../../shared/errors.ts';
import type { CacheDb, MailboxRow, MessageInput } from '../services/cache-db.ts';
import type { EventBus } from '../api/event-bus.ts';
import type { Logger } from '../log.ts';
import { syncLimits } from '../limits.ts';
import { toNetworkError } from '../net-errors.ts';
import { connectImap, type ImapSettings } from './connect.ts';
import { decodePart, findSnippetPart, hasAttachments, makeSnippet, type SnippetPart } from './body-structure.ts';

const SPECIAL_USE: Record<string, SpecialUse> = {
  '\\Inbox': 'inbox',
  '\\Sent': 'sent',
  '\\Drafts': 'drafts',
  '\\Trash': 'trash',
  '\\Junk': 'junk',
  '\\Archive': 'archive',
  '\\All': 'all',
  '\\Flagged': 'flagged',
};

/** Inbox first, then the usual special folders, then the rest by name. */
const SYNC_ORDER: (SpecialUse | null)[] = ['inbox', 'sent', 'drafts', 'archive', null, 'junk', 'trash', 'flagged', 'all'];

export interface ImapAccountDeps {
  accountId: string;
  settings: ImapSettings;
  cache: CacheDb;
  events: EventBus;
  log: Logger;
}

export class ImapAccount {
  private client: ImapFlow | null = null;
  private connecting: Promise<ImapFlow> | null = null;
  private syncing: Promise<void> | null = null;
  private closed = false;
  private readonly d: ImapAccountDeps;

  constructor(deps: ImapAccountDeps) {
    this.d = deps;
  }

  private async connection(): Promise<ImapFlow> {
    if (this.closed) throw new HearthError('OFFLINE', 'Account is closed');
    if (this.client?.usable) return this.client;
    this.connecting ??= connectImap(this.d.settings)
      .then((c) => {
        this.client = c;
        c.on('close', () => {
          if (this.client === c) this.client = null;
        });
        return c;
      })
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  private setState(state: 'connecting' | 'syncing' | 'online' | 'offline' | 'error', error?: HearthError): void {
    const err = error ? { code: error.code, message: error.message } : undefined;
    this.d.cache.setAccountState(this.d.accountId, state, err);
    this.d.events.emit('account.state', { accountId: this.d.accountId, state, ...(err ? { error: err } : {}) });
    this.announce();
  }

  private announce(): void {
    this.d.events.emit('sync.changed', { epoch: this.d.cache.epoch, lastSeq: this.d.cache.lastSeq() });
  }

  /** Runs one full sync; concurrent callers share the one in progress. */
  sync(): Promise<void> {
    this.syncing ??= this.runSync().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async runSync(): Promise<void> {
    const { accountId, events } = this.d;
    try {
      this.setState('connecting');
      events.emit('sync.progress', { accountId, phase: 'connecting', mailbox: null, done: 0, total: 0 });
      const client = await this.connection();
      this.setState('syncing');
      const mailboxes = await this.syncFolders(client);
      const ordered = [...mailboxes].sort((a, b) => SYNC_ORDER.indexOf(a.specialUse) - SYNC_ORDER.indexOf(b.specialUse) || a.path.localeCompare(b.path));
      for (const mb of ordered) {
        if (this.closed) return;
        await this.syncMailboxHeaders(client, mb);
      }
      events.emit('sync.progress', { accountId, phase: 'done', mailbox: null, done: ordered.length, total: ordered.length });
      this.setState('online');
    } catch (e) {
      const err = toNetworkError(e, this.d.settings.host, this.d.settings.port);
      this.d.log.warn('sync failed', { accountId, code: err.code, message: err.message });
      if (!this.closed) this.setState(err.code === 'AUTH_FAILED' || err.code === 'CERT_UNTRUSTED' ? 'error' : 'offline', err);
      throw err;
    }
  }

  private async syncFolders(client: ImapFlow): Promise<MailboxRow[]> {
    const { accountId, cache, events } = this.d;
    events.emit('sync.progress', { accountId, phase: 'folders', mailbox: null, done: 0, total: 0 });
    const list: ListResponse[] = await client.list({ statusQuery: { messages: true, unseen: true } });
    const seen = new Set<string>();
    for (const f of list) {
      if (f.flags.has('\\Noselect') || f.flags.has('\\NonExistent')) continue;
      seen.add(f.path);
      cache.upsertMailbox({
        accountId,
        path: f.path,
        name: f.path.toUpperCase() === 'INBOX' ? 'Inbox' : f.name,
        delimiter: f.delimiter ?? null,
        parentPath: f.parentPath || null,
        specialUse: f.path.toUpperCase() === 'INBOX' ? 'inbox' : (SPECIAL_USE[f.specialUse ?? ''] ?? null),
        subscribed: f.subscribed ?? true,
        total: f.status?.messages ?? 0,
        unseen: f.status?.unseen ?? 0,
      });
    }
    for (const mb of cache.listMailboxes(accountId)) if (!seen.has(mb.path)) cache.removeMailbox(mb.id);
    this.announce();
    return cache.listMailboxes(accountId);
  }

  private async syncMailboxHeaders(client: ImapFlow, mb: MailboxRow): Promise<void> {
    const { accountId, cache, events } = this.d;
    const lock = await client.getMailboxLock(mb.path, { readOnly: true });
    try {
      // A folder still selected from the last pass reports new mail only after a command.
      await client.noop();
      const status = client.mailbox;
      if (!status) return;
      const uidValidity = Number(status.uidValidity);
      if (mb.uidValidity !== null && mb.uidValidity !== uidValidity) {
        // RFC 3501 2.3.1.1: the old UIDs mean nothing now; drop them and fetch afresh.
        this.d.log.info('uidvalidity changed', { accountId, mailbox: mb.path });
        cache.clearMailboxMessages(mb.id);
      }
      const cached = cache.mailboxUids(mb.id);
      const serverFlags = new Map<number, string[]>();
      if (status.exists > 0) {
        for await (const m of client.fetch('1:*', { uid: true, flags: true })) serverFlags.set(m.uid, [...(m.flags ?? [])].sort());
      }
      const gone = [...cached.entries()].filter(([uid]) => !serverFlags.has(uid)).map(([, v]) => v.id);
      cache.removeMessages(gone);
      for (const [uid, flags] of serverFlags) {
        const c = cached.get(uid);
        if (c && c.flags.join(' ') !== flags.join(' ')) cache.setMessageFlags(c.id, flags);
      }
      const missing = [...serverFlags.keys()].filter((uid) => !cached.has(uid)).sort((a, b) => b - a);
      let done = 0;
      events.emit('sync.progress', { accountId, phase: 'headers', mailbox: mb.path, done, total: missing.length });
      for (let i = 0; i < missing.length; i += syncLimits.headerBatch) {
        const batch = missing.slice(i, i + syncLimits.headerBatch);
        const fetched: FetchMessageObject[] = [];
        for await (const m of client.fetch(
          batch,
          { uid: true, flags: true, envelope: true, size: true, bodyStructure: true, internalDate: true },
          { uid: true },
        )) {
          fetched.push(m);
        }
        const snippets = await this.fetchSnippets(client, fetched);
        cache.upsertMessages(fetched.map((m) => toMessageInput(accountId, mb.id, m, snippets.get(m.uid) ?? '')));
        done += batch.length;
        events.emit('sync.progress', { accountId, phase: 'headers', mailbox: mb.path, done, total: missing.length });
        this.announce();
      }
      cache.setMailboxSyncState(mb.id, {
        uidValidity,
        uidNext: Number(status.uidNext),
        highestModseq: status.highestModseq ? String(status.highestModseq) : null,
      });
      this.announce();
    } finally {
      lock.release();
    }
  }

  /** Fetches the start of each message's text part, grouped by part number (one FETCH per group). */
  private async fetchSnippets(client: ImapFlow, msgs: FetchMessageObject[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    const groups = new Map<string, { uids: number[]; byUid: Map<number, ReturnType<typeof findSnippetPart>> }>();
    for (const m of msgs) {
      const part = findSnippetPart(m.bodyStructure);
      if (!part) continue;
      const g = groups.get(part.part) ?? { uids: [] as number[], byUid: new Map<number, SnippetPart | null>() };
      g.uids.push(m.uid);
      g.byUid.set(m.uid, part);
      groups.set(part.part, g);
    }
    for (const [partId, g] of groups) {
      for await (const m of client.fetch(g.uids, { uid: true, bodyParts: [{ key: partId, start: 0, maxLength: 2048 }] }, { uid: true })) {
        const info = g.byUid.get(m.uid);
        const content = m.bodyParts?.get(partId) ?? [...(m.bodyParts?.values() ?? [])][0];
        if (!info || !content) continue;
        out.set(m.uid, makeSnippet(decodePart(content, info.encoding, info.charset), info.type, syncLimits.snippetChars));
      }
    }
    return out;
  }

  /** Fetches and parses one message for reading. */
  async body(messageId: number): Promise<MessageBody> {
    const msg = this.d.cache.getMessage(messageId);
    if (!msg) throw new HearthError('NOT_FOUND', 'No such message');
    const mb = this.d.cache.getMailbox(msg.mailboxId);
    if (!mb) throw new HearthError('NOT_FOUND', 'The message’s folder is gone');
    const client = await this.connection().catch((e: unknown) => {
      throw toNetworkError(e, this.d.settings.host, this.d.settings.port);
    });
    const lock = await client.getMailboxLock(mb.path, { readOnly: true });
    let source: Buffer | undefined;
    try {
      const m = await client.fetchOne(String(msg.uid), { uid: true, source: true }, { uid: true });
      source = m ? m.source : undefined;
    } finally {
      lock.release();
    }
    if (!source) throw new HearthError('MESSAGE_GONE');
    return parseMessageBody(messageId, source);
  }

  /** Groups cached messages by folder, so each folder is opened once. */
  private byMailbox(messageIds: number[]): Map<number, { mailbox: MailboxRow; messages: { id: number; uid: number; flags: string[] }[] }> {
    const out = new Map<number, { mailbox: MailboxRow; messages: { id: number; uid: number; flags: string[] }[] }>();
    for (const id of messageIds) {
      const m = this.d.cache.getMessage(id);
      if (!m) continue;
      const mailbox = this.d.cache.getMailbox(m.mailboxId);
      if (!mailbox) continue;
      const g = out.get(mailbox.id) ?? { mailbox, messages: [] };
      g.messages.push({ id, uid: m.uid, flags: m.flags });
      out.set(mailbox.id, g);
    }
    return out;
  }

  private async withMailbox<T>(path: string, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = await this.connection().catch((e: unknown) => {
      throw toNetworkError(e, this.d.settings.host, this.d.settings.port);
    });
    const lock = await client.getMailboxLock(path);
    try {
      return await fn(client);
    } catch (e) {
      throw toNetworkError(e, this.d.settings.host, this.d.settings.port);
    } finally {
      lock.release();
    }
  }

  async setFlags(messageIds: number[], add: string[], remove: string[]): Promise<void> {
    for (const { mailbox, messages } of this.byMailbox(messageIds).values()) {
      const uids = messages.map((m) => m.uid);
      await this.withMailbox(mailbox.path, async (client) => {
        if (add.length) await client.messageFlagsAdd(uids, add, { uid: true });
        if (remove.length) await client.messageFlagsRemove(uids, remove, { uid: true });
      });
      for (const m of messages) this.d.cache.setMessageFlags(m.id, [...new Set([...m.flags.filter((f) => !remove.includes(f)), ...add])].sort());
    }
    this.announce();
  }

  async move(messageIds: number[], target: MailboxRow): Promise<void> {
    for (const { mailbox, messages } of this.byMailbox(messageIds).values()) {
      if (mailbox.id === target.id) continue;
      await this.withMailbox(mailbox.path, (client) =>
        client.messageMove(
          messages.map((m) => m.uid),
          target.path,
          { uid: true },
        ),
      );
      this.d.cache.removeMessages(messages.map((m) => m.id));
    }
    this.announce();
    // The target folder's copies (with their new UIDs) arrive with its next sync.
    void this.sync().catch(() => {});
  }

  /** Moves to Trash, like every mail program; in Trash (or with no Trash) it deletes for good. */
  async delete(messageIds: number[]): Promise<void> {
    const trash = this.d.cache.listMailboxes(this.d.accountId).find((m) => m.specialUse === 'trash');
    for (const { mailbox, messages } of this.byMailbox(messageIds).values()) {
      if (trash && mailbox.id !== trash.id) {
        await this.move(
          messages.map((m) => m.id),
          trash,
        );
        continue;
      }
      await this.withMailbox(mailbox.path, (client) =>
        client.messageDelete(
          messages.map((m) => m.uid),
          { uid: true },
        ),
      );
      this.d.cache.removeMessages(messages.map((m) => m.id));
    }
    this.announce();
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = null;
    if (c) await c.logout().catch(() => c.close());
  }
}

function toAddresses(list: MessageAddressObject[] | undefined): Address[] {
  return (list ?? []).filter((a) => a.address || a.name).map((a) => ({ name: a.name ?? '', address: a.address ?? '' }));
}

function toMessageInput(accountId: string, mailboxId: number, m: FetchMessageObject, snippet: string): MessageInput {
  const env = m.envelope;
  const sent = env?.date ? new Date(env.date) : null;
  const internal = m.internalDate ? new Date(m.internalDate) : null;
  const date = sent && !Number.isNaN(sent.getTime()) ? sent.getTime() : (internal?.getTime() ?? 0);
  return {
    accountId,
    mailboxId,
    uid: m.uid,
    messageId: env?.messageId ?? null,
    subject: env?.subject ?? '',
    from: toAddresses(env?.from),
    to: toAddresses(env?.to),
    cc: toAddresses(env?.cc),
    date,
    flags: [...(m.flags ?? [])].sort(),
    size: m.size ?? 0,
    snippet,
    hasAttachments: hasAttachments(m.bodyStructure),
  };
}

/** Parses a raw message; broken MIME yields what could be read, flagged as damaged. */
export async function parseMessageBody(id: number, source: Buffer): Promise<MessageBody> {
  try {
    const parsed = await simpleParser(source, { skipImageLinks: true, skipTextLinks: true });
    return {
      id,
      html: typeof parsed.html === 'string' ? parsed.html : null,
      text: parsed.text ?? null,
      attachments: parsed.attachments.map((a, i) => ({
        partId: a.partId ?? String(i + 1),
        filename: a.filename ?? null,
        contentType: a.contentType,
        size: a.size,
        contentId: a.contentId ?? null,
        inline: a.contentDisposition === 'inline',
      })),
      damaged: false,
    };
  } catch {
    return { id, html: null, text: source.toString('utf8'), attachments: [], damaged: true };
  }
}
