// COPY / UID COPY with UIDPLUS COPYUID (RFC 4315), and MOVE / UID MOVE (RFC 6851).
import type { CommandContext, CommandSpec } from '../command-types.ts';
import { no } from '../command-types.ts';
import { SelectedMailbox } from '../selected-mailbox.ts';
import { formatUidList } from '../protocol/sequence-set.ts';
import { mailboxArg, requireMail, requireSelected, resolveMessages } from './helpers.ts';
import { requireQuotaRoom } from './quota.ts';

async function runCopy(ctx: CommandContext, move: boolean) {
  const { session, args, uid } = ctx;
  const sel = requireSelected(session);
  const mail = requireMail(session);
  const refs = resolveMessages(sel, args[0], uid);
  const dest = mailboxArg(session, args[1]);
  if (!(await mail.exists(dest))) throw no('No such mailbox', 'TRYCREATE');
  if (move && sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
  if (!refs.length) return;
  const uids = SelectedMailbox.toUidSet(refs.map((r) => r.uid));
  if (!move) {
    // A copy adds its messages' size to the account (a MOVE within it does not).
    await requireQuotaRoom(session, async () => (await sel.handle.listMessages(uids)).reduce((n, m) => n + m.size, 0));
    const res = await sel.handle.copy(uids, dest, { origin: session });
    if (!res.mapping.length) return { text: 'Nothing copied' };
    return { code: copyUid(res.uidValidity, res.mapping), text: 'COPY completed' };
  }
  const res = await sel.handle.move(uids, dest, { origin: session });
  if (res.mapping.length) session.send([`* OK [${copyUid(res.uidValidity, res.mapping)}] Moved\r\n`]);
  const lines = sel.announceExpunge(res.expunged, { condstore: session.condstore, qresync: session.qresync });
  if (lines.length) session.send(lines);
  return { text: 'MOVE completed' };
}

function copyUid(uidValidity: number, mapping: ReadonlyArray<[number, number]>): string {
  return `COPYUID ${uidValidity} ${formatUidList(mapping.map((p) => p[0]))} ${formatUidList(mapping.map((p) => p[1]))}`;
}

export const copy: CommandSpec = {
  states: ['selected'],
  handler: (ctx) => runCopy(ctx, false),
};

export const move: CommandSpec = {
  states: ['selected'],
  handler: (ctx) => runCopy(ctx, true),
};
