import type { CommandSpec } from '../command-types.ts';
import { no } from '../command-types.ts';
import { mailboxArg, requireMail } from './helpers.ts';

export const deleteMailbox: CommandSpec = {
  states: ['authenticated', 'selected'],
  async handler({ session, args }) {
    const mail = requireMail(session);
    const name = mailboxArg(session, args[0]);
    if (name === 'INBOX') throw no('INBOX cannot be deleted', 'CANNOT');
    if (session.selected?.name === name) session.deselect();
    await mail.deleteMailbox(name);
  },
};
