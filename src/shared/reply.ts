// Replies and forwards the way mail programs write them: one "Re:"/"Fwd:" (never "Re: Re:"),
// the original quoted under an attribution line, In-Reply-To and References set, and reply-all
// without the user's own addresses or duplicates.
import type { Address, MessageSummary } from './api.ts';

const REPLY_PREFIX = /^\s*(?:(?:re|aw|sv|antw)\s*(?:\[\d+\])?\s*[:：]\s*)+/i;
const FORWARD_PREFIX = /^\s*(?:(?:fwd?|wg|tr|rv)\s*[:：]\s*)+/i;

export function replySubject(subject: string): string {
  const rest = subject.replace(REPLY_PREFIX, '');
  return `Re: ${rest}`.trimEnd();
}

export function forwardSubject(subject: string): string {
  const rest = subject.replace(FORWARD_PREFIX, '');
  return `Fwd: ${rest}`.trimEnd();
}

export function formatAddress(a: Address): string {
  if (!a.name) return a.address;
  // Quote names with specials so the header parser on the other side reads them back as one name.
  return /[",.;:<>@()[\]\\]/.test(a.name) ? `"${a.name.replace(/["\\]/g, '\\$&')}" <${a.address}>` : `${a.name} <${a.address}>`;
}

export function formatAddressList(list: Address[]): string {
  return list.map(formatAddress).join(', ');
}

function uniqueExcept(list: Address[], mine: Set<string>): Address[] {
  const seen = new Set<string>();
  const out: Address[] = [];
  for (const a of list) {
    const key = a.address.toLowerCase();
    if (!key || mine.has(key) || seen.has(key)) continue;
    seen.add(key);
    out.push(a);
  }
  return out;
}

export interface ReplyTarget {
  to: Address[];
  cc: Address[];
}

/**
 * Whom a reply goes to. Reply: the Reply-To (or From) of the original; a reply to one's own sent
 * message goes to its recipients. Reply-all adds the other To and Cc recipients, never oneself.
 */
export function replyRecipients(
  original: Pick<MessageSummary, 'from' | 'to' | 'cc'> & { replyTo?: Address[] },
  myAddresses: string[],
  all: boolean,
): ReplyTarget {
  const mine = new Set(myAddresses.map((a) => a.toLowerCase()));
  const fromMe = original.from.some((a) => mine.has(a.address.toLowerCase()));
  const primary = fromMe ? original.to : original.replyTo?.length ? original.replyTo : original.from;
  const to = uniqueExcept(primary, mine);
  if (!all) return { to: to.length ? to : primary.slice(0, 1), cc: [] };
  const taken = new Set([...mine, ...to.map((a) => a.address.toLowerCase())]);
  const cc = uniqueExcept([...(fromMe ? [] : original.to), ...original.cc], taken);
  return { to, cc };
}

/** The References of a reply: the original's References plus its own Message-ID (RFC 5322 3.6.4). */
export function replyReferences(parentIds: string[], messageId: string | null): string[] {
  const out = [...parentIds];
  if (messageId && !out.includes(messageId)) out.push(messageId);
  return out.slice(-30); // keep headers a sane length on very long threads
}

/** The original as quoted text under "On <date>, <sender> wrote:". */
export function quoteForReply(original: { from: Address[]; date: number; text: string }): string {
  const who = original.from[0] ? formatAddress(original.from[0]) : 'someone';
  const when = new Date(original.date).toUTCString().replace(' GMT', ' UTC');
  const quoted = original.text
    .replace(/\r\n/g, '\n')
    .trimEnd()
    .split('\n')
    .map((l) => (l.startsWith('>') ? `>${l}` : `> ${l}`))
    .join('\n');
  return `\n\nOn ${when}, ${who} wrote:\n${quoted}\n`;
}

/** The original as a forwarded block with its main headers. */
export function quoteForForward(original: { from: Address[]; to: Address[]; cc: Address[]; date: number; subject: string; text: string }): string {
  const lines = [
    '',
    '',
    '---------- Forwarded message ----------',
    `From: ${formatAddressList(original.from)}`,
    `Date: ${new Date(original.date).toUTCString()}`,
    `Subject: ${original.subject}`,
    `To: ${formatAddressList(original.to)}`,
    ...(original.cc.length ? [`Cc: ${formatAddressList(original.cc)}`] : []),
    '',
    original.text.replace(/\r\n/g, '\n').trimEnd(),
    '',
  ];
  return lines.join('\n');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/**
 * The HTML twin of a plain-text message (sent together as multipart/alternative): paragraphs kept,
 * quoted lines ("> ") as nested blockquotes, links left as text. Nothing the user did not type.
 */
export function plainToHtml(text: string): string {
  const out: string[] = [];
  let depth = 0;
  for (const raw of text.replace(/\r\n/g, '\n').split('\n')) {
    const m = /^((?:>\s?)*)(.*)$/.exec(raw)!;
    const level = (m[1]!.match(/>/g) ?? []).length;
    while (depth < level) {
      out.push('<blockquote style="margin:0 0 0 .8ex;border-left:2px solid #ccc;padding-left:1ex">');
      depth++;
    }
    while (depth > level) {
      out.push('</blockquote>');
      depth--;
    }
    out.push(`${m[2]!.replace(/[&<>"]/g, (c) => ESCAPES[c]!)}<br>`);
  }
  while (depth-- > 0) out.push('</blockquote>');
  return `<!doctype html><html><body><div style="font-family:sans-serif">${out.join('\n')}</div></body></html>`;
}
