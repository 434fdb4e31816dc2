import type { CommandSpec } from '../command-types.ts';

export const namespace: CommandSpec = {
  reportsChanges: false,
  states: ['authenticated', 'selected'],
  async handler({ session }) {
    session.send(['* NAMESPACE (("" "/")) NIL NIL\r\n']);
  },
};
