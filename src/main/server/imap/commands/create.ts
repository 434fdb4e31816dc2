import type { CommandSpec } from '../command-types.ts';
import { no } from '../command-types.ts';
import { mailboxArg, requireMail } from './helpers.ts';

export const create: CommandSpec = {
  reportsChanges: false,
  states: ['authenticated', 'selected'],
  async handler({ session, args }) {
    const mail = requireMail(session);
    const name = mailboxArg(session, args[0]).replace(/\/+$/, '');
    if (name === 'INBOX') throw no('INBOX already exists', 'ALREADYEXISTS');
    // CREATE-SPECIAL-USE (RFC 6154): CREATE name (USE (\Sent))
    let specialUse: string | null = null;
    const opt = args[1];
    if (opt?.type === 'list' && opt.items[0]?.type === 'atom' && opt.items[0].value.toUpperCase() === 'USE') {
      const uses = opt.items[1];
      if (uses?.type === 'list' && uses.items[0]?.type === 'atom') specialUse = uses.items[0].value;
    }
    const allowed = ['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive', '\\All', '\\Flagged'];
    const use = specialUse ? allowed.find((a) => a.toLowerCase() === specialUse!.toLowerCase()) : undefined;
    if (specialUse && !use) throw no('Unsupported special use', 'USEATTR');
    // CREATE does not subscribe, neither the mailbox nor the parents it implies (RFC 3501 6.3.3);
    // a name still subscribed from a deleted mailbox is subscribed again.
    await mail.createMailbox(name, { subscribed: false, ...(use ? { specialUse: use as never } : {}) });
  },
};
