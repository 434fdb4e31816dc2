// PASS (RFC 1939): the password for the name given by USER (the parser keeps its spaces).
import { err } from '../command-types.ts';
import type { Pop3CommandSpec } from '../command-types.ts';

export const pass: Pop3CommandSpec = {
  states: ['authorization'],
  args: [1, 1],
  async handler({ session, args }) {
    if (!session.plainAuthAllowed()) throw err('Use STLS first: passwords are not accepted over an unencrypted connection');
    const name = session.pendingUser;
    session.pendingUser = null;
    if (name === null) throw err('Send USER first');
    await session.login(name, args[0]!);
    session.ok(`Logged in: ${session.messages.length} messages`);
  },
};
