// A cached IMAP message's raw bytes for reading: the offline copy if there is one, else fetched
// from the server (on the `user` connection) and kept, so it is there offline from then on.
import type { ImapFlow } from 'imapflow';
import { HearthError } from '../../../shared/errors.ts';
import { toNetworkError } from '../../base/net.ts';
import type { CacheDb } from '../cache/cache-db.ts';
import type { IncomingSettings } from '../mail-account.ts';
import type { BodyStore } from './body-store.ts';

export interface SourceContext {
  settings: IncomingSettings;
  cache: CacheDb;
  bodies: BodyStore;
  /** The connection for what the user waits on. */
  connection(): Promise<ImapFlow>;
}

export async function messageSource(ctx: SourceContext, messageId: number): Promise<Buffer> {
  const { cache, bodies, settings } = ctx;
  const msg = cache.messages.get(messageId);
  if (!msg) throw new HearthError('NOT_FOUND', 'No such message');
  const cached = cache.messages.isBodyCached(messageId) ? bodies.read(messageId) : null;
  if (cached) return cached;
  const mb = cache.mailboxes.get(msg.mailboxId);
  if (!mb) throw new HearthError('NOT_FOUND', 'The message’s folder is gone');
  let client: ImapFlow;
  try {
    client = await ctx.connection();
  } catch (e) {
    const err = e as HearthError;
    throw new HearthError(err.code ?? 'OFFLINE', `This message was not downloaded for offline reading, and the server cannot be reached (${err.message}).`);
  }
  const lock = await client.getMailboxLock(mb.path, { readOnly: true });
  let source: Buffer | undefined;
  try {
    const m = await client.fetchOne(String(msg.uid), { uid: true, source: true }, { uid: true });
    source = m ? m.source : undefined;
  } catch (e) {
    throw toNetworkError(e, settings.host, settings.port);
  } finally {
    lock.release();
  }
  if (!source) throw new HearthError('MESSAGE_GONE');
  try {
    await bodies.write(messageId, source);
    cache.messages.setBodyCached(messageId, true);
  } catch {
    // Not kept (the disk full, the store closing): the message is shown all the same and fetched again next time.
  }
  return source;
}
