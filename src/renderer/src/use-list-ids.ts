// The ids the message list shows, in order. A folder by date, flat (the default, and a folder of
// 100,000 messages) comes straight from IndexedDB's [mailboxId+date] index, keys only. Other sorts,
// conversations and smart folders are ordered by main over its SQLite cache (messages.list: keys
// and a few columns, no summaries), asked again whenever its journal moves; with main away, the
// same order (shared/list-order.ts) is computed here over the offline copy.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { MessageSummary } from '../../shared/api.ts';
import { orderIds, senderKey, type ListOrder, type ListView } from '../../shared/list-order.ts';
import type { Transport } from './api/transport.ts';
import { coalescing } from './coalesce.ts';
import type { HearthDb } from './db.ts';
import { useLive } from './use-live.ts';
import { firstScreenRows } from './list-metrics.ts';

/** Whether the index alone can order this list. */
export function fromIndex(view: ListView | null, order: ListOrder): view is { mailboxId: number } {
  return view !== null && 'mailboxId' in view && order.sortBy === 'date' && !order.group;
}

/**
 * The newest rows of a folder by date, with their summaries, read before all its keys: a folder of
 * 100,000 shows its first screen without waiting for 100,000 keys to come out of IndexedDB (which
 * serves one request after the other: a summary asked for after the keys waited for all of them).
 * As many as the window can show (list-metrics.ts): IndexedDB reads a folder newest first one row
 * at a time, and every row more is a step more before the first paint.
 */
const firstScreenLimit = () => firstScreenRows(window.innerHeight);

export interface ListIds {
  ids: number[];
  /** While only a folder's first screen is read: its summaries (the list needs no other read to show them). */
  firstScreen?: MessageSummary[];
}

export function useListIds(api: Transport, db: HearthDb, view: ListView | null, order: ListOrder, online: boolean): ListIds {
  const key = JSON.stringify([view, order]);
  const indexed = fromIndex(view, order);
  const firstScreen = useLive(
    async () => (indexed ? { key, rows: await readFirstScreen(db, view.mailboxId, order.dir, firstScreenLimit()) } : null),
    [db, key],
    null,
  );
  // All keys are asked for once the first screen is in (IndexedDB would serve them first otherwise)
  // and painted: taking in 100,000 keys keeps the page busy, and would hold back that frame.
  const firstScreenIn = firstScreen?.key === key;
  const [paintedKey, setPaintedKey] = useState<string | null>(null);
  useEffect(() => {
    if (!firstScreenIn) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setPaintedKey(key))));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [key, firstScreenIn]);
  const firstScreenPainted = firstScreenIn && paintedKey === key;
  const allKeys = useLive(
    async () => (indexed && firstScreenPainted ? { key, ids: await readFolderKeys(db, view.mailboxId, order.dir) } : null),
    [db, key, firstScreenPainted],
    null,
  );
  const firstIds = useMemo(() => firstScreen?.rows.map((m) => m.id) ?? [], [firstScreen]);
  // Until this folder's keys are read, the last folder's stay (as before there was a first screen).
  const allIn = allKeys?.key === key;
  const folderIds = allIn ? allKeys.ids : firstScreenIn ? firstIds : (allKeys?.ids ?? []);

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
  return indexed && !allIn && firstScreenIn ? { ids: last.current, firstScreen: firstScreen.rows } : { ids: last.current };
}

/** A folder's newest (or oldest) `limit` messages by date, with their summaries. */
export async function readFirstScreen(db: HearthDb, mailboxId: number, dir: ListOrder['dir'], limit: number): Promise<MessageSummary[]> {
  const range = db.messages.where('[mailboxId+date]').between([mailboxId, -Infinity], [mailboxId, Infinity]);
  return (dir === 'desc' ? range.reverse() : range).limit(limit).toArray();
}

/** A folder's ids by date from the [mailboxId+date] index, keys only. */
export async function readFolderKeys(db: HearthDb, mailboxId: number, dir: ListOrder['dir']): Promise<number[]> {
  const range = db.messages.where('[mailboxId+date]').between([mailboxId, -Infinity], [mailboxId, Infinity]);
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
