import type { CommandSpec } from '../command-types.ts';

export const logout: CommandSpec = {
  states: ['notAuthenticated', 'authenticated', 'selected'],
  async handler({ session }) {
    session.send(['* BYE Hearth IMAP logging out\r\n']);
    session.deselect();
    session.state = 'logout';
  },
};
