// Actions on many messages at once (the selection, a drag, a context menu): calls main in chunks
// no bigger than the contract takes, so thousands of messages go in a few calls, and offers the
// undo of a move, archive or delete.
import { useCallback } from 'react';
import { MAX_MESSAGE_IDS, type Mailbox, type MessageSummary } from '../../shared/api.ts';
import type { Transport } from './api/transport.ts';
import type { HearthDb } from './db.ts';
import { countOf } from './format.ts';
import type { FlagOverlay } from './flag-overlay.ts';

export type BulkAction =
  | { kind: 'archive' }
  | { kind: 'delete' }
  | { kind: 'move'; targetMailboxId: number }
  | { kind: 'read'; on: boolean }
  | { kind: 'flag'; on: boolean }
  | { kind: 'toggleRead' }
  | { kind: 'toggleFlag' };

/** Splits ids into calls main accepts. */
export function chunks(ids: readonly number[], size = MAX_MESSAGE_IDS): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

export function countLabel(n: number): string {
  return countOf(n, 'message', 'messages');
}

/**
 * Writes a flag change into the offline copy (the rows and the reader follow it) before main has
 * it, in one transaction: `'toggle'` decides there (if any lacks the flag, all get it, as
 * Thunderbird does). Returns what it decided and what puts back the flags of the messages it
 * changed, unless something newer (main's journal) has changed them since.
 */
export async function flagAtOnce(
  db: HearthDb,
  ids: readonly number[],
  flag: string,
  want: boolean | 'toggle',
): Promise<{ on: boolean; undo: () => Promise<void> }> {
  const set = (flags: string[], to: boolean) => (to ? [...flags, flag] : flags.filter((f) => f !== flag));
  const { on, changed } = await db.transaction('rw', db.messages, async () => {
    const rows = (await db.messages.bulkGet([...ids])).filter((m) => m !== undefined);
    const on = want === 'toggle' ? !rows.every((m) => m.flags.includes(flag)) : want;
    const changed = rows.filter((m) => m.flags.includes(flag) !== on).map((m) => ({ ...m, flags: set(m.flags, on) }));
    await db.messages.bulkPut(changed);
    return { on, changed };
  });
  const undo = () =>
    db.transaction('rw', db.messages, async () => {
      const now = await db.messages.bulkGet(changed.map((m) => m.id));
      const back = changed.flatMap((m, i) => (now[i] && now[i].flags.join() === m.flags.join() ? [{ ...now[i], flags: set(now[i].flags, !on) }] : []));
      await db.messages.bulkPut(back);
    });
  return { on, undo };
}

/**
 * A toggle decided from the summaries in memory (with the changes still pending), when every one
 * is at hand: then it shows in the frame of the key press. Null when one is not (a selection
 * beyond the rows read): the offline copy decides.
 */
export function toggleFromMemory(
  ids: readonly number[],
  flag: string,
  known: (id: number) => MessageSummary | undefined,
  overlay: FlagOverlay,
): boolean | null {
  const rows = ids.map((id) => overlay.apply(known(id)));
  return rows.every((m) => m !== undefined) ? !rows.every((m) => m!.flags.includes(flag)) : null;
}

/**
 * Runs bulk actions; `offerUndo` gets what can be undone, `report` what failed. Flags show at once
 * (in `overlay` when decided from the summaries in memory, `known`; in the offline copy, flagAtOnce)
 * and go back if main refuses; the promise says whether the action went through.
 */
export function useBulkActions(
  api: Transport,
  db: HearthDb,
  mailboxes: Mailbox[],
  offerUndo: (label: string, tokens: string[]) => void,
  report: (e: unknown) => void,
  overlay: FlagOverlay,
  known: (id: number) => MessageSummary | undefined,
): (ids: readonly number[], action: BulkAction) => Promise<boolean> {
  return useCallback(
    async (ids, action) => {
      if (ids.length === 0) return true;
      const run = async () => {
        const what = countLabel(ids.length);
        const undoable = async (call: (messageIds: number[]) => Promise<{ undo: string[] }>, label: string) => {
          const tokens: string[] = [];
          for (const part of chunks(ids)) tokens.push(...(await call(part)).undo);
          offerUndo(label, tokens);
        };
        const flags = async (flag: string, want: boolean | 'toggle') => {
          // Shown in this frame when decided here; the overlay goes once the change is settled.
          const decided = want === 'toggle' ? toggleFromMemory(ids, flag, known, overlay) : want;
          const unshow = decided === null ? null : overlay.set(ids, flag, decided);
          try {
            const local = await flagAtOnce(db, ids, flag, decided ?? 'toggle');
            try {
              for (const part of chunks(ids))
                await api.call('messages.setFlags', { messageIds: part, add: local.on ? [flag] : [], remove: local.on ? [] : [flag] });
            } catch (e) {
              await local.undo();
              throw e;
            }
          } finally {
            unshow?.();
          }
        };
        switch (action.kind) {
          case 'archive':
            return undoable((messageIds) => api.call('messages.archive', { messageIds }), `${what} archived`);
          case 'delete':
            return undoable((messageIds) => api.call('messages.delete', { messageIds }), `${what} deleted`);
          case 'move': {
            const target = mailboxes.find((m) => m.id === action.targetMailboxId)?.name ?? 'the folder';
            return undoable((messageIds) => api.call('messages.move', { messageIds, targetMailboxId: action.targetMailboxId }), `${what} moved to ${target}`);
          }
          case 'read':
            return flags('\\Seen', action.on);
          case 'flag':
            return flags('\\Flagged', action.on);
          case 'toggleRead':
            return flags('\\Seen', 'toggle');
          case 'toggleFlag':
            return flags('\\Flagged', 'toggle');
        }
      };
      return run().then(
        () => true,
        (e: unknown) => {
          report(e);
          return false;
        },
      );
    },
    [api, db, mailboxes, offerUndo, report, overlay, known],
  );
}
