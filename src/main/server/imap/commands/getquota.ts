// GETQUOTA root (RFC 9208 4.1.1): the QUOTA response of the account's one root ""; any other name
// is not a root here.
import type { CommandSpec } from '../command-types.ts';
import { no } from '../command-types.ts';
import { textArg } from './helpers.ts';
import { QUOTA_ROOT, quotaLines } from './quota.ts';

export const getquota: CommandSpec = {
  reportsChanges: false,
  states: ['authenticated', 'selected'],
  async handler({ session, args }) {
    if (textArg(args[0], 'Quota root') !== QUOTA_ROOT) throw no('Quota root does not exist');
    const lines = await quotaLines(session);
    if (lines.length) session.send(lines);
    return { text: 'GETQUOTA completed' };
  },
};
