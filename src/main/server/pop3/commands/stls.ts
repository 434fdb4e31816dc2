// STLS (RFC 2595): upgrade the connection to TLS before logging in.
import { err } from '../command-types.ts';
import type { Pop3CommandSpec } from '../command-types.ts';

export const stls: Pop3CommandSpec = {
  states: ['authorization'],
  args: [0, 0],
  async handler({ session }) {
    if (session.secure) throw err('Already using TLS');
    session.startTls();
  },
};
