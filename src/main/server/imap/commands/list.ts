// LIST (with LIST-EXTENDED, SPECIAL-USE and LIST-STATUS) and LSUB. Arguments are parsed in
// protocol/list-args.ts, the answer's names and attributes chosen in mailbox-listing.ts.
import type { CommandContext, CommandSpec } from '../command-types.ts';
import { bad } from '../command-types.ts';
import { decodeMUtf7 } from '../../../maildir/names.ts';
import { parseListArgs, ListSyntaxError } from '../protocol/list-args.ts';
import type { ListArgs } from '../protocol/list-args.ts';
import { quote } from '../protocol/response.ts';
import { listMailboxes } from '../mailbox-listing.ts';
import { mailboxOut, requireMail } from './helpers.ts';
import { statusItemsArg, statusLine } from './status.ts';

/** An IMAP LIST pattern as a RegExp ("*" anything, "%" anything but the delimiter). */
export function patternToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '%') re += '[^/]*';
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  // INBOX is matched case-insensitively (RFC 3501 5.1).
  if (/^inbox(\/|$)/i.test(pattern)) re = '(?:INBOX|inbox)' + re.slice(5);
  return new RegExp('^' + re + '$', /^inbox/i.test(pattern) ? 'i' : '');
}

function parse(ctx: CommandContext, lsub: boolean): ListArgs {
  try {
    return parseListArgs(ctx.args, lsub);
  } catch (err) {
    if (err instanceof ListSyntaxError) throw bad(err.message);
    throw err;
  }
}

async function runList(ctx: CommandContext, lsub: boolean): Promise<void> {
  const { session } = ctx;
  const mail = requireMail(session);
  const args = parse(ctx, lsub);
  const statusItems = args.returns.status ? statusItemsArg(args.returns.status) : null;
  const verb = lsub ? 'LSUB' : 'LIST';
  const decode = (s: string) => (session.utf8 ? s : decodeMUtf7(s));
  const patterns = args.patterns.map(decode);
  if (patterns.length === 1 && patterns[0] === '') {
    session.send([`* ${verb} (\\Noselect) "/" ""\r\n`]);
    return;
  }
  const ref = decode(args.reference);
  const regexps = patterns.map((p) => patternToRegExp(ref && !p.startsWith('/') ? (ref.endsWith('/') ? ref + p : ref + '/' + p) : p));
  const boxes = await mail.listMailboxes();
  const needSubscriptions = lsub || args.selection.subscribed || args.returns.subscribed;
  const rows = listMailboxes(boxes, needSubscriptions ? await mail.listSubscriptions() : [], {
    lsub,
    selection: args.selection,
    returns: args.returns,
    extended: args.extended,
    matches: (name) => regexps.some((re) => re.test(name)),
    matchesLevel: (name) => regexps.some((re, i) => patterns[i]!.endsWith('%') && re.test(name)),
  });
  const byName = new Map(boxes.map((b) => [b.name, b]));
  for (const r of rows) {
    const lines: (string | Buffer)[] = [`* ${verb} (${r.attrs.join(' ')}) "/" `, mailboxOut(session, r.name)];
    if (r.childInfo.length) lines.push(` (CHILDINFO (${r.childInfo.map(quote).join(' ')}))`);
    lines.push('\r\n');
    // LIST-STATUS (RFC 5819 2): STATUS only for mailboxes that can be selected.
    const box = byName.get(r.name);
    if (statusItems && box) lines.push(...statusLine(session, box, statusItems));
    session.send(lines);
  }
}

export const list: CommandSpec = {
  reportsChanges: false,
  states: ['authenticated', 'selected'],
  handler: (ctx) => runList(ctx, false),
};

export const lsub: CommandSpec = {
  reportsChanges: false,
  states: ['authenticated', 'selected'],
  handler: (ctx) => runList(ctx, true),
};
