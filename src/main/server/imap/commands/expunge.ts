// EXPUNGE and UID EXPUNGE (RFC 4315).
import type { CommandSpec } from '../command-types.ts';
import { no } from '../command-types.ts';
import { SelectedMailbox } from '../selected-mailbox.ts';
import { requireSelected, resolveMessages } from './helpers.ts';

export const expunge: CommandSpec = {
  states: ['selected'],
  async handler({ session, args, uid }) {
    const sel = requireSelected(session);
    if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    let removed: number[];
    if (uid) {
      const refs = resolveMessages(sel, args[0], true);
      if (!refs.length) return;
      removed = await sel.handle.expunge(SelectedMailbox.toUidSet(refs.map((r) => r.uid)), { origin: session });
    } else {
      removed = await sel.handle.expunge(undefined, { origin: session });
    }
    const lines = sel.announceExpunge(removed, { condstore: session.condstore, qresync: session.qresync });
    if (lines.length) session.send(lines);
    // RFC 7162 3.1.10: the new HIGHESTMODSEQ (the store's expunge event carries it).
    if (session.condstore) return { code: `HIGHESTMODSEQ ${sel.latestModseq()}`, text: 'EXPUNGE completed' };
  },
};
