import type { CommandSpec } from '../command-types.ts';

export const unselect: CommandSpec = {
  states: ['selected'],
  async handler({ session }) {
    session.deselect();
  },
};
