// Conversations in the list: for the rows in view (and any expanded), every message of their
// thread from the offline copy (across folders, Sent included), so a row can show the count and
// the participants; expanded conversations list their messages in place, under their row.
import { useCallback, useMemo, useState } from 'react';
import type { MessageSummary } from '../../shared/api.ts';
import type { HearthDb } from './db.ts';
import { useLive } from './use-live.ts';

/** A row of the list: a message (or a conversation's head), or one message of an expanded conversation. */
export interface ListItem {
  id: number;
  /** Set on the rows of an expanded conversation: the conversation they belong to. */
  inThread?: number;
}

/** Names of a conversation's senders, oldest first, each once ("Ann, Bob"); "me" for my own address. */
export function participants(messages: readonly MessageSummary[], mine: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const m of messages) {
    const a = m.from[0];
    if (!a) continue;
    const name = mine.has(a.address.toLowerCase()) ? 'me' : (a.name.split(/\s+/)[0] ?? '') || a.address;
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** The list's rows: each id, with an expanded conversation's messages (newest first) right after its row. */
export function listItems(ids: readonly number[], expanded: ReadonlyMap<number, readonly number[]>): ListItem[] {
  if (expanded.size === 0) return ids.map((id) => ({ id }));
  const threadOf = new Map<number, number>();
  for (const [threadId, members] of expanded) for (const id of members) threadOf.set(id, threadId);
  const out: ListItem[] = [];
  const done = new Set<number>();
  for (const id of ids) {
    out.push({ id });
    const threadId = threadOf.get(id);
    if (threadId === undefined || done.has(threadId)) continue;
    done.add(threadId);
    for (const member of expanded.get(threadId)!) out.push({ id: member, inThread: threadId });
  }
  return out;
}

/** Every message of each thread asked for (from the offline copy, all folders), oldest first, kept live. */
export function useThreads(db: HearthDb, threadIds: readonly number[]): Map<number, MessageSummary[]> {
  const wanted = [...new Set(threadIds)].sort((a, b) => a - b);
  return useLive<Map<number, MessageSummary[]>>(
    async () => {
      const map = new Map<number, MessageSummary[]>();
      if (wanted.length === 0) return map;
      for (const m of await db.messages.where('threadId').anyOf(wanted).sortBy('date')) {
        const list = map.get(m.threadId);
        if (list) list.push(m);
        else map.set(m.threadId, [m]);
      }
      return map;
    },
    [db, wanted.join(',')],
    new Map(),
  );
}

export interface Conversations {
  expanded: ReadonlySet<number>;
  toggle(threadId: number): void;
  /** How many rows the list has, expanded conversations' messages included. */
  count: number;
  /** The list's row at `index` (0 <= index < count). */
  item(index: number): ListItem;
  /** The index of the first row showing message `id`, -1 when none does. */
  indexOf(id: number): number;
  /** The messages in row order, each once (a head row and its first message are one): what `j`/`k` step through. */
  rowIds: readonly number[];
}

export type ListRows = Pick<Conversations, 'count' | 'item' | 'indexOf' | 'rowIds'>;

/**
 * The list's rows, `expanded` conversations' messages in place. With none expanded (always so in
 * a flat list or a search) the rows are the ids themselves: nothing is built per row, so a list of
 * 100,000 costs no more to show or to leave than one of 100. (The ids are distinct messages.)
 */
export function listRows(ids: readonly number[], expanded: ReadonlyMap<number, readonly number[]>): ListRows {
  if (expanded.size === 0) return { count: ids.length, item: (index) => ({ id: ids[index]! }), indexOf: (id) => ids.indexOf(id), rowIds: ids };
  const items = listItems(ids, expanded);
  return {
    count: items.length,
    item: (index) => items[index]!,
    indexOf: (id) => items.findIndex((i) => i.id === id),
    rowIds: [...new Set(items.map((i) => i.id))],
  };
}

/** Which conversations are expanded, and the list's rows with their messages in place (listRows). */
export function useConversations(db: HearthDb, ids: readonly number[], enabled: boolean): Conversations {
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const toggle = useCallback(
    (threadId: number) =>
      setExpanded((s) => {
        const next = new Set(s);
        if (!next.delete(threadId)) next.add(threadId);
        return next;
      }),
    [],
  );
  const open = useThreads(db, enabled ? [...expanded] : []);
  const rows = useMemo(() => {
    const members = new Map<number, number[]>();
    for (const [t, list] of open) if (list.length > 1) members.set(t, list.map((m) => m.id).reverse());
    return listRows(ids, members);
  }, [ids, open]);
  return { expanded, toggle, ...rows };
}
