// The message list's order: sorted by date, sender, subject or size, either way, flat or one row
// per conversation. Pure, so main (over its SQLite rows) and the renderer (over its offline copy)
// order a list the same way.
import { z } from 'zod';
import type { Address } from './api.ts';
import { baseSubject } from './threads.ts';

export const SortBy = z.enum(['date', 'sender', 'subject', 'size']);
export type SortBy = z.infer<typeof SortBy>;
export const SortDir = z.enum(['asc', 'desc']);
export type SortDir = z.infer<typeof SortDir>;

/** Folders across every account: all inboxes, unread mail, flagged mail. */
export const SmartFolder = z.enum(['inbox', 'unread', 'flagged']);
export type SmartFolder = z.infer<typeof SmartFolder>;

/** What the list shows: one folder, or a smart folder across every account. */
export const ListView = z.union([z.object({ mailboxId: z.number().int() }).strict(), z.object({ smart: SmartFolder }).strict()]);
export type ListView = z.infer<typeof ListView>;

export const ListOrder = z.object({ sortBy: SortBy.default('date'), dir: SortDir.default('desc'), group: z.boolean().default(false) }).strict();
export type ListOrder = z.infer<typeof ListOrder>;

/** What ordering needs of a message. */
export interface OrderRow {
  id: number;
  threadId: number;
  date: number;
  size: number;
  subject: string;
  /** senderKey() of the message. */
  sender: string;
}

/** The sender as the list shows it (name, else address), case-folded for sorting. */
export function senderKey(from: Address[]): string {
  const a = from[0];
  return (a ? a.name || a.address : '').trim().toLowerCase();
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function compare(by: SortBy): (a: OrderRow, b: OrderRow) => number {
  switch (by) {
    case 'date':
      return (a, b) => a.date - b.date || a.id - b.id;
    case 'size':
      return (a, b) => a.size - b.size || a.date - b.date || a.id - b.id;
    case 'sender':
      return (a, b) => collator.compare(a.sender, b.sender) || a.date - b.date || a.id - b.id;
    case 'subject':
      return (a, b) => collator.compare(a.subject, b.subject) || a.date - b.date || a.id - b.id;
  }
}

/**
 * The list's ids in order. Grouped, each conversation is one row: its newest message in the list,
 * placed by the conversation's newest date (date sort), largest size (size sort), or its newest
 * message's sender / subject (prefixes like "Re:" ignored).
 */
export function orderIds(rows: readonly OrderRow[], { sortBy, dir, group }: ListOrder): number[] {
  const keyed = rows.map((r) => (sortBy === 'subject' ? { ...r, subject: baseSubject(r.subject) } : r));
  const cmp = compare(sortBy);
  const sign = dir === 'asc' ? 1 : -1;
  if (!group) return keyed.sort((a, b) => sign * cmp(a, b)).map((r) => r.id);
  const heads = new Map<number, OrderRow & { maxSize: number }>();
  for (const r of keyed) {
    const head = heads.get(r.threadId);
    if (!head) heads.set(r.threadId, { ...r, maxSize: r.size });
    else {
      const maxSize = Math.max(head.maxSize, r.size);
      heads.set(r.threadId, r.date > head.date || (r.date === head.date && r.id > head.id) ? { ...r, maxSize } : { ...head, maxSize });
    }
  }
  const list = [...heads.values()].map((h) => (sortBy === 'size' ? { ...h, size: h.maxSize } : h));
  return list.sort((a, b) => sign * cmp(a, b)).map((r) => r.id);
}
