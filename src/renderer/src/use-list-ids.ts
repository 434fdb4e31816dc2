// The ids the message list shows, in order. A folder by date, flat (the default, and a folder of
// 100,000 messages) comes straight from IndexedDB's [mailboxId+date] index, keys only. Other sorts,
// conversations and smart folders are ordered by main over its SQLite cache (messages.list: keys
// and a few columns, no summaries), asked again whenever its journal moves; with main away, the
// same order (shared/list-order.ts) is computed here over the offline copy.
import { useEffect, useRef, useState } from 'react';
import type { MessageSummary } from '../../shared/api.ts';
import { orderIds, senderKey, type ListOrder, type ListView } from '../../shared/list-order.ts';
import type { Transport } from './api/transport.ts';
import { coalescing } from './coalesce.ts';
import type { HearthDb } from './db.ts';
import { useLive } from './use-live.ts';

/** Whether the index alone can order this list. */
export function fromIndex(view: ListView | null, order: ListOrder): view is { mailboxId: number } {
  return view !== null && 'mailboxId' in view && order.sortBy === 'date' && !order.group;
}

/**
 * The newest rows of a folder by date, read before all its keys: a folder of 100,000 shows its
 * first screen without waiting for 100,000 keys to come out of IndexedDB.
 */
export const FIRST_SCREEN_ROWS = 200;

export function useListIds(api: Transport, db: HearthDb, view: ListView | null, order: ListOrder, online: boolean): number[] {
  const key = JSON.stringify([view, order]);
  const indexed = fromIndex(view, order);
  const folderKeys = (limit?: number) => async () => (indexed ? { key, ids: await readFolderKeys(db, view.mailboxId, order.dir, limit) } : null);
  const firstScreen = useLive(folderKeys(FIRST_SCREEN_ROWS), [db, key], null);
  const allKeys = useLive(folderKeys(), [db, key], null);
  // Until this folder's keys are read, the last folder's stay (as before there was a first screen).
  const folderIds = allKeys?.key === key ? allKeys.ids : firstScreen?.key === key ? firstScreen.ids : (allKeys?.ids ?? []);

  const [ordered, setOrdered] = useState<{ key: string; ids: number[] }>({ key: '', ids: [] });
  useEffect(() => {
    if (indexed || view === null) return;
    let live = true;
    const show = (ids: number[]) => {
      if (live) setOrdered({ key, ids });
    };
    if (!online) {
      // Main is away: order the offline copy here (reads the summaries, so slower for big folders).
      void offlineListIds(db, view, order).then(show);
      return () => {
        live = false;
      };
    }
    const ask = coalescing(async () => show((await api.call('messages.list', { view, order })).ids));
    void ask();
    const off = api.on('sync.changed', () => void ask());
    return () => {
      live = false;
      off();
    };
  }, [api, db, key, online]);

  // The same array while the ids are the same: a flag change re-runs the index query, and a new
  // array of equal ids would render the whole list (and everything keyed on it) again.
  const last = useRef<number[]>([]);
  const ids = indexed ? folderIds : ordered.key === key ? ordered.ids : [];
  if (!sameIds(ids, last.current)) last.current = ids;
  return last.current;
}

/** A folder's ids by date from the [mailboxId+date] index, keys only; the first `limit` of them when given. */
export async function readFolderKeys(db: HearthDb, mailboxId: number, dir: ListOrder['dir'], limit?: number): Promise<number[]> {
  const range = db.messages.where('[mailboxId+date]').between([mailboxId, -Infinity], [mailboxId, Infinity]);
  if (limit !== undefined) return (dir === 'desc' ? range.reverse() : range).limit(limit).primaryKeys();
  const ids = await range.primaryKeys();
  return dir === 'desc' ? ids.reverse() : ids;
}

export function sameIds(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The list's ids from the offline copy, ordered as main orders them (for when main is away). */
export async function offlineListIds(db: HearthDb, view: ListView, order: ListOrder): Promise<number[]> {
  const mailboxes = await db.mailboxes.toArray();
  const use = new Map(mailboxes.map((m) => [m.id, m.specialUse]));
  let rows: MessageSummary[];
  if ('mailboxId' in view) rows = await db.messages.where('mailboxId').equals(view.mailboxId).toArray();
  else if (view.smart === 'inbox')
    rows = await db.messages
      .where('mailboxId')
      .anyOf(mailboxes.filter((m) => m.specialUse === 'inbox').map((m) => m.id))
      .toArray();
  else {
    const skip = view.smart === 'unread' ? ['trash', 'junk', 'sent', 'drafts'] : ['trash', 'junk'];
    const flag = view.smart === 'unread' ? '\\Seen' : '\\Flagged';
    rows = await db.messages.filter((m) => !skip.includes(use.get(m.mailboxId) ?? '') && m.flags.includes(flag) === (view.smart === 'flagged')).toArray();
  }
  return orderIds(
    rows.map((m) => ({ id: m.id, threadId: m.threadId, date: m.date, size: m.size, subject: m.subject, sender: senderKey(m.from) })),
    order,
  );
}
