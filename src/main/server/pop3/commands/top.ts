// TOP (RFC 1939): the header, the blank line and the first n body lines.
import { err } from '../command-types.ts';
import type { Pop3CommandSpec } from '../command-types.ts';
import { parseLineCount, parseMessageNumber } from '../protocol/line-parser.ts';

export const top: Pop3CommandSpec = {
  states: ['transaction'],
  args: [2, 2],
  async handler({ session, args }) {
    const n = parseMessageNumber(args[0]);
    const lines = parseLineCount(args[1]);
    if (n === null) throw err('Invalid message number');
    if (lines === null) throw err('Invalid line count');
    await session.sendMessage(session.message(n), lines);
  },
};
