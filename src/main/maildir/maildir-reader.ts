// Reading a foreign Maildir folder (mutt's, mbsync's, Dovecot's, Courier's) for import: its
// messages in cur/ and new/, with the flags of each file name's ":2," info suffix. Files are
// listed, not read: the importer reads one message at a time.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface MaildirEntry {
  /** Path relative to the Maildir ("cur/1700000000.M1P2.host:2,S"). */
  name: string;
  /** The message's unique name without folder and info ("1700000000.M1P2.host"): it stays when a mail program moves the file to cur/ or changes its flags. */
  key: string;
  file: string;
  flags: string[];
  /** The file's modification time: when the message was delivered, for Maildir. */
  mtime: Date;
  size: number;
}

const FLAG_OF: Record<string, string> = { D: '\\Draft', F: '\\Flagged', P: '$Forwarded', R: '\\Answered', S: '\\Seen', T: '\\Deleted' };

/** The IMAP flags of a Maildir file name's info ("…:2,FRS"; '!' instead of ':' on Windows); lowercase letters are keywords a folder file would map and are left out. */
export function maildirNameFlags(name: string): string[] {
  const m = /[:!]2,([A-Za-z]*)$/.exec(name);
  if (!m) return [];
  const flags = new Set<string>();
  for (const letter of m[1]!) if (FLAG_OF[letter]) flags.add(FLAG_OF[letter]);
  return [...flags];
}

/** Whether a folder is a Maildir (it has cur/ and new/). */
export async function isMaildir(dir: string): Promise<boolean> {
  const kinds = await Promise.all(
    ['cur', 'new'].map((d) =>
      stat(path.join(dir, d)).then(
        (s) => s.isDirectory(),
        () => false,
      ),
    ),
  );
  return kinds.every(Boolean);
}

/** The messages of a Maildir folder, oldest first (by delivery time, then name), without their bodies. */
export async function listMaildir(dir: string): Promise<MaildirEntry[]> {
  const out: MaildirEntry[] = [];
  for (const sub of ['cur', 'new']) {
    for (const n of (await readdir(path.join(dir, sub))).sort()) {
      if (n.startsWith('.')) continue;
      const file = path.join(dir, sub, n);
      const s = await stat(file);
      if (!s.isFile()) continue;
      out.push({ name: `${sub}/${n}`, key: n.replace(/[:!]2,[^:!]*$/, ''), file, flags: maildirNameFlags(n), mtime: s.mtime, size: s.size });
    }
  }
  return out.sort((a, b) => a.mtime.getTime() - b.mtime.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
