import type { CommandSpec } from '../command-types.ts';
import { bad } from '../command-types.ts';
import type { MailboxStatus } from '../../../maildir/types.ts';
import type { ImapSession } from '../session.ts';
import type { ImapNode } from '../protocol/tokenizer.ts';
import { enableCondstore, mailboxArg, mailboxOut, requireMail } from './helpers.ts';

const ITEMS = ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'HIGHESTMODSEQ', 'SIZE', 'DELETED'];

export function statusItemsArg(node: ImapNode | undefined): string[] {
  if (node?.type !== 'list' || !node.items.length) throw bad('STATUS items expected');
  return node.items.map((it) => {
    const v = it.type === 'atom' ? it.value.toUpperCase() : '';
    if (!ITEMS.includes(v)) throw bad(`Unknown STATUS item ${v.slice(0, 20)}`);
    return v;
  });
}

/** "* STATUS name (MESSAGES 3 ...)" for a mailbox. */
export function statusLine(session: ImapSession, st: MailboxStatus, items: readonly string[]): (string | Buffer)[] {
  const values = items.map((item) => {
    switch (item) {
      case 'MESSAGES':
        return `MESSAGES ${st.messages}`;
      case 'RECENT': {
        // The selected mailbox: this session's own count, as Dovecot answers (RFC 3501 6.3.10).
        const sel = session.selected;
        return `RECENT ${sel && sel.handle.name === st.name ? sel.recentCount : st.recent}`;
      }
      case 'UIDNEXT':
        return `UIDNEXT ${st.uidNext}`;
      case 'UIDVALIDITY':
        return `UIDVALIDITY ${st.uidValidity}`;
      case 'UNSEEN':
        return `UNSEEN ${st.unseen}`;
      case 'HIGHESTMODSEQ':
        return `HIGHESTMODSEQ ${st.highestModseq}`;
      case 'SIZE':
        return `SIZE ${st.size}`;
      default:
        return `DELETED 0`;
    }
  });
  return ['* STATUS ', mailboxOut(session, st.name), ` (${values.join(' ')})\r\n`];
}

export const status: CommandSpec = {
  reportsChanges: false,
  states: ['authenticated', 'selected'],
  async handler({ session, args }) {
    const mail = requireMail(session);
    const name = mailboxArg(session, args[0]);
    const items = statusItemsArg(args[1]);
    if (items.includes('HIGHESTMODSEQ')) enableCondstore(session);
    const st = await mail.status(name);
    session.send(statusLine(session, st, items));
  },
};
