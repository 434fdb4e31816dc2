import type { CommandContext, CommandSpec } from '../command-types.ts';
import { bad, no } from '../command-types.ts';
import { SelectedMailbox, fetchFlagsLine } from '../selected-mailbox.ts';
import { parseSequenceSet, resolveSequenceSet, inSequenceSet, formatSequenceSet } from '../protocol/sequence-set.ts';
import { nodeText } from '../protocol/tokenizer.ts';
import type { ImapNode } from '../protocol/tokenizer.ts';
import { numberArg } from '../protocol/arguments.ts';
import { mailboxArg, requireMail } from './helpers.ts';

interface QresyncParams {
  uidValidity: number;
  modseq: number;
  knownUids: string | null;
}

function parseSelectParams(node: ImapNode | undefined): { condstore: boolean; qresync: QresyncParams | null } {
  const out = { condstore: false, qresync: null as QresyncParams | null };
  if (!node) return out;
  if (node.type !== 'list') throw bad('Invalid SELECT parameters');
  for (let i = 0; i < node.items.length; i++) {
    const it = node.items[i]!;
    const name = it.type === 'atom' ? it.value.toUpperCase() : '';
    if (name === 'CONDSTORE') out.condstore = true;
    else if (name === 'QRESYNC') {
      const p = node.items[++i];
      if (p?.type !== 'list' || p.items.length < 2) throw bad('Invalid QRESYNC parameters');
      out.qresync = {
        uidValidity: numberArg(p.items[0], 'UIDVALIDITY'),
        modseq: numberArg(p.items[1], 'MODSEQ'),
        knownUids: p.items[2] && p.items[2].type !== 'list' ? nodeText(p.items[2]) : null,
      };
    } else throw bad(`Unknown SELECT parameter ${name.slice(0, 20)}`);
  }
  return out;
}

async function runSelect(ctx: CommandContext, readOnly: boolean) {
  const { session, args } = ctx;
  const mail = requireMail(session);
  const name = mailboxArg(session, args[0]);
  const params = parseSelectParams(args[1]);
  if (params.qresync && !session.qresync) throw bad('QRESYNC is not enabled');
  if (params.condstore) session.condstore = true;
  if (session.selected) {
    session.deselect();
    if (session.qresync) session.send(['* OK [CLOSED] Previous mailbox closed\r\n']);
  }
  if (!(await mail.exists(name))) throw no('No such mailbox', 'NONEXISTENT');
  const handle = await mail.openMailbox(name);
  const sel = new SelectedMailbox(handle, name, readOnly, [], 0, session);
  try {
    const st = await handle.status();
    const metas = await handle.listMessages();
    sel.uids = metas.map((m) => m.uid);
    sel.highestModseq = st.highestModseq;
    const keywords = new Set<string>();
    let firstUnseen = 0;
    metas.forEach((m, i) => {
      for (const f of m.flags) if (!f.startsWith('\\')) keywords.add(f);
      if (!firstUnseen && !m.flags.includes('\\Seen')) firstUnseen = i + 1;
    });
    sel.setKeywords(keywords);
    // RFC 3501 6.3.1/6.3.2: SELECT claims the recent messages for this session; EXAMINE shows them
    // without claiming them (Dovecot's model, see SelectedMailbox).
    sel.takeRecent(sel.uids);
    const lines: (string | Buffer)[] = [...sel.flagsLines(), `* ${sel.uids.length} EXISTS\r\n`, ...sel.recentLines(true)];
    if (firstUnseen) lines.push(`* OK [UNSEEN ${firstUnseen}] First unseen\r\n`);
    lines.push(`* OK [UIDVALIDITY ${handle.uidValidity}] UIDs valid\r\n`, `* OK [UIDNEXT ${st.uidNext}] Predicted next UID\r\n`);
    lines.push(`* OK [HIGHESTMODSEQ ${st.highestModseq}] Highest\r\n`);
    const q = params.qresync;
    if (q && q.uidValidity === handle.uidValidity) {
      const changes = await handle.changesSince(q.modseq);
      let vanished = changes.vanished;
      if (q.knownUids) {
        const known = parseSequenceSet(q.knownUids);
        if (!known) throw bad('Invalid known UIDs');
        const resolved = resolveSequenceSet(known, Math.max(st.uidNext - 1, 1));
        vanished = vanished.filter((u) => inSequenceSet(resolved, u));
      }
      if (vanished.length) lines.push(`* VANISHED (EARLIER) ${formatSequenceSet(vanished)}\r\n`);
      for (const m of changes.changed) {
        const msn = sel.msnOf(m.uid);
        if (msn) lines.push(fetchFlagsLine(msn, m, true, true, sel.isRecent(m.uid)));
      }
    }
    session.send(lines);
  } catch (err) {
    sel.close();
    throw err;
  }
  session.selected = sel;
  session.state = 'selected';
  return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${readOnly ? 'EXAMINE' : 'SELECT'} completed` };
}

export const select: CommandSpec = {
  states: ['authenticated', 'selected'],
  handler: (ctx) => runSelect(ctx, false),
};

export const examine: CommandSpec = {
  states: ['authenticated', 'selected'],
  handler: (ctx) => runSelect(ctx, true),
};
