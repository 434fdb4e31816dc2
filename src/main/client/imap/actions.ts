// The local half of an IMAP account's actions: each one changes main's cache at once (the UI
// shows it before the server knows) and returns the pending ops, one per folder, that carry it
// to the server (queued durably and replayed by op-replay.ts).
import type { CacheDb } from '../cache/cache-db.ts';
import type { MailboxRow } from '../cache/mailboxes.ts';
import type { NewPendingOp, PendingOp } from '../cache/pending-ops.ts';
import type { BodyStore } from './body-store.ts';

export interface ActionContext {
  accountId: string;
  cache: CacheDb;
  bodies: BodyStore;
}

interface Selected {
  mailbox: MailboxRow;
  messages: { id: number; uid: number; flags: string[]; messageId: string | null }[];
}

/** Sets and clears flags; the folder's unread count follows. */
export function setFlagsLocally(ctx: ActionContext, messageIds: number[], add: string[], remove: string[]): NewPendingOp[] {
  const ops = [];
  for (const { mailbox, messages } of byMailbox(ctx, messageIds)) {
    ctx.cache.transaction(() => {
      for (const m of messages) ctx.cache.messages.setFlags(m.id, [...new Set([...m.flags.filter((f) => !remove.includes(f)), ...add])].sort());
      ctx.cache.mailboxes.updateCounts(mailbox.id);
    });
    ops.push(
      op(
        ctx,
        'flags',
        mailbox,
        messages.map((m) => m.uid),
        { add, remove },
      ),
    );
  }
  return ops;
}

/** Moves to `target`: gone from their folders now, in the target after its next sync (new UIDs). */
export function moveLocally(ctx: ActionContext, messageIds: number[], target: MailboxRow): NewPendingOp[] {
  return removeLocally(ctx, messageIds, (mailbox, uids) => (mailbox.id === target.id ? null : op(ctx, 'move', mailbox, uids, { targetPath: target.path })));
}

/** Copies to `target`: nothing changes here until the target's next sync. */
export function copyLocally(ctx: ActionContext, messageIds: number[], target: MailboxRow): NewPendingOp[] {
  return byMailbox(ctx, messageIds)
    .filter((g) => g.mailbox.id !== target.id)
    .map(({ mailbox, messages }) =>
      op(
        ctx,
        'copy',
        mailbox,
        messages.map((m) => m.uid),
        { targetPath: target.path, messageIds: messages.map((m) => m.messageId) },
      ),
    );
}

/** Moves to Trash, like every mail program; in Trash (or with no Trash) it deletes for good. */
export function deleteLocally(ctx: ActionContext, messageIds: number[], trash: MailboxRow | undefined): NewPendingOp[] {
  return removeLocally(ctx, messageIds, (mailbox, uids) =>
    trash && mailbox.id !== trash.id ? op(ctx, 'move', mailbox, uids, { targetPath: trash.path }) : op(ctx, 'expunge', mailbox, uids, {}),
  );
}

/** Deletes for good (no Trash): the message now lives in another account. */
export function removeForGoodLocally(ctx: ActionContext, messageIds: number[]): NewPendingOp[] {
  return deleteLocally(ctx, messageIds, undefined);
}

/**
 * Takes the messages out of their folders in the cache and queues one op per folder; a folder for
 * which `opFor` gives null (a move onto itself) is left as it is.
 */
function removeLocally(ctx: ActionContext, messageIds: number[], opFor: (mailbox: MailboxRow, uids: number[]) => NewPendingOp | null): NewPendingOp[] {
  const ops: NewPendingOp[] = [];
  for (const { mailbox, messages } of byMailbox(ctx, messageIds)) {
    const queued = opFor(
      mailbox,
      messages.map((m) => m.uid),
    );
    if (!queued) continue;
    removeFromCache(
      ctx,
      mailbox,
      messages.map((m) => m.id),
    );
    ops.push(queued);
  }
  return ops;
}

/** Groups cached messages by folder, so each folder gets one op. */
function byMailbox(ctx: ActionContext, messageIds: number[]): Selected[] {
  const out = new Map<number, Selected>();
  for (const id of messageIds) {
    const m = ctx.cache.messages.get(id);
    if (!m) continue;
    const mailbox = ctx.cache.mailboxes.get(m.mailboxId);
    if (!mailbox) continue;
    const g = out.get(mailbox.id) ?? { mailbox, messages: [] };
    g.messages.push({ id, uid: m.uid, flags: m.flags, messageId: m.messageId });
    out.set(mailbox.id, g);
  }
  return [...out.values()];
}

/** An op on the folder's UIDs as of now: its UIDVALIDITY goes with it (RFC 3501 2.3.1.1). */
function op(ctx: ActionContext, kind: PendingOp['kind'], mailbox: MailboxRow, uids: number[], payload: PendingOp['payload']): NewPendingOp {
  return { accountId: ctx.accountId, kind, mailboxId: mailbox.id, uidValidity: mailbox.uidValidity, uids, payload };
}

function removeFromCache(ctx: ActionContext, mailbox: MailboxRow, ids: number[]): void {
  ctx.cache.transaction(() => {
    ctx.cache.messages.remove(ids);
    ctx.cache.mailboxes.updateCounts(mailbox.id);
  });
  ctx.bodies.discard(ids);
}
