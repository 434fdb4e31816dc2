// Turns a ComposeMessage into RFC 5322 bytes with nodemailer's MailComposer: recipients parsed
// from header text by nodemailer's address parser (never split by hand), validated, a stable
// Message-ID, Date, multipart/alternative for HTML, attachments and cid inline images.
import { randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Address, ComposeMessage, Identity } from '../../../shared/api.ts';
import { HearthError } from '../../../shared/errors.ts';
import { sendLimits } from '../../base/limits.ts';

/** user@domain with Unicode allowed on both sides (RFC 6531), no spaces or specials outside quotes. */
const ADDRESS = /^(?:"[^"\r\n]+"|[^\s@<>()[\],;:"\\]+)@(?:[^\s@<>()[\],;:"\\.]+\.)*[^\s@<>()[\],;:"\\.]+$/u;

export function isValidAddress(a: string): boolean {
  return a.length <= 320 && ADDRESS.test(a);
}

/** Parses one recipient field; an invalid entry is an error naming the field. */
export function parseRecipients(text: string, field: 'to' | 'cc' | 'bcc'): Address[] {
  if (!text.trim()) return [];
  return addressparser(text, { flatten: true }).map((a) => {
    const address = (a.address ?? '').trim();
    if (!isValidAddress(address)) throw new HearthError('BAD_ADDRESS', `“${address || a.name || text.trim()}” is not a valid email address`, { field });
    return { name: a.name ?? '', address };
  });
}

export interface ResolvedAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  cid?: string;
}

export interface ComposedMessage {
  messageId: string;
  from: Address;
  envelope: { from: string; to: string[] };
  recipients: { to: Address[]; cc: Address[]; bcc: Address[] };
  raw: Buffer;
}

/** Builds the message. `attachments` are already resolved to bytes (see Outbox.resolveAttachments). */
export async function composeMessage(
  m: ComposeMessage,
  identity: Identity,
  attachments: ResolvedAttachment[],
  opts: { messageId?: string; date?: Date; draft?: boolean } = {},
): Promise<ComposedMessage> {
  const to = parseRecipients(m.to, 'to');
  const cc = parseRecipients(m.cc, 'cc');
  const bcc = parseRecipients(m.bcc, 'bcc');
  const all = [...to, ...cc, ...bcc];
  if (!opts.draft && all.length === 0) throw new HearthError('INVALID_ARGUMENT', 'Add at least one recipient', { field: 'to' });
  if (all.length > sendLimits.maxRecipients) throw new HearthError('INVALID_ARGUMENT', `At most ${sendLimits.maxRecipients} recipients`, { field: 'to' });
  const domain = identity.email.split('@')[1] ?? 'hearth.invalid';
  const messageId = opts.messageId ?? `<${randomUUID()}@${domain}>`;
  const from: Address = { name: identity.name, address: identity.email };
  const composer = new MailComposer({
    from: { name: identity.name, address: identity.email },
    to: to.map((a) => ({ name: a.name, address: a.address })),
    cc: cc.map((a) => ({ name: a.name, address: a.address })),
    // Bcc goes into the envelope only, never into the headers others see.
    ...(identity.replyTo ? { replyTo: identity.replyTo } : {}),
    subject: m.subject,
    text: m.text,
    ...(m.html ? { html: m.html } : {}),
    messageId,
    date: opts.date ?? new Date(),
    ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}),
    ...(m.references.length ? { references: m.references } : {}),
    attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content, ...(a.cid ? { cid: a.cid } : {}) })),
    headers: { 'User-Agent': 'Hearth', ...(opts.draft ? { 'X-Hearth-Draft': '1' } : {}) },
  });
  const raw = await new Promise<Buffer>((resolve, reject) => composer.compile().build((err, out) => (err ? reject(err) : resolve(out))));
  if (raw.length > sendLimits.maxMessageBytes)
    throw new HearthError(
      'MESSAGE_TOO_LARGE',
      `The message is ${Math.ceil(raw.length / 1048576)} MB; Hearth sends at most ${sendLimits.maxMessageBytes / 1048576} MB`,
    );
  return { messageId, from, envelope: { from: identity.email, to: all.map((a) => a.address) }, recipients: { to, cc, bcc }, raw };
}
