// APPEND arguments (RFC 3501 6.3.11) with MULTIAPPEND (RFC 3502) and CATENATE (RFC 4469 5):
//   APPEND mailbox [flags] [date-time] (literal | CATENATE (TEXT literal | URL "url" …)) …
// Pure: parsing only; flags are checked by the caller's flag rules.
import type { ImapNode } from './tokenizer.ts';
import { nodeText } from './tokenizer.ts';
import { parseImapDate } from './response.ts';

/** A TEXT part (literal8: sent as "~{n}", RFC 3516) or a URL part. */
export type CatenatePart = { text: Buffer; literal8: boolean } | { url: string };

export interface AppendMessageArgs {
  /** The flag list node, if given. */
  flags: ImapNode | null;
  date: Date | null;
  /** One literal, or the CATENATE parts in order. */
  content: { literal: Buffer; literal8: boolean } | { parts: CatenatePart[] };
}

export class AppendSyntaxError extends Error {
  override name = 'AppendSyntaxError';
}

const isWord = (n: ImapNode | undefined, w: string) => n?.type === 'atom' && !n.section && n.value.toUpperCase() === w;

/** A literal, or a literal8 ("~{n}" leaves a "~" atom in front of it, RFC 3516). */
function literalAt(nodes: readonly ImapNode[], i: number): { value: Buffer; literal8: boolean; next: number } | null {
  const literal8 = isWord(nodes[i], '~');
  if (literal8) i++;
  const n = nodes[i];
  return n?.type === 'string' && n.literal ? { value: n.value, literal8, next: i + 1 } : null;
}

function catenateParts(list: ImapNode | undefined): CatenatePart[] {
  if (list?.type !== 'list') throw new AppendSyntaxError('CATENATE list expected');
  const parts: CatenatePart[] = [];
  let i = 0;
  while (i < list.items.length) {
    if (isWord(list.items[i], 'TEXT')) {
      const lit = literalAt(list.items, i + 1);
      if (!lit) throw new AppendSyntaxError('TEXT literal expected');
      parts.push({ text: lit.value, literal8: lit.literal8 });
      i = lit.next;
    } else if (isWord(list.items[i], 'URL')) {
      const url = nodeText(list.items[i + 1]);
      if (url === null) throw new AppendSyntaxError('URL expected');
      parts.push({ url });
      i += 2;
    } else throw new AppendSyntaxError('TEXT or URL expected');
  }
  if (!parts.length) throw new AppendSyntaxError('Empty CATENATE list');
  return parts;
}

/** The messages after the mailbox name. */
export function parseAppendMessages(args: readonly ImapNode[]): AppendMessageArgs[] {
  const out: AppendMessageArgs[] = [];
  let i = 0;
  while (i < args.length) {
    const msg: AppendMessageArgs = { flags: null, date: null, content: { literal: Buffer.alloc(0), literal8: false } };
    if (args[i]?.type === 'list') msg.flags = args[i++]!;
    const d = args[i];
    if (d?.type === 'string' && !d.literal) {
      msg.date = parseImapDate(d.value.toString('latin1'), true);
      if (!msg.date) throw new AppendSyntaxError('Invalid date-time');
      i++;
    }
    if (isWord(args[i], 'CATENATE')) {
      msg.content = { parts: catenateParts(args[i + 1]) };
      i += 2;
    } else {
      const lit = literalAt(args, i);
      if (!lit) throw new AppendSyntaxError('Message literal expected');
      if (!lit.value.length) throw new AppendSyntaxError('Empty message');
      msg.content = { literal: lit.value, literal8: lit.literal8 };
      i = lit.next;
    }
    out.push(msg);
  }
  if (!out.length) throw new AppendSyntaxError('Message literal expected');
  return out;
}
