// The text of messages whose bodies are not kept offline, fetched for the search index only: the
// structure first, then just the text parts (attachments stay on the server until opened), in
// the small batches of the account's background connection (background-fetch.ts).
import type { MessageStructureObject } from 'imapflow';
import { searchLimits } from '../../base/limits.ts';
import type { MailboxRow } from '../cache/mailboxes.ts';
import { decodePart } from '../../mail/decode.ts';
import { makeSnippet } from '../../mail/snippet.ts';
import { attachmentNames, isAttachmentNode } from './body-structure.ts';
import type { BackgroundContext, WantedCursor } from './background-fetch.ts';

interface TextPart {
  part: string;
  type: 'text/plain' | 'text/html';
  encoding: string;
  charset: string;
}

/** The parts a reader would show as text: every text leaf, but only one of each multipart/alternative (plain if there is one). */
export function textParts(root: MessageStructureObject | undefined): TextPart[] {
  const out: TextPart[] = [];
  const leaf = (n: MessageStructureObject): TextPart | null => {
    const type = n.type.toLowerCase();
    if ((type !== 'text/plain' && type !== 'text/html') || isAttachmentNode(n)) return null;
    return { part: n.part ?? '1', type, encoding: (n.encoding ?? '7bit').toLowerCase(), charset: n.parameters?.charset ?? 'utf-8' };
  };
  const visit = (n: MessageStructureObject) => {
    if (!n.childNodes?.length) {
      const t = leaf(n);
      if (t) out.push(t);
      return;
    }
    if (n.type.toLowerCase() === 'multipart/alternative') {
      const shown = n.childNodes.map((c) => (c.childNodes?.length ? null : leaf(c))).filter((t): t is TextPart => t !== null);
      const pick = shown.find((t) => t.type === 'text/plain') ?? shown[0];
      if (pick) out.push(pick);
      else for (const c of n.childNodes) visit(c);
      return;
    }
    for (const c of n.childNodes) visit(c);
  };
  if (root) visit(root);
  return out;
}

/** Fetches and indexes the text of a folder's messages that have no offline copy, newest first; returns how many. */
export async function fetchSearchText(ctx: BackgroundContext, mb: MailboxRow, limits: { since: number; maxSize: number }): Promise<number> {
  const { cache } = ctx;
  // Only the text parts come, at most textPartBytes each: a big attachment does not make a message heavy here.
  const pages = (after: WantedCursor | null, limit: number) =>
    cache.search.textWanted(mb.id, limits.since, limits.maxSize, limit, after).map((w) => ({ ...w, size: Math.min(w.size, searchLimits.textPartBytes) }));
  return ctx.eachBatch('text', mb, pages, {
    fetch: async (client, batch) => {
      const byUid = new Map(batch.map((w) => [w.uid, w.id]));
      const found = new Map<number, { parts: TextPart[]; names: string[] }>();
      const texts = new Map<number, string[]>();
      for await (const m of client.fetch(
        batch.map((w) => w.uid),
        { uid: true, bodyStructure: true },
        { uid: true },
      )) {
        if (byUid.has(m.uid)) found.set(m.uid, { parts: textParts(m.bodyStructure), names: attachmentNames(m.bodyStructure) });
      }
      // One FETCH per distinct set of part numbers (most messages share "1", or "1.1").
      const groups = new Map<string, number[]>();
      for (const [uid, f] of found) {
        if (f.parts.length === 0) continue;
        const key = f.parts.map((p) => p.part).join(' ');
        groups.set(key, [...(groups.get(key) ?? []), uid]);
      }
      for (const [key, uids] of groups) {
        const bodyParts = key.split(' ').map((part) => ({ key: part, start: 0, maxLength: searchLimits.textPartBytes }));
        for await (const m of client.fetch(uids, { uid: true, bodyParts }, { uid: true })) {
          const f = found.get(m.uid);
          if (!f) continue;
          texts.set(
            m.uid,
            f.parts.map((p) => {
              const content = m.bodyParts?.get(p.part);
              if (!content) return '';
              const decoded = decodePart(content, p.encoding, p.charset);
              return p.type === 'text/html' ? makeSnippet(decoded, 'text/html', searchLimits.bodyTextChars) : decoded;
            }),
          );
        }
      }
      return [...found].map(([uid, f]) => ({ id: byUid.get(uid)!, text: (texts.get(uid) ?? []).join('\n'), names: f.names }));
    },
    store: (found) => {
      cache.transaction(() => {
        for (const f of found) cache.search.indexBody(f.id, f.text.slice(0, searchLimits.bodyTextChars), f.names);
      });
      return found.length;
    },
  });
}
