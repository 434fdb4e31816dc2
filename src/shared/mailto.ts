// RFC 6068 `mailto:` URIs, parsed completely: the recipients before `?`, then the header fields
// (`to`, `cc`, `bcc`, `subject`, `body`, `in-reply-to`), percent-decoded as UTF-8. Fields that
// could change who the mail appears to come from or how it travels (From, Sender, Reply-To,
// Received, ...) are ignored, as RFC 6068 §7 asks of a mail program.
import { z } from 'zod';

/** What a mailto: link asks compose to start with. */
export const MailtoDraft = z.object({
  to: z.array(z.string().max(998)).max(500),
  cc: z.array(z.string().max(998)).max(500),
  bcc: z.array(z.string().max(998)).max(500),
  subject: z.string().max(2000),
  body: z.string().max(1024 * 1024),
  inReplyTo: z.string().max(998).nullable(),
});
export type MailtoDraft = z.infer<typeof MailtoDraft>;

/** Whether a launch argument or URL is a mailto: link at all (scheme is case-insensitive). */
export function isMailtoUrl(text: string): boolean {
  return /^mailto:/i.test(text.trim());
}

const RECIPIENT_FIELDS = new Set(['to', 'cc', 'bcc']);

/**
 * Percent-decodes as UTF-8. Octets that are not UTF-8 come out as U+FFFD rather than failing the
 * whole link; a `%` not followed by two hex digits stays as it is. `+` is a plus sign here, not a space.
 */
export function percentDecodeUtf8(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of new TextEncoder().encode(c)) bytes.push(b);
    }
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(bytes));
}

/** A header value never spans lines: a CR or LF in a link could otherwise add headers. */
const oneLine = (s: string) =>
  s
    .replace(/[\r\n]+/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .trim();

/** Splits a decoded address list on commas outside quotes, angle brackets and comments. */
function splitAddresses(list: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (quoted && c === '\\') {
      cur += c + (list[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '<' || c === '(')) depth++;
    else if (!quoted && (c === '>' || c === ')')) depth = Math.max(0, depth - 1);
    if (c === ',' && !quoted && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map(oneLine).filter((a) => a.length > 0);
}

/** Parses a mailto: URI; throws a plain Error with a short reason when it is not one. */
export function parseMailto(uri: string): MailtoDraft {
  const text = uri.trim();
  if (!isMailtoUrl(text)) throw new Error('Not a mailto: link');
  // A fragment is not part of a mailto: URI (RFC 6068 §2); drop it like a browser would.
  const rest = text.slice('mailto:'.length).split('#')[0]!;
  const q = rest.indexOf('?');
  const toPart = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q + 1);
  const draft: MailtoDraft = { to: [], cc: [], bcc: [], subject: '', body: '', inReplyTo: null };
  // Commas in the path separate addresses; a comma inside a quoted local part arrives as %2C,
  // so splitting before decoding keeps it.
  for (const raw of toPart.split(',')) {
    const a = oneLine(percentDecodeUtf8(raw));
    if (a) draft.to.push(a);
  }
  let subjectSeen = false;
  let inReplyToSeen = false;
  const bodies: string[] = [];
  for (const field of query.split('&')) {
    if (!field) continue;
    const eq = field.indexOf('=');
    const name = percentDecodeUtf8(eq < 0 ? field : field.slice(0, eq))
      .trim()
      .toLowerCase();
    const value = percentDecodeUtf8(eq < 0 ? '' : field.slice(eq + 1));
    if (RECIPIENT_FIELDS.has(name)) draft[name as 'to' | 'cc' | 'bcc'].push(...splitAddresses(value));
    else if (name === 'subject' && !subjectSeen) {
      draft.subject = oneLine(value);
      subjectSeen = true;
    } else if (name === 'body') bodies.push(value.replace(/\r\n?/g, '\n'));
    else if (name === 'in-reply-to' && !inReplyToSeen) {
      draft.inReplyTo = oneLine(value) || null;
      inReplyToSeen = true;
    }
    // Anything else (From, Reply-To, Sender, Received, Keywords, unknown fields) is ignored.
  }
  draft.body = bodies.join('\n');
  return MailtoDraft.parse(draft);
}
