// The body of a message as the reader shows it (text, HTML, attachments, threading headers),
// parsed from its raw bytes with mailparser; the same for every kind of account.
import { simpleParser } from 'mailparser';
import type { MessageBody } from '../../shared/api.ts';
import { decodeCharset, decodeTransfer } from './decode.ts';
import { headerValue, param, parseMessageStructure, transferEncoding, type MimePart } from './mime-tree.ts';

const UTF7_CHARSET = /charset\s*=\s*["']?(?:(?:cs)?unicode-?1-?1-?|x-unicode-?2-?0-?)?utf-?7\b/i;

/**
 * The text and HTML of UTF-7 parts, which mailparser refuses to decode (it leaves "Fr+APY-sche"):
 * decoded here with the shared decoder. Only the first of each kind, as mailparser's text/html.
 */
function utf7Texts(source: Buffer): { text?: string; html?: string } {
  const found: { text?: string; html?: string } = {};
  const visit = (p: MimePart) => {
    if (p.children.length) return p.children.forEach(visit);
    const ct = p.contentType;
    const charset = param(ct, 'charset') ?? '';
    const disposition = (headerValue(p.headers, 'content-disposition') ?? '').toLowerCase();
    if (ct.type !== 'text' || !UTF7_CHARSET.test(`charset=${charset}`) || disposition.startsWith('attachment')) return;
    const bytes = source.subarray(p.bodyStart, p.end);
    const decoded = decodeCharset(decodeTransfer(bytes, transferEncoding(p)) ?? bytes, charset);
    if (ct.subtype === 'plain') found.text ??= decoded.replace(/\r\n/g, '\n');
    else if (ct.subtype === 'html') found.html ??= decoded;
  };
  visit(parseMessageStructure(source));
  return found;
}

/** Parses a raw message; broken MIME yields what could be read, flagged as damaged. */
export async function parseMessageBody(id: number, source: Buffer): Promise<MessageBody> {
  try {
    const parsed = await simpleParser(source, { skipImageLinks: true, skipTextLinks: true });
    // A cheap look at the bytes first: UTF-7 is rare, its parts are re-read only when it is there.
    const utf7 = UTF7_CHARSET.test(source.toString('latin1')) ? utf7Texts(source) : {};
    return {
      id,
      html: utf7.html ?? (typeof parsed.html === 'string' ? parsed.html : null),
      text: utf7.text ?? parsed.text ?? null,
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
