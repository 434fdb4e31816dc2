import type { CommandSpec } from '../command-types.ts';

// NOOP and CHECK only give the session a point at which to report changes (done by the session).
export const noop: CommandSpec = {
  states: ['notAuthenticated', 'authenticated', 'selected'],
  async handler() {},
};
