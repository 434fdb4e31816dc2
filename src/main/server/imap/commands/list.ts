import type { CommandContext, CommandSpec } from '../command-types.ts';
import { bad } from '../command-types.ts';
import type { MailboxListEntry } from '../../../maildir/types.ts';
import { nodeText } from '../protocol/tokenizer.ts';
import type { ImapNode } from '../protocol/tokenizer.ts';
import { decodeMUtf7 } from '../../../maildir/names.ts';
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

function atomsOf(node: ImapNode | undefined): string[] {
  if (node?.type !== 'list') return [];
  return node.items.map((i) => (i.type === 'atom' ? i.value.toUpperCase() : ''));
}

async function runList(ctx: CommandContext, lsub: boolean): Promise<void> {
  const { session } = ctx;
  const mail = requireMail(session);
  const args = [...ctx.args];
  let selection: string[] = [];
  if (!lsub && args[0]?.type === 'list') selection = atomsOf(args.shift());
  const reference = nodeText(args.shift());
  if (reference === null) throw bad('Reference expected');
  const patternNode = args.shift();
  if (!patternNode) throw bad('Mailbox pattern expected');
  const patterns = (patternNode.type === 'list' ? patternNode.items : [patternNode]).map((p) => {
    const t = nodeText(p);
    if (t === null) throw bad('Invalid pattern');
    return session.utf8 ? t : decodeMUtf7(t);
  });
  let returns: string[] = [];
  let statusItems: string[] | null = null;
  if (args[0]?.type === 'atom' && args[0].value.toUpperCase() === 'RETURN') {
    args.shift();
    const r = args.shift();
    if (r?.type !== 'list') throw bad('RETURN options expected');
    for (let i = 0; i < r.items.length; i++) {
      const it = r.items[i]!;
      const v = it.type === 'atom' ? it.value.toUpperCase() : '';
      if (v === 'STATUS') statusItems = statusItemsArg(r.items[++i]);
      else returns.push(v);
    }
  }
  if (args.length) throw bad('Too many arguments');
  const verb = lsub ? 'LSUB' : 'LIST';
  if (patterns.length === 1 && patterns[0] === '') {
    session.send([`* ${verb} (\\Noselect) "/" ""\r\n`]);
    return;
  }
  const subscribedOnly = lsub || selection.includes('SUBSCRIBED');
  const specialOnly = selection.includes('SPECIAL-USE');
  if (selection.includes('SUBSCRIBED')) returns = [...returns, 'SUBSCRIBED'];
  const ref = session.utf8 ? reference : decodeMUtf7(reference);
  const regexps = patterns.map((p) => patternToRegExp(ref && !p.startsWith('/') ? (ref.endsWith('/') ? ref + p : ref + '/' + p) : p));
  const boxes: MailboxListEntry[] = await mail.listMailboxes();
  for (const box of boxes) {
    if (!regexps.some((re) => re.test(box.name))) continue;
    if (subscribedOnly && !box.subscribed) continue;
    if (specialOnly && !box.specialUse) continue;
    const attrs: string[] = [box.hasChildren ? '\\HasChildren' : '\\HasNoChildren'];
    if (box.specialUse && !lsub) attrs.push(box.specialUse);
    if (!lsub && box.subscribed && returns.includes('SUBSCRIBED')) attrs.push('\\Subscribed');
    const lines: (string | Buffer)[] = [`* ${verb} (${attrs.join(' ')}) "/" `, mailboxOut(session, box.name), '\r\n'];
    if (statusItems) lines.push(...statusLine(session, box, statusItems));
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
