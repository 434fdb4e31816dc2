// USER (RFC 1939): the name for the following PASS.
import { err } from '../command-types.ts';
import type { Pop3CommandSpec } from '../command-types.ts';

export const user: Pop3CommandSpec = {
  states: ['authorization'],
  args: [1, 1],
  async handler({ session, args }) {
    if (!session.plainAuthAllowed()) throw err('Use STLS first: passwords are not accepted over an unencrypted connection');
    session.pendingUser = args[0]!;
    session.ok('Send your password');
  },
};
