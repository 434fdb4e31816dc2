// GETQUOTAROOT mailbox (RFC 9208 4.1.2): the mailbox's quota roots (always the one root "") and
// each root's QUOTA response.
import type { CommandSpec } from '../command-types.ts';
import { no } from '../command-types.ts';
import { quote } from '../protocol/response.ts';
import { mailboxArg, mailboxOut, requireMail } from './helpers.ts';
import { QUOTA_ROOT, quotaLines } from './quota.ts';

export const getquotaroot: CommandSpec = {
  reportsChanges: false,
  states: ['authenticated', 'selected'],
  async handler({ session, args }) {
    const name = mailboxArg(session, args[0]);
    if (!(await requireMail(session).exists(name))) throw no('Mailbox does not exist', 'NONEXISTENT');
    session.send(['* QUOTAROOT ', mailboxOut(session, name), ` ${quote(QUOTA_ROOT)}\r\n`, ...(await quotaLines(session))]);
    return { text: 'GETQUOTAROOT completed' };
  },
};
