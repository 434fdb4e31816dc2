import type { CommandSpec } from '../command-types.ts';

export const capability: CommandSpec = {
  reportsChanges: false,
  states: ['notAuthenticated', 'authenticated', 'selected'],
  async handler({ session, args }) {
    if (args.length) return { status: 'BAD', text: 'CAPABILITY takes no arguments' };
    session.send([`* CAPABILITY ${session.capabilities().join(' ')}\r\n`]);
  },
};
