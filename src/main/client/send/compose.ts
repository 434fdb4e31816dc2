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

/** The identity a message is written as; an index the account does not have is the caller's error. */
export function identityOf(identities: Identity[], index: number): Identity {
  const id = identities[index];
  if (!id) throw new HearthError('INVALID_ARGUMENT', 'No such identity for this account', { field: 'identity' });
  return id;
}

/** Reads an attachment of an existing message (kept on forward). */
export type AttachmentOf = (messageId: number, partId: string) => Promise<{ content: Buffer }>;

/** Reads every attachment now, so a missing one is an error before anything is queued. */
export async function resolveAttachments(m: ComposeMessage, attachmentOf: AttachmentOf): Promise<ResolvedAttachment[]> {
  const out: ResolvedAttachment[] = [];
  for (const [i, a] of m.attachments.entries()) {
    const field = `attachments.${i}`;
    let content: Buffer;
    if (a.fromMessage) {
      try {
        content = (await attachmentOf(a.fromMessage.messageId, a.fromMessage.partId)).content;
      } catch (e) {
        throw new HearthError('INVALID_ARGUMENT', `The attachment “${a.filename}” could not be read: ${(e as Error).message}`, { field });
      }
    } else if (a.contentBase64 !== undefined) {
      if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(a.contentBase64))
        throw new HearthError('INVALID_ARGUMENT', `The attachment “${a.filename}” could not be read (not base64)`, { field });
      content = Buffer.from(a.contentBase64, 'base64');
    } else throw new HearthError('INVALID_ARGUMENT', `The attachment “${a.filename}” has no content`, { field });
    out.push({ filename: a.filename, contentType: a.contentType, content, ...(a.contentId ? { cid: a.contentId } : {}) });
  }
  return out;
}

/** Builds the message. `attachments` are already resolved to bytes (see resolveAttachments). */
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
