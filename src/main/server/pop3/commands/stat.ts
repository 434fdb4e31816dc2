// STAT (RFC 1939): count and total size of the messages not marked deleted.
import type { Pop3CommandSpec } from '../command-types.ts';

export const stat: Pop3CommandSpec = {
  states: ['transaction'],
  args: [0, 0],
  async handler({ session }) {
    let count = 0;
    let size = 0;
    session.messages.forEach((m, i) => {
      if (session.deleted.has(i + 1)) return;
      count++;
      size += m.size;
    });
    session.ok(`${count} ${size}`);
  },
};
