import type { CommandSpec } from '../command-types.ts';

// CLOSE expunges silently (no EXPUNGE responses), unless the mailbox is read-only.
export const close: CommandSpec = {
  states: ['selected'],
  async handler({ session }) {
    const sel = session.selected!;
    session.deselect();
    if (!sel.readOnly) await sel.handle.expunge(undefined, { origin: session });
  },
};
