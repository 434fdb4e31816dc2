// `hearth dovecot-export`: leaving Hearth's store for Dovecot without clients noticing.

import { rename } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { atomicWriteFile } from '../base/fs-durable.ts';
import { INFO_SEP, flagsFromString, flagsToInfo } from './flags.ts';
import type { MailboxRow, MessageRow } from './user-index.ts';
import type { UserStore } from './user-store.ts';

/**
 * Write Dovecot's own index files next to a user's messages, for a household moving to Dovecot
 * (docs/server.md): dovecot-uidlist (our UIDVALIDITY, UIDNEXT and UIDs, so clients need not
 * resynchronise) and dovecot-keywords (the first 26 keywords of each mailbox, as letters a-z in
 * the file names). Run with the server stopped, as the last step: Hearth puts the file names back
 * to system flags only the next time it opens the mailbox.
 */
export async function exportForDovecot(u: UserStore): Promise<{ mailboxes: number; messages: number }> {
  let messages = 0;
  const rows = u.index.st.mailboxes.all() as unknown as MailboxRow[];
  await u.drain();
  for (const mb of rows) {
    const dir = u.folderPath(mb);
    const msgs = u.index.st.messages.all(mb.id) as unknown as MessageRow[];
    const keywords: string[] = [];
    for (const m of msgs) for (const f of flagsFromString(m.flags)) if (!f.startsWith('\\') && !keywords.includes(f) && keywords.length < 26) keywords.push(f);
    await atomicWriteFile(path.join(dir, 'dovecot-keywords'), keywords.map((k, i) => `${i} ${k}\n`).join(''), 0o600);
    const letterOf = new Map(keywords.map((k, i) => [k, String.fromCharCode(97 + i)]));
    for (const m of msgs) {
      const flags = flagsFromString(m.flags);
      const kw = flags
        .map((f) => letterOf.get(f))
        .filter((x): x is string => !!x)
        .sort()
        .join('');
      if (!kw) continue;
      const from = (await u.locate(mb, m.base)) ?? u.filePath(mb, m);
      await rename(from, path.join(dir, 'cur', `${m.base}${INFO_SEP}2,${flagsToInfo(flags)}${kw}`)).catch(() => {});
    }
    const guid = randomBytes(16).toString('hex');
    const lines = [`3 V${mb.uidvalidity} N${mb.uidnext} G${guid}`, ...msgs.map((m) => `${m.uid} :${m.base}`)];
    await atomicWriteFile(path.join(dir, 'dovecot-uidlist'), lines.join('\n') + '\n', 0o600);
    messages += msgs.length;
  }
  return { mailboxes: rows.length, messages };
}
