// DELE (RFC 1939): mark a message; it is removed only by QUIT (UPDATE state).
import { err } from '../command-types.ts';
import type { Pop3CommandSpec } from '../command-types.ts';
import { parseMessageNumber } from '../protocol/line-parser.ts';

export const dele: Pop3CommandSpec = {
  states: ['transaction'],
  args: [1, 1],
  async handler({ session, args }) {
    const n = parseMessageNumber(args[0]);
    if (n === null) throw err('Invalid message number');
    session.message(n); // exists and not yet marked
    session.deleted.add(n);
    session.ok(`Message ${n} deleted`);
  },
};
