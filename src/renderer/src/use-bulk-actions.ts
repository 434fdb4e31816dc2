// Actions on many messages at once (the selection, a drag, a context menu): calls main in chunks
// no bigger than the contract takes, so thousands of messages go in a few calls, and offers the
// undo of a move, archive or delete.
import { useCallback } from 'react';
import { MAX_MESSAGE_IDS, type Mailbox } from '../../shared/api.ts';
import type { Transport } from './api/transport.ts';
import type { HearthDb } from './db.ts';
import { formatCount } from './format.ts';

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
  return n === 1 ? '1 message' : `${formatCount(n)} messages`;
}

/** Runs bulk actions; `offerUndo` gets what can be undone, `report` what failed. */
export function useBulkActions(
  api: Transport,
  db: HearthDb,
  mailboxes: Mailbox[],
  offerUndo: (label: string, tokens: string[]) => void,
  report: (e: unknown) => void,
): (ids: readonly number[], action: BulkAction) => void {
  return useCallback(
    (ids, action) => {
      if (ids.length === 0) return;
      const run = async () => {
        const what = countLabel(ids.length);
        const undoable = async (call: (messageIds: number[]) => Promise<{ undo: string[] }>, label: string) => {
          const tokens: string[] = [];
          for (const part of chunks(ids)) tokens.push(...(await call(part)).undo);
          offerUndo(label, tokens);
        };
        const flags = async (flag: string, on: boolean) => {
          for (const part of chunks(ids)) await api.call('messages.setFlags', { messageIds: part, add: on ? [flag] : [], remove: on ? [] : [flag] });
        };
        // A toggle on many: if any lacks the flag, all get it; else all lose it (as Thunderbird does).
        const allHave = async (flag: string) => (await db.messages.bulkGet([...ids])).every((m) => !m || m.flags.includes(flag));
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
            return flags('\\Seen', !(await allHave('\\Seen')));
          case 'toggleFlag':
            return flags('\\Flagged', !(await allHave('\\Flagged')));
        }
      };
      run().catch(report);
    },
    [api, db, mailboxes, offerUndo, report],
  );
}
