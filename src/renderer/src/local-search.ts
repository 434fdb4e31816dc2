// Search with main away (#14.4): what this window's IndexedDB mirror holds — sender, recipients,
// subject and snippet of every message, and the text of the bodies kept for offline reading.
// Every word must occur (in any of those), case and accents ignored; newest first.
import type { MessageSummary } from '../../shared/api.ts';
import type { HearthDb } from './db.ts';

/** Lower case without accents ("Frösche" finds "frosche" and the other way round). */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

function summaryText(m: MessageSummary): string {
  const people = [...m.from, ...m.to, ...m.cc].map((a) => `${a.name} ${a.address}`).join(' ');
  return foldText(`${people} ${m.subject} ${m.snippet}`);
}

export async function searchLocally(db: HearthDb, query: string, opts: { mailboxId?: number; limit: number }): Promise<MessageSummary[]> {
  const words = foldText(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  // Bodies first: the words each body holds, so a word may be in the subject and another in the text.
  const bodyText = new Map<number, string>();
  await db.bodies.each((b) => {
    const text = foldText(`${b.text ?? ''} ${b.html ? b.html.replace(/<[^>]*>/g, ' ') : ''}`);
    if (words.some((w) => text.includes(w))) bodyText.set(b.id, text);
  });
  const rows = opts.mailboxId !== undefined ? db.messages.where('mailboxId').equals(opts.mailboxId) : db.messages.toCollection();
  const found = await rows
    .filter((m) => {
      const text = summaryText(m);
      const body = bodyText.get(m.id) ?? '';
      return words.every((w) => text.includes(w) || body.includes(w));
    })
    .toArray();
  return found.sort((a, b) => b.date - a.date).slice(0, opts.limit);
}
