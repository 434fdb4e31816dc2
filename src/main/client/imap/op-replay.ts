// Replays actions made while offline (or not yet sent), oldest first, exactly once:
// - an op names its folder's UIDVALIDITY; a different one means the UIDs are void: dropped;
// - only UIDs that still exist are touched (UID SEARCH first); vanished ones are dropped with a
//   notice, never applied to another message;
// - flag changes are idempotent; a MOVE that went through before a crash finds its UIDs gone and
//   does nothing; a COPY retried after a crash first looks for the Message-ID in the target.
import type { ImapFlow } from 'imapflow';
import { HearthError } from '../../../shared/errors.ts';
import type { EventBus } from '../../api/event-bus.ts';
import type { Logger } from '../../base/log.ts';
import { syncLimits } from '../../base/limits.ts';
import type { CacheDb } from '../cache/cache-db.ts';
import type { PendingOp, PendingOps } from '../cache/pending-ops.ts';

export interface ReplayContext {
  accountId: string;
  cache: CacheDb;
  ops: PendingOps;
  events: EventBus;
  log: Logger;
}

/** Replays every pending op of the account. Network errors propagate (the op stays queued). */
export async function replayOps(ctx: ReplayContext, client: ImapFlow): Promise<number> {
  let applied = 0;
  for (const op of ctx.ops.list(ctx.accountId)) {
    const mb = ctx.cache.mailboxes.get(op.mailboxId);
    if (!mb) {
      drop(ctx, op, 'its folder no longer exists');
      continue;
    }
    ctx.ops.markAttempt(op.id);
    try {
      const lock = await client.getMailboxLock(mb.path);
      try {
        if (op.uidValidity !== null && Number(client.mailbox && client.mailbox.uidValidity) !== op.uidValidity) {
          drop(ctx, op, 'the folder was reset on the server');
          continue;
        }
        const existing = await existingUids(client, op.uids);
        const gone = op.uids.length - existing.length;
        if (existing.length > 0) await apply(client, op, existing);
        ctx.ops.remove(op.id);
        applied++;
        if (gone > 0) notice(ctx, `${gone} message${gone === 1 ? '' : 's'} changed on the server meanwhile; that part of the action was dropped.`);
      } finally {
        lock.release();
      }
    } catch (e) {
      // A server that says NO to this op (not a network failure) must not block the queue forever.
      const serverSaidNo = (e as { responseStatus?: string }).responseStatus === 'NO' || (e as { responseStatus?: string }).responseStatus === 'BAD';
      if (serverSaidNo && op.attempts + 1 >= syncLimits.maxOpAttempts) {
        drop(ctx, op, `the server refused it (${(e as Error).message})`);
        continue;
      }
      throw e;
    }
  }
  return applied;
}

async function existingUids(client: ImapFlow, uids: number[]): Promise<number[]> {
  const set = new Set<number>();
  for (const part of batches(uids)) for (const u of (await client.search({ uid: uidSet(part) }, { uid: true })) || []) set.add(u);
  return uids.filter((u) => set.has(u));
}

/** UIDs as an IMAP sequence set with runs as ranges (RFC 3501 9: "4:7,9"): select-all lists stay short. */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(j === i ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** An action on thousands of messages goes in several commands, each within servers' line limits. */
function batches(uids: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < uids.length; i += syncLimits.opUidBatch) out.push(uids.slice(i, i + syncLimits.opUidBatch));
  return out;
}

async function apply(client: ImapFlow, op: PendingOp, uids: number[]): Promise<void> {
  const { payload } = op;
  switch (op.kind) {
    case 'flags':
      for (const part of batches(uids)) {
        if (payload.add?.length) await client.messageFlagsAdd(uidSet(part), payload.add, { uid: true });
        if (payload.remove?.length) await client.messageFlagsRemove(uidSet(part), payload.remove, { uid: true });
      }
      return;
    case 'move':
      for (const part of batches(uids)) await mustSucceed(client.messageMove(uidSet(part), payload.targetPath!, { uid: true }), 'MOVE');
      return;
    case 'copy': {
      let todo = uids;
      if (op.attempts > 0 && payload.messageIds) {
        // A retry after a crash: skip messages whose copy already reached the target.
        const already = await copiedAlready(client, op, payload.targetPath!);
        todo = uids.filter((uid) => !already.has(payload.messageIds![op.uids.indexOf(uid)] ?? ''));
      }
      for (const part of batches(todo)) await mustSucceed(client.messageCopy(uidSet(part), payload.targetPath!, { uid: true }), 'COPY');
      return;
    }
    case 'expunge':
      for (const part of batches(uids)) await mustSucceed(client.messageDelete(uidSet(part), { uid: true }), 'EXPUNGE');
      return;
  }
}

async function mustSucceed<T>(p: Promise<T | false>, what: string): Promise<T> {
  const r = await p;
  if (r === false) throw Object.assign(new HearthError('SERVER_ERROR', `${what} failed on the server`), { responseStatus: 'NO' });
  return r;
}

async function copiedAlready(client: ImapFlow, op: PendingOp, target: string): Promise<Set<string>> {
  const source = client.mailbox ? client.mailbox.path : '';
  const out = new Set<string>();
  await client.mailboxOpen(target, { readOnly: true });
  for (const id of op.payload.messageIds ?? []) {
    if (!id) continue;
    const hits = await client.search({ header: { 'message-id': id } }, { uid: true });
    if (hits && hits.length) out.add(id);
  }
  await client.mailboxOpen(source, {});
  return out;
}

function drop(ctx: ReplayContext, op: PendingOp, why: string): void {
  ctx.ops.remove(op.id);
  ctx.log.info('pending operation dropped', { accountId: ctx.accountId, kind: op.kind, why });
  notice(ctx, `An offline action (${op.kind}) was dropped: ${why}.`);
}

function notice(ctx: ReplayContext, message: string): void {
  ctx.events.emit('notice', { level: 'warning', message, accountId: ctx.accountId });
}
