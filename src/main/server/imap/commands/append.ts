// APPEND with UIDPLUS APPENDUID (RFC 4315) and MULTIAPPEND (RFC 3502). The message arrives as a
// literal (synchronizing or LITERAL+) or a literal8 (RFC 3516); binary parts are stored base64
// (./binary-append.ts); the store makes it durable before we say OK.
import type { CommandSpec } from '../command-types.ts';
import { bad, no } from '../command-types.ts';
import type { ImapNode } from '../protocol/tokenizer.ts';
import { parseImapDate } from '../protocol/response.ts';
import { formatUidList } from '../protocol/sequence-set.ts';
import { flagsArg } from '../protocol/arguments.ts';
import { BinaryNotStorable, reencodeBinaryParts } from '../binary-append.ts';
import { mailboxArg, requireMail } from './helpers.ts';

interface AppendMessage {
  flags: string[];
  date?: Date;
  content: Buffer;
  /** Sent as a literal8 (RFC 3516 "~{n}"). */
  literal8: boolean;
}

function parseMessages(args: ImapNode[]): AppendMessage[] {
  const out: AppendMessage[] = [];
  let i = 0;
  while (i < args.length) {
    const msg: Partial<AppendMessage> = { flags: [], literal8: false };
    if (args[i]?.type === 'list') msg.flags = flagsArg(args[i++]).filter((f) => f !== '\\Recent');
    const d = args[i];
    if (d?.type === 'string' && !d.literal) {
      const date = parseImapDate(d.value.toString('latin1'), true);
      if (!date) throw bad('Invalid date-time');
      msg.date = date;
      i++;
    }
    // Literal8 (RFC 3516 "~{n}") leaves a "~" atom in front of the literal.
    if (args[i]?.type === 'atom' && (args[i] as { value: string }).value === '~') {
      msg.literal8 = true;
      i++;
    }
    const lit = args[i++];
    if (lit?.type !== 'string' || !lit.literal) throw bad('Message literal expected');
    if (!lit.value.length) throw bad('Empty message');
    msg.content = lit.value;
    out.push(msg as AppendMessage);
  }
  if (!out.length) throw bad('Message literal expected');
  return out;
}

/** The message as it is stored: no NUL in any literal later (RFC 3516 4.4: NO [UNKNOWN-CTE] if impossible). */
function storable(content: Buffer, literal8: boolean): Buffer {
  try {
    return reencodeBinaryParts(content, literal8);
  } catch (err) {
    if (err instanceof BinaryNotStorable) throw no(err.message, 'UNKNOWN-CTE');
    throw err;
  }
}

export const append: CommandSpec = {
  states: ['authenticated', 'selected'],
  async handler({ session, args }) {
    const mail = requireMail(session);
    const name = mailboxArg(session, args[0]);
    const messages = parseMessages(args.slice(1));
    if (!(await mail.exists(name))) throw no('No such mailbox', 'TRYCREATE');
    // Every message is checked before the first is stored (RFC 3502: all or none).
    for (const m of messages) m.content = storable(m.content, m.literal8);
    const uids: number[] = [];
    let uidValidity = 0;
    for (const m of messages) {
      const res = await mail.append(name, m.content, { flags: m.flags, ...(m.date ? { internalDate: m.date } : {}), origin: session });
      uids.push(res.uid);
      uidValidity = res.uidValidity;
    }
    return { code: `APPENDUID ${uidValidity} ${formatUidList(uids)}`, text: 'APPEND completed' };
  },
};
