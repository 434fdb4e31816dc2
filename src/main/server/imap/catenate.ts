// CATENATE (RFC 4469): the bytes an IMAP URL names, read from the authenticated user's own
// mailboxes only. Any URL that cannot be served is NO [BADURL url] (RFC 4469 5).
import { decodeMUtf7 } from '../../maildir/names.ts';
import type { ImapSession } from './session.ts';
import { no } from './command-types.ts';
import type { CommandError } from './command-types.ts';
import { parseImapUrl } from './protocol/imap-url.ts';
import type { CatenatePart } from './protocol/append-args.ts';
import { parseMessageStructure } from '../../mail/mime-tree.ts';
import { sectionRange } from './protocol/sections.ts';

/** Control characters and "]" cannot stand in the response code (RFC 4469 6: url-resp-text). */
const badUrl = (url: string, text: string): CommandError => no(text, `BADURL ${[...url].filter((c) => c >= ' ' && c !== '\x7f' && c !== ']').join('')}`);

/** The local part or the whole address of the logged-in user, as an IMAP URL may name it. */
function isSessionUser(session: ImapSession, user: string): boolean {
  const address = session.user!.address.toLowerCase();
  const u = user.toLowerCase();
  return u === address || u === address.slice(0, address.lastIndexOf('@'));
}

async function fetchUrl(session: ImapSession, url: string): Promise<Buffer> {
  const u = parseImapUrl(url);
  if (!u) throw badUrl(url, 'Invalid IMAP URL');
  // An absolute URL must name this user: nobody's mail but the session's own is ever read.
  if (u.absolute && (u.user === null || !isSessionUser(session, u.user))) throw badUrl(url, 'URL names another user');
  const mail = session.mail!;
  let name = u.mailbox;
  if (name === null) {
    if (!session.selected) throw badUrl(url, 'Relative URL without a selected mailbox');
    name = session.selected.name;
  } else {
    if (/^inbox(\/|$)/i.test(name)) name = 'INBOX' + name.slice(5);
    // RFC 5092 names are UTF-8; older clients send modified UTF-7.
    if (!(await mail.exists(name)) && /&[A-Za-z0-9+,]*-/.test(name)) name = decodeMUtf7(name);
  }
  if (!(await mail.exists(name))) throw badUrl(url, 'No such mailbox');
  const handle = await mail.openMailbox(name);
  if (u.uidValidity !== null && u.uidValidity !== handle.uidValidity) throw badUrl(url, 'Invalid UIDVALIDITY');
  let data: Buffer;
  try {
    data = await handle.readMessageBuffer(u.uid);
  } catch (err) {
    if ((err as { code?: string }).code === 'MESSAGE_GONE') throw badUrl(url, 'Message not found');
    throw err;
  }
  if (u.section) {
    const range = sectionRange(parseMessageStructure(data), u.section.path, u.section.spec);
    if (!range) throw badUrl(url, 'No such section');
    const bytes = data.subarray(range.start, range.end);
    data = range.build ? range.build(bytes) : bytes;
  }
  if (u.partial) data = data.subarray(u.partial.start, u.partial.length === null ? undefined : u.partial.start + u.partial.length);
  return data;
}

/** The message CATENATE parts make, or NO [TOOBIG] past `maxBytes`. */
export async function catenate(session: ImapSession, parts: readonly CatenatePart[], maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for (const p of parts) {
    const chunk = 'text' in p ? p.text : await fetchUrl(session, p.url);
    size += chunk.length;
    if (size > maxBytes) throw no('Message too large', 'TOOBIG');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
