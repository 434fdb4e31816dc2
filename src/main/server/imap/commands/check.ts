import type { CommandSpec } from '../command-types.ts';

export const check: CommandSpec = {
  states: ['selected'],
  async handler() {},
};
