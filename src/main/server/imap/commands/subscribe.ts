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
    const mail = requireMail(session);
    const name = mailboxArg(session, args[0]);
    // Unsubscribing a name that no longer exists is fine (RFC 3501 6.3.7).
    if (await mail.exists(name)) await mail.setSubscribed(name, false);
  },
};
