// STORE / UID STORE with CONDSTORE's UNCHANGEDSINCE (RFC 7162 3.1.3).
import type { CommandSpec } from '../command-types.ts';
import { bad, no } from '../command-types.ts';
import { SelectedMailbox, fetchFlagsLine } from '../selected-mailbox.ts';
import { formatSequenceSet } from '../protocol/sequence-set.ts';
import type { FlagMode } from '../../../maildir/types.ts';
import { flagsArg, numberArg, requireSelected, resolveMessages } from './helpers.ts';

export const store: CommandSpec = {
  states: ['selected'],
  allowExpunge: false,
  async handler({ session, args, uid }) {
    const sel = requireSelected(session);
    const refs = resolveMessages(sel, args[0], uid);
    let i = 1;
    let unchangedSince: number | undefined;
    if (args[i]?.type === 'list') {
      const mods = args[i++] as { type: 'list'; items: typeof args };
      for (let j = 0; j < mods.items.length; j++) {
        const m = mods.items[j]!;
        if (m.type === 'atom' && m.value.toUpperCase() === 'UNCHANGEDSINCE') unchangedSince = numberArg(mods.items[++j], 'UNCHANGEDSINCE');
        else throw bad('Unknown STORE modifier');
      }
      session.condstore = true;
    }
    const op = args[i]?.type === 'atom' ? (args[i] as { value: string }).value.toUpperCase() : '';
    const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(op);
    if (!m) throw bad('Expected FLAGS, +FLAGS or -FLAGS');
    const rest = args.slice(i + 1);
    const flags = flagsArg(rest.length === 1 ? rest[0] : { type: 'list', items: rest });
    if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    const mode: FlagMode = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'replace';
    const silent = Boolean(m[2]);
    if (!refs.length) return;
    const result = await sel.handle.setFlags(SelectedMailbox.toUidSet(refs.map((r) => r.uid)), {
      mode,
      flags,
      ...(unchangedSince !== undefined ? { unchangedSince } : {}),
      origin: session,
    });
    session.announceKeywords();
    const withModseq = session.condstore || session.qresync;
    const lines: string[] = [];
    for (const meta of result.updated) {
      const msn = sel.msnOf(meta.uid);
      if (!msn) continue;
      // With UNCHANGEDSINCE the client must learn the new MODSEQ even for .SILENT (RFC 7162 3.1.3).
      if (!silent || unchangedSince !== undefined) lines.push(fetchFlagsLine(msn, meta, uid, withModseq));
    }
    if (lines.length) session.send(lines);
    if (result.failed.length) {
      const failed = uid ? result.failed : result.failed.map((u) => sel.msnOf(u)).filter(Boolean);
      return { code: `MODIFIED ${formatSequenceSet(failed)}`, text: 'Some messages were modified meanwhile' };
    }
  },
};
