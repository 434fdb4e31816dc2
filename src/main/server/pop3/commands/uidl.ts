// UIDL (RFC 1939): unique ids, stable across sessions (derived from UIDVALIDITY and UID).
import { err } from '../command-types.ts';
import type { Pop3CommandSpec } from '../command-types.ts';
import { parseMessageNumber } from '../protocol/line-parser.ts';
import { sendScanListing } from './scan-listing.ts';

export const uidl: Pop3CommandSpec = {
  states: ['transaction'],
  args: [0, 1],
  async handler({ session, args }) {
    if (args.length === 1) {
      const n = parseMessageNumber(args[0]);
      if (n === null) throw err('Invalid message number');
      session.ok(`${n} ${session.uidl(session.message(n))}`);
      return;
    }
    await sendScanListing(session, 'unique-id listing follows', (m) => session.uidl(m));
  },
};
