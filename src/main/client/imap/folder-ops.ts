// Folder changes on an IMAP account, online only: done on the server first (on the `user`
// connection), then the cache follows, then the folder list is read again.
import type { ImapFlow } from 'imapflow';
import { HearthError } from '../../../shared/errors.ts';
import { toNetworkError } from '../../base/net.ts';
import type { CacheDb } from '../cache/cache-db.ts';
import type { MailboxRow } from '../cache/mailboxes.ts';
import type { PendingOps } from '../cache/pending-ops.ts';
import type { IncomingSettings } from '../mail-account.ts';

export interface FolderOpsContext {
  accountId: string;
  settings: IncomingSettings;
  cache: CacheDb;
  ops: PendingOps;
  /** The connection for what the user waits on. */
  connection(): Promise<ImapFlow>;
  /** Reads the folder list again (after the change). */
  refresh(): Promise<void>;
}

export class FolderOps {
  private readonly ctx: FolderOpsContext;

  constructor(ctx: FolderOpsContext) {
    this.ctx = ctx;
  }

  async create(parent: MailboxRow | null, name: string): Promise<void> {
    await this.onServer(async (c) => {
      const path = parent ? `${parent.path}${parent.delimiter ?? '/'}${name}` : name;
      const r = await c.mailboxCreate(path);
      if (r && r.created === false) throw new HearthError('MAILBOX_EXISTS', `A folder named “${name}” already exists`, { field: 'name' });
      await c.mailboxSubscribe(path).catch(() => {});
    });
    await this.ctx.refresh();
  }

  async rename(mb: MailboxRow, newName: string): Promise<void> {
    if (mb.specialUse === 'inbox') throw new HearthError('INVALID_ARGUMENT', 'The inbox cannot be renamed', { field: 'name' });
    const { accountId, cache, ops } = this.ctx;
    const newPath = mb.parentPath ? `${mb.parentPath}${mb.delimiter ?? '/'}${newName}` : newName;
    await this.onServer((c) => c.mailboxRename(mb.path, newPath));
    // Keep the cached messages (same UIDVALIDITY on a rename): move the rows' paths, not the mail;
    // actions still queued for the folder follow it.
    cache.transaction(() => {
      cache.mailboxes.renameTree(accountId, mb.path, newPath, mb.delimiter ?? '/');
      ops.followRename(accountId, mb.path, newPath, mb.delimiter ?? '/');
    });
    await this.ctx.refresh();
  }

  async delete(mb: MailboxRow): Promise<void> {
    if (mb.specialUse === 'inbox') throw new HearthError('INVALID_ARGUMENT', 'The inbox cannot be deleted', { field: 'mailboxId' });
    await this.onServer((c) => c.mailboxDelete(mb.path));
    this.ctx.cache.mailboxes.remove(mb.id);
    await this.ctx.refresh();
  }

  async subscribe(mb: MailboxRow, subscribed: boolean): Promise<void> {
    await this.onServer((c) => (subscribed ? c.mailboxSubscribe(mb.path) : c.mailboxUnsubscribe(mb.path)));
    await this.ctx.refresh();
  }

  /** Runs a change on the server, naming what went wrong (RFC 5530 response codes where given). */
  private async onServer<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = await this.ctx.connection();
    try {
      return await fn(client);
    } catch (e) {
      if (e instanceof HearthError) throw e;
      const resp = (e as { responseText?: string; serverResponseCode?: string }).serverResponseCode;
      if (resp === 'ALREADYEXISTS') throw new HearthError('MAILBOX_EXISTS');
      if (resp === 'NONEXISTENT') throw new HearthError('MAILBOX_NOT_FOUND');
      if ((e as { responseStatus?: string }).responseStatus)
        throw new HearthError('SERVER_ERROR', (e as { responseText?: string }).responseText || (e as Error).message);
      throw toNetworkError(e, this.ctx.settings.host, this.ctx.settings.port);
    }
  }
}
