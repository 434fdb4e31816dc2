// Argument helpers shared by the command files.
import { decodeMUtf7, encodeMUtf7 } from '../../../maildir/names.ts';
import { nodeText } from '../protocol/tokenizer.ts';
import type { ImapNode } from '../protocol/tokenizer.ts';
import { astring, quote } from '../protocol/response.ts';
import { resolveSequenceSet } from '../protocol/sequence-set.ts';
import type { SeqRange } from '../protocol/sequence-set.ts';
import { sequenceSetArg } from '../protocol/arguments.ts';
import type { ImapSession } from '../session.ts';
import type { SelectedMailbox } from '../selected-mailbox.ts';
import { bad, no } from '../command-types.ts';
import { imapServerLimits } from '../../../base/limits.ts';
import type { SearchKey } from '../protocol/search-query.ts';
import type { SortCriterion } from '../protocol/sort-criteria.ts';
import type { SearchHit } from '../search-eval.ts';
import type { SortValues } from '../message-sort.ts';
import { SearchContext, dependsOnClock, fixMessageSet } from '../search-context.ts';

/** A mailbox name argument as the store spells it (UTF-8, INBOX upper-cased). */
export function mailboxArg(session: ImapSession, node: ImapNode | undefined): string {
  const raw = nodeText(node);
  if (raw === null) throw bad('Mailbox name expected');
  let name = session.utf8 ? raw : decodeMUtf7(raw);
  if (name.toUpperCase() === 'INBOX' || name.toUpperCase().startsWith('INBOX/')) name = 'INBOX' + name.slice(5);
  return name;
}

/** A mailbox name for a response (modified UTF-7 unless UTF8=ACCEPT is on). */
export function mailboxOut(session: ImapSession, name: string): string | Buffer {
  return astring(session.utf8 ? name : encodeMUtf7(name));
}

export function textArg(node: ImapNode | undefined, what: string): string {
  const t = nodeText(node);
  if (t === null) throw bad(`${what} expected`);
  return t;
}

export function requireSelected(session: ImapSession): SelectedMailbox {
  const sel = session.selected;
  if (!sel) throw bad('No mailbox selected');
  return sel;
}

export interface MessageRef {
  msn: number;
  uid: number;
}

/** The messages a sequence set argument (MSNs or UIDs) names in the session's view, ascending. */
export function resolveMessages(sel: SelectedMailbox, setNode: ImapNode | undefined, uid: boolean): MessageRef[] {
  return messagesInSet(sel, sequenceSetArg(setNode), uid);
}

/** The messages parsed sequence-set ranges (MSNs or UIDs) name in the session's view, ascending. */
export function messagesInSet(sel: SelectedMailbox, ranges: readonly SeqRange[], uid: boolean): MessageRef[] {
  const out: MessageRef[] = [];
  if (uid) {
    const resolved = resolveSequenceSet(ranges, sel.maxUid);
    for (let i = 0; i < sel.uids.length; i++) {
      const u = sel.uids[i]!;
      for (const [a, b] of resolved)
        if (u >= a && u <= b) {
          out.push({ msn: i + 1, uid: u });
          break;
        }
    }
    return out;
  }
  // "1:*" in an empty mailbox names nothing (as Gmail and Cyrus answer); explicit numbers must exist.
  const resolved = resolveSequenceSet(ranges, sel.exists);
  for (const [a, b] of ranges) if ((a !== Infinity && a > sel.exists) || (b !== Infinity && b > sel.exists)) throw bad('Invalid message sequence number');
  const seen = new Set<number>();
  for (const [a, b] of resolved)
    for (let n = a; n <= b; n++)
      if (!seen.has(n)) {
        seen.add(n);
        out.push({ msn: n, uid: sel.uids[n - 1]! });
      }
  return out.sort((x, y) => x.msn - y.msn);
}

export function requireMail(session: ImapSession) {
  if (!session.mail) throw no('Not logged in');
  return session.mail;
}

/**
 * Turn CONDSTORE on for the session (RFC 7162 3.1): the first enabling command while a mailbox is
 * selected also reports the mailbox's HIGHESTMODSEQ in an untagged OK, as Dovecot does.
 */
export function enableCondstore(session: ImapSession): void {
  if (session.condstore) return;
  session.condstore = true;
  const sel = session.selected;
  if (sel) session.send([`* OK [HIGHESTMODSEQ ${sel.latestModseq()}] Highest\r\n`]);
}

/**
 * RETURN (UPDATE) (RFC 5267 4.3): the result becomes a live context of the selected mailbox, or
 * an untagged NO [NOUPDATE "tag"] says it will not be (4.3.1); the command still succeeds.
 * `hits` are the matches in result order (with their sort values for SORT).
 */
export function keepUpdated(
  session: ImapSession,
  sel: SelectedMailbox,
  search: { tag: string; uid: boolean; key: SearchKey; criteria: readonly SortCriterion[] | null },
  hits: ReadonlyArray<{ hit: SearchHit; values: SortValues }>,
): void {
  const refuse = (why: string) => session.send([`* NO [NOUPDATE ${quote(search.tag)}] ${why}\r\n`]);
  // OLDER/YOUNGER results change as time passes, with no change to tell of.
  if (dependsOnClock(search.key)) return void refuse('Results that change with time are not kept up to date');
  if (sel.contexts.size >= imapServerLimits.maxSearchContexts) return void refuse('Too many contexts');
  sel.contexts.add(new SearchContext(search.tag, search.uid, fixMessageSet(search.key, sel.uids), search.criteria, hits));
}

/** RFC 5267 4.3: a tag still naming a live context may not start another one. */
export function refuseTagReuse(sel: SelectedMailbox, tag: string, update: boolean | undefined): void {
  if (update && sel.contexts.has(tag)) throw bad('Tag reuse: this tag still names a search context');
}
