// APPEND with UIDPLUS APPENDUID (RFC 4315), MULTIAPPEND (RFC 3502) and CATENATE (RFC 4469). The
// message arrives as a literal (synchronizing or LITERAL+) or is put together from TEXT literals
// and URLs; every message is assembled before the first is stored, so a BADURL stores nothing.
// Binary parts are stored base64 (../binary-append.ts), so no later literal carries a NUL.
// The store makes each message durable before we say OK.
import type { CommandSpec } from '../command-types.ts';
import { bad, no } from '../command-types.ts';
import { imapServerLimits } from '../../../base/limits.ts';
import { parseAppendMessages, AppendSyntaxError } from '../protocol/append-args.ts';
import type { AppendMessageArgs } from '../protocol/append-args.ts';
import { formatUidList } from '../protocol/sequence-set.ts';
import { catenate } from '../catenate.ts';
import { flagsArg } from '../protocol/arguments.ts';
import { BinaryNotStorable, reencodeBinaryParts } from '../binary-append.ts';
import { mailboxArg, requireMail } from './helpers.ts';
import { requireQuotaRoom } from './quota.ts';

function parse(args: Parameters<typeof parseAppendMessages>[0]): AppendMessageArgs[] {
  try {
    return parseAppendMessages(args);
  } catch (err) {
    if (err instanceof AppendSyntaxError) throw bad(err.message);
    throw err;
  }
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
    const parsed = parse(args.slice(1));
    const flags = parsed.map((m) => (m.flags ? flagsArg(m.flags).filter((f) => f !== '\\Recent') : []));
    if (!(await mail.exists(name))) throw no('No such mailbox', 'TRYCREATE');
    const contents: Buffer[] = [];
    for (const m of parsed) {
      const content = 'literal' in m.content ? m.content.literal : await catenate(session, m.content.parts, imapServerLimits.maxLiteralBytes);
      if (!content.length) throw bad('Empty message');
      const literal8 = 'literal' in m.content ? m.content.literal8 : m.content.parts.some((p) => 'text' in p && p.literal8);
      // Every message is checked before the first is stored (RFC 3502: all or none).
      contents.push(storable(content, literal8));
    }
    // every message of a MULTIAPPEND counts: all are stored or none
    const bytes = contents.reduce((n, c) => n + c.length, 0);
    await requireQuotaRoom(session, bytes);
    const uids: number[] = [];
    let uidValidity = 0;
    for (let i = 0; i < parsed.length; i++) {
      const date = parsed[i]!.date;
      const res = await mail.append(name, contents[i]!, { flags: flags[i]!, ...(date ? { internalDate: date } : {}), origin: session });
      uids.push(res.uid);
      uidValidity = res.uidValidity;
    }
    return { code: `APPENDUID ${uidValidity} ${formatUidList(uids)}`, text: 'APPEND completed' };
  },
};
