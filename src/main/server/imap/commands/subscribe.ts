import type { CommandSpec } from '../command-types.ts';
import { mailboxArg, requireMail } from './helpers.ts';

export const subscribe: CommandSpec = {
  reportsChanges: false,
  states: ['authenticated', 'selected'],
  async handler({ session, args }) {
    await requireMail(session).setSubscribed(mailboxArg(session, args[0]), true);
  },
};

export const unsubscribe: CommandSpec = {
  reportsChanges: false,
  states: ['authenticated', 'selected'],
  async handler({ session, args }) {
    // A name whose mailbox is gone can still be unsubscribed (RFC 3501 6.3.7); one never
    // subscribed to is not an error either.
    await requireMail(session).setSubscribed(mailboxArg(session, args[0]), false);
  },
};
