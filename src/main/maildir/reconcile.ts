// Reconciling a user's index with the folders on disk, run whenever the store opens a user. The
// index is authoritative for UIDs, flags and MODSEQ, but the folders are what survives: files
// without a row get new UIDs (a crash after link but before the index commit, or mail put there by
// another program), rows without a file are expunged, files of expunged messages are removed, and
// file names are brought in line with the index. With the index deleted this rebuilds it: every
// mailbox gets a greater UIDVALIDITY, flags come from the file names, keywords from
// dovecot-keywords.

import { mkdir, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_MAILBOXES, type SpecialUse } from './types.ts';
import { flagsToString, infoToFlags, normaliseFlags, splitMaildirName } from './flags.ts';
import { folderToMailbox, mailboxToFolder, normaliseMailboxName } from './names.ts';
import type { MailboxRow, MessageRow } from './user-index.ts';
import type { UserStore } from './user-store.ts';

const SPECIAL_BY_NAME = new Map<string, SpecialUse>(
  DEFAULT_MAILBOXES.filter((m) => m.specialUse).map((m) => [m.name.toLowerCase(), m.specialUse as SpecialUse]),
);

/** Bring a user's index in line with the user's folders on disk (see the file header). */
export async function reconcile(u: UserStore): Promise<void> {
  // leftovers of interrupted mailbox deletes
  for (const e of await readdir(u.dir, { withFileTypes: true })) {
    if (e.isDirectory() && e.name.startsWith('trash-')) await rm(path.join(u.dir, e.name), { recursive: true, force: true });
  }
  const onDisk = new Map<string, string>(); // folder -> name
  onDisk.set('', 'INBOX');
  for (const e of await readdir(u.maildir, { withFileTypes: true })) {
    if (!e.isDirectory() || !e.name.startsWith('.')) continue;
    const name = folderToMailbox(e.name);
    if (!name) continue;
    let norm: string;
    try {
      norm = normaliseMailboxName(name);
    } catch {
      continue;
    }
    if (mailboxToFolder(norm) !== e.name) continue; // not a name we would have written
    onDisk.set(e.name, norm);
  }
  const rows = u.index.st.mailboxes.all() as unknown as MailboxRow[];
  const known = new Set(rows.map((r) => r.folder));
  for (const r of rows) {
    if (!onDisk.has(r.folder)) {
      u.store.log.warn('mailbox folder missing; dropping it from the index', { user: u.address, mailbox: r.name });
      u.index.tx(() => {
        u.index.db.prepare('DELETE FROM messages WHERE mailbox_id = ?').run(r.id);
        u.index.db.prepare('DELETE FROM vanished WHERE mailbox_id = ?').run(r.id);
        u.index.db.prepare('DELETE FROM mailboxes WHERE id = ?').run(r.id);
      });
    }
  }
  const missing = [...onDisk].filter(([folder]) => !known.has(folder));
  if (missing.length > 0) {
    const validities = await u.nextUidValidities(missing.length);
    u.index.tx(() => {
      missing.forEach(([folder, name], i) => {
        u.index.db
          .prepare('INSERT INTO mailboxes(name, folder, special_use, subscribed, uidvalidity, uidnext, highest_modseq) VALUES (?,?,?,?,?,1,1)')
          .run(name, folder, SPECIAL_BY_NAME.get(name.toLowerCase()) ?? null, 1, validities[i]!);
      });
    });
  }
  for (const r of u.index.st.mailboxes.all() as unknown as MailboxRow[]) await reconcileMailbox(u, r);
}

async function reconcileMailbox(u: UserStore, mb: MailboxRow): Promise<void> {
  const dir = u.folderPath(mb);
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(dir, sub), { recursive: true });
  const files = new Map<string, { sub: 'cur' | 'new'; file: string; info: string | null }>();
  for (const sub of ['new', 'cur'] as const) {
    for (const f of await readdir(path.join(dir, sub))) {
      if (f.startsWith('.')) continue;
      const { base, info } = splitMaildirName(f);
      if (!files.has(base)) files.set(base, { sub, file: f, info });
    }
  }
  const rows = u.index.st.messages.all(mb.id) as unknown as MessageRow[];
  const rowByBase = new Map(rows.map((r) => [r.base, r]));
  const vanishedBases = new Set(
    (u.index.db.prepare('SELECT base FROM vanished WHERE mailbox_id = ? AND base IS NOT NULL').all(mb.id) as Array<{ base: string }>).map((v) => v.base),
  );
  const gone = rows.filter((r) => !files.has(r.base));
  const fresh: Array<{ base: string; sub: 'cur' | 'new'; file: string; info: string | null; mtime: number; size: number }> = [];
  for (const [base, f] of files) {
    if (rowByBase.has(base)) continue;
    const full = path.join(dir, f.sub, f.file);
    if (vanishedBases.has(base)) {
      await unlink(full).catch(() => {});
      continue;
    }
    let st;
    try {
      st = await stat(full);
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    const m = /,S=(\d+)/.exec(base);
    fresh.push({ base, sub: f.sub, file: f.file, info: f.info, mtime: st.mtimeMs, size: m ? Number(m[1]) : st.size });
  }
  // names out of line with the index: the index wins
  for (const r of rows) {
    const f = files.get(r.base);
    if (!f) continue;
    const want = u.filePath(mb, r);
    const have = path.join(dir, f.sub, f.file);
    if (want !== have) await rename(have, want).catch(() => {});
  }
  if (gone.length === 0 && fresh.length === 0) return;
  fresh.sort((a, b) => a.mtime - b.mtime || (a.base < b.base ? -1 : 1));
  // Keywords as Dovecot keeps them (letters a-z in the file name, named in dovecot-keywords): a
  // Maildir written by `hearth dovecot-export` or by Dovecot itself keeps its keywords here too.
  const keywordOf = new Map<string, string>();
  try {
    for (const line of (await readFile(path.join(dir, 'dovecot-keywords'), 'utf8')).split('\n')) {
      const m = /^(\d+) (\S+)$/.exec(line.trim());
      if (m && Number(m[1]) < 26) keywordOf.set(String.fromCharCode(97 + Number(m[1])), m[2]!);
    }
  } catch {
    // no keyword file: system flags only
  }
  const withKeywords = (info: string): string[] => {
    const kws = [...info].map((c) => keywordOf.get(c)).filter((k): k is string => !!k);
    return kws.length ? normaliseFlags([...infoToFlags(info), ...kws]) : infoToFlags(info);
  };
  const added = u.index.tx(() => {
    const cur = u.index.rowById(mb.id)!;
    const modseq = cur.highest_modseq + 1;
    let uidnext = cur.uidnext;
    for (const r of gone) {
      u.index.st.insertVanished.run(mb.id, r.uid, modseq, r.base);
      u.index.st.deleteMessage.run(mb.id, r.uid);
    }
    const uids: number[] = [];
    for (const f of fresh) {
      const flags = f.info !== null ? withKeywords(f.info) : [];
      u.index.st.insertMessage.run(mb.id, uidnext, f.base, f.sub === 'cur' ? 1 : 0, flagsToString(flags), modseq, f.size, Math.round(f.mtime));
      uids.push(uidnext++);
    }
    u.index.st.updateUidnext.run(uidnext, modseq, mb.id);
    return uids;
  });
  if (gone.length || added.length) {
    u.store.log.info('mailbox reconciled with its folder', { user: u.address, mailbox: mb.name, added: added.length, expunged: gone.length });
  }
}
