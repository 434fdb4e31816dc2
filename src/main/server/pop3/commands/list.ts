// LIST (RFC 1939): sizes, of one message or of all not marked deleted.
import { err } from '../command-types.ts';
import type { Pop3CommandSpec } from '../command-types.ts';
import { parseMessageNumber } from '../protocol/line-parser.ts';
import { sendScanListing } from './scan-listing.ts';

export const list: Pop3CommandSpec = {
  states: ['transaction'],
  args: [0, 1],
  async handler({ session, args }) {
    if (args.length === 1) {
      const n = parseMessageNumber(args[0]);
      if (n === null) throw err('Invalid message number');
      session.ok(`${n} ${session.message(n).size}`);
      return;
    }
    await sendScanListing(session, 'scan listing follows', (m) => String(m.size));
  },
};
