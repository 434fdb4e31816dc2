// LIST / LSUB arguments (RFC 3501 6.3.8-9, LIST-EXTENDED RFC 5258 3, SPECIAL-USE RFC 6154,
// LIST-STATUS RFC 5819). Pure: unknown options are errors here, before any mailbox is read.
import type { ImapNode } from './tokenizer.ts';
import { nodeText } from './tokenizer.ts';

export interface ListSelection {
  subscribed: boolean;
  recursiveMatch: boolean;
  specialUse: boolean;
}

export interface ListReturns {
  subscribed: boolean;
  children: boolean;
  specialUse: boolean;
  /** STATUS items (raw nodes; status.ts checks them), or null. */
  status: ImapNode | null;
}

export interface ListArgs {
  selection: ListSelection;
  reference: string;
  patterns: string[];
  returns: ListReturns;
  /** Selection or return options were given: answer with LIST-EXTENDED attributes (\NonExistent). */
  extended: boolean;
}

export class ListSyntaxError extends Error {
  override name = 'ListSyntaxError';
}

const upper = (n: ImapNode) => (n.type === 'atom' && !n.section ? n.value.toUpperCase() : '');

/** LIST [(selection)] reference pattern-or-(patterns) [RETURN (options)]; LSUB takes neither option list. */
export function parseListArgs(args: readonly ImapNode[], lsub: boolean): ListArgs {
  const rest = [...args];
  const selection: ListSelection = { subscribed: false, recursiveMatch: false, specialUse: false };
  const returns: ListReturns = { subscribed: false, children: false, specialUse: false, status: null };
  let extended = false;
  const first = rest[0];
  if (!lsub && first?.type === 'list') {
    rest.shift();
    extended = true;
    for (const it of first.items) {
      const o = upper(it);
      if (o === 'SUBSCRIBED') selection.subscribed = true;
      else if (o === 'RECURSIVEMATCH') selection.recursiveMatch = true;
      else if (o === 'SPECIAL-USE') selection.specialUse = true;
      else if (o !== 'REMOTE') throw new ListSyntaxError('Unknown selection option'); // REMOTE: no remote mailboxes here
    }
    // RFC 5258 3.1: RECURSIVEMATCH needs another selection option to recurse on (REMOTE does not count).
    if (selection.recursiveMatch && !selection.subscribed && !selection.specialUse)
      throw new ListSyntaxError('RECURSIVEMATCH must not be the only selection option');
  }
  const reference = nodeText(rest.shift());
  if (reference === null) throw new ListSyntaxError('Reference expected');
  const patternNode = rest.shift();
  if (!patternNode) throw new ListSyntaxError('Mailbox pattern expected');
  if (patternNode.type === 'list' && lsub) throw new ListSyntaxError('Invalid pattern');
  const patterns = (patternNode.type === 'list' ? patternNode.items : [patternNode]).map((p) => {
    const t = nodeText(p);
    if (t === null) throw new ListSyntaxError('Invalid pattern');
    return t;
  });
  if (patternNode.type === 'list') extended = true;
  if (!lsub && rest[0] && upper(rest[0]) === 'RETURN') {
    rest.shift();
    const r = rest.shift();
    if (r?.type !== 'list') throw new ListSyntaxError('RETURN options expected');
    extended = true;
    for (let i = 0; i < r.items.length; i++) {
      const o = upper(r.items[i]!);
      if (o === 'SUBSCRIBED') returns.subscribed = true;
      else if (o === 'CHILDREN') returns.children = true;
      else if (o === 'SPECIAL-USE') returns.specialUse = true;
      else if (o === 'STATUS') {
        const items = r.items[++i];
        if (items?.type !== 'list') throw new ListSyntaxError('STATUS items expected');
        returns.status = items;
      } else throw new ListSyntaxError('Unknown return option');
    }
  }
  if (rest.length) throw new ListSyntaxError('Too many arguments');
  return { selection, reference, patterns, returns, extended };
}
