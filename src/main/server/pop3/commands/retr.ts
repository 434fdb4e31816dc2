// RETR (RFC 1939): the whole message, byte-stuffed, streamed from the store.
import { err } from '../command-types.ts';
import type { Pop3CommandSpec } from '../command-types.ts';
import { parseMessageNumber } from '../protocol/line-parser.ts';

export const retr: Pop3CommandSpec = {
  states: ['transaction'],
  args: [1, 1],
  async handler({ session, args }) {
    const n = parseMessageNumber(args[0]);
    if (n === null) throw err('Invalid message number');
    await session.sendMessage(session.message(n));
  },
};
