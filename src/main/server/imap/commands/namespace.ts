import type { CommandSpec } from '../command-types.ts';

export const namespace: CommandSpec = {
  states: ['authenticated', 'selected'],
  async handler({ session }) {
    session.send(['* NAMESPACE (("" "/")) NIL NIL\r\n']);
  },
};
