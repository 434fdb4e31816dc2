// The body of a message as the reader shows it (text, HTML, attachments, threading headers),
// parsed from its raw bytes with mailparser; the same for every kind of account.
import { simpleParser } from 'mailparser';
import type { MessageBody } from '../../shared/api.ts';

/** Parses a raw message; broken MIME yields what could be read, flagged as damaged. */
export async function parseMessageBody(id: number, source: Buffer): Promise<MessageBody> {
  try {
    const parsed = await simpleParser(source, { skipImageLinks: true, skipTextLinks: true });
    return {
      id,
      html: typeof parsed.html === 'string' ? parsed.html : null,
      text: parsed.text ?? null,
      attachments: parsed.attachments.map((a, i) => ({
        partId: a.partId ?? String(i + 1),
        filename: a.filename ?? null,
        contentType: a.contentType,
        size: a.size,
        contentId: a.contentId ?? null,
        inline: a.contentDisposition === 'inline',
      })),
      damaged: false,
      references: typeof parsed.references === 'string' ? [parsed.references] : (parsed.references ?? []),
      replyTo: (parsed.replyTo?.value ?? []).filter((a) => a.address).map((a) => ({ name: a.name ?? '', address: a.address ?? '' })),
    };
  } catch {
    return { id, html: null, text: source.toString('utf8'), attachments: [], damaged: true, references: [], replyTo: [] };
  }
}
