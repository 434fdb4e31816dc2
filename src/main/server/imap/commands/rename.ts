import type { CommandSpec } from '../command-types.ts';
import { mailboxArg, requireMail } from './helpers.ts';

export const rename: CommandSpec = {
  states: ['authenticated', 'selected'],
  async handler({ session, args }) {
    const mail = requireMail(session);
    const from = mailboxArg(session, args[0]);
    const to = mailboxArg(session, args[1]);
    if (session.selected?.name === from) session.deselect();
    await mail.renameMailbox(from, to);
  },
};
