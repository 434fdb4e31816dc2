// RSET (RFC 1939): unmark every message marked by DELE.
import type { Pop3CommandSpec } from '../command-types.ts';

export const rset: Pop3CommandSpec = {
  states: ['transaction'],
  args: [0, 0],
  async handler({ session }) {
    session.deleted.clear();
    session.ok(`Maildrop has ${session.messages.length} messages`);
  },
};
