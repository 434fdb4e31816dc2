// NOOP (RFC 1939).
import type { Pop3CommandSpec } from '../command-types.ts';

export const noop: Pop3CommandSpec = {
  states: ['transaction'],
  args: [0, 0],
  async handler({ session }) {
    session.ok();
  },
};
