// SETQUOTA (RFC 9208 4.1.3): quotas are set by the household's admin (`hearth user quota`), never
// by the user, so this always answers NO; QUOTASET, which announces SETQUOTA, is not offered.
import type { CommandSpec } from '../command-types.ts';
import { no } from '../command-types.ts';

export const setquota: CommandSpec = {
  reportsChanges: false,
  states: ['authenticated', 'selected'],
  async handler() {
    throw no('Quotas are set by the server administrator');
  },
};
