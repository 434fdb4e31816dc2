// STORE / UID STORE with CONDSTORE's UNCHANGEDSINCE (RFC 7162 3.1.3): parse, then execute.
import type { CommandContext, CommandResult, CommandSpec } from '../command-types.ts';
import { no } from '../command-types.ts';
import { SelectedMailbox, fetchFlagsLine, fetchModseqLine } from '../selected-mailbox.ts';
import { formatSequenceSet } from '../protocol/sequence-set.ts';
import { parseStoreRequest } from '../protocol/store-request.ts';
import type { ImapSession } from '../session.ts';
import type { MessageMeta } from '../../../maildir/types.ts';
import { enableCondstore, messagesInSet, requireSelected } from './helpers.ts';

async function runStore({ session, args, uid }: CommandContext): Promise<CommandResult | void> {
  const sel = requireSelected(session);
  const request = parseStoreRequest(args);
  const refs = messagesInSet(sel, request.sequenceSet, uid);
  if (request.enablesCondstore) enableCondstore(session);
  if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
  if (!refs.length) return;
  const { unchangedSince } = request;
  const result = await sel.handle.setFlags(SelectedMailbox.toUidSet(refs.map((r) => r.uid)), {
    mode: request.mode,
    flags: request.flags,
    ...(unchangedSince !== null ? { unchangedSince } : {}),
    origin: session,
  });
  session.announceKeywords();
  // A CONDSTORE client learns the new MODSEQ even for .SILENT (RFC 7162 3.1.3), as from Dovecot.
  if (!request.silent || session.condstore) sendNewFlags(session, sel, result.updated, uid, request.silent);
  if (result.failed.length) {
    const failed = uid ? result.failed : result.failed.map((u) => sel.msnOf(u)).filter(Boolean);
    return { code: `MODIFIED ${formatSequenceSet(failed)}`, text: 'Some messages were modified meanwhile' };
  }
}

/**
 * One "* n FETCH (FLAGS ...)" line per changed message still in the session's view. Once CONDSTORE
 * is on, each carries UID and MODSEQ, for STORE as for UID STORE (RFC 7162 3.2.4): a client can
 * only place a change it can tell by UID.
 */
function sendNewFlags(session: ImapSession, sel: SelectedMailbox, updated: readonly MessageMeta[], uid: boolean, silent: boolean): void {
  const { condstore } = session;
  const lines: string[] = [];
  for (const meta of updated) {
    const msn = sel.msnOf(meta.uid);
    if (!msn) continue;
    lines.push(silent ? fetchModseqLine(msn, meta) : fetchFlagsLine(msn, meta, uid || condstore, condstore, sel.isRecent(meta.uid)));
  }
  if (lines.length) session.send(lines);
}

export const store: CommandSpec = {
  states: ['selected'],
  allowExpunge: false,
  handler: runStore,
};
