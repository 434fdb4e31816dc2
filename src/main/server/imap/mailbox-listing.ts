// Which names a LIST or LSUB answers with, and their attributes (RFC 3501 6.3.8-9, RFC 5258).
// Pure: the caller hands in the mailboxes, the subscribed names and a pattern matcher.
import type { ListReturns, ListSelection } from './protocol/list-args.ts';

export interface ListedMailbox {
  name: string;
  specialUse: string | null;
}

export interface ListingRow {
  name: string;
  attrs: string[];
  /** RFC 5258 CHILDINFO: the selection options some unlisted descendant meets. */
  childInfo: string[];
  /** The mailbox exists (STATUS can be asked of it). */
  exists: boolean;
}

export interface ListingQuery {
  lsub: boolean;
  selection: ListSelection;
  returns: ListReturns;
  extended: boolean;
  matches: (name: string) => boolean;
  /** Matched by a pattern ending in "%", which also answers with the levels above (RFC 3501 6.3.8). */
  matchesLevel: (name: string) => boolean;
}

function ancestors(name: string): string[] {
  const parts = name.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Rows in answer order: INBOX first, then by name. */
export function listMailboxes(mailboxes: readonly ListedMailbox[], subscriptions: readonly string[], q: ListingQuery): ListingRow[] {
  const byName = new Map(mailboxes.map((m) => [m.name, m]));
  // Every name above an existing mailbox: those have children.
  const parents = new Set(mailboxes.flatMap((m) => ancestors(m.name)));
  const subscribed = new Set(subscriptions);
  const { selection: sel, lsub } = q;
  const bySubscription = lsub || sel.subscribed;
  // The names the selection options pick (RFC 5258 3.1); LSUB picks the subscribed ones.
  const picked = (name: string): boolean => {
    if (bySubscription && !subscribed.has(name)) return false;
    if (!bySubscription && !byName.has(name)) return false;
    if (sel.specialUse && !byName.get(name)?.specialUse) return false;
    return true;
  };
  const candidates = new Set<string>([...byName.keys(), ...(bySubscription ? subscribed : [])]);
  const selected = [...candidates].filter(picked);
  const rows = new Map<string, ListingRow>();
  const childInfo = [...(sel.subscribed ? ['SUBSCRIBED'] : []), ...(sel.specialUse ? ['SPECIAL-USE'] : [])];
  // A picked name the pattern does not reach still shows its ancestors that the pattern does reach:
  // for plain LIST and LSUB, those a trailing "%" reaches, as \Noselect placeholders (RFC 3501
  // 6.3.8-9); under RECURSIVEMATCH, any, with CHILDINFO (RFC 5258 3.5). A filtering selection
  // (SUBSCRIBED, SPECIAL-USE) without RECURSIVEMATCH shows no others.
  const placeholders = !sel.subscribed && !sel.specialUse;
  for (const name of selected) {
    if (q.matches(name)) rows.set(name, { ...row(name, q, byName, parents, subscribed), childInfo: rows.get(name)?.childInfo ?? [] });
    else if (placeholders || sel.recursiveMatch) {
      for (const a of ancestors(name)) {
        if (!(sel.recursiveMatch ? q.matches(a) : q.matchesLevel(a))) continue;
        const r = rows.get(a) ?? row(a, q, byName, parents, subscribed, !picked(a));
        if (sel.recursiveMatch) r.childInfo = childInfo;
        rows.set(a, r);
      }
    }
  }
  return [...rows.values()].sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function row(
  name: string,
  q: ListingQuery,
  byName: ReadonlyMap<string, ListedMailbox>,
  parents: ReadonlySet<string>,
  subscribed: ReadonlySet<string>,
  placeholder = false,
): ListingRow {
  const box = byName.get(name);
  const hasChildren = parents.has(name);
  const attrs: string[] = [];
  if (q.lsub) {
    // LSUB: an unsubscribed level above a subscribed name is \Noselect (RFC 3501 6.3.9).
    if (placeholder) attrs.push('\\Noselect');
    else if (box) attrs.push(hasChildren ? '\\HasChildren' : '\\HasNoChildren');
    return { name, attrs, childInfo: [], exists: !!box };
  }
  if ((q.returns.subscribed || q.selection.subscribed) && subscribed.has(name)) attrs.push('\\Subscribed');
  if (box) {
    attrs.push(hasChildren ? '\\HasChildren' : '\\HasNoChildren');
    if (box.specialUse) attrs.push(box.specialUse);
  } else {
    attrs.push(q.extended ? '\\NonExistent' : '\\Noselect');
    if (hasChildren) attrs.push('\\HasChildren');
  }
  return { name, attrs, childInfo: [], exists: !!box };
}
