// The searchable text of a raw message: what a reader shows as text (one alternative of each
// multipart/alternative, plain preferred; HTML reduced to text; forwarded messages included) and
// the attachments' file names. Synchronous and cheap (one structural pass over the bytes, then
// only the text parts decoded), so the search indexer can bound its batches by bytes.
import { decodeHeaderBytes, decodePart } from './decode.ts';
import { headerValue, param, parseMessageStructure, splitParams, transferEncoding, type MimePart } from './mime-tree.ts';
import { makeSnippet } from './snippet.ts';

/** A parameter's value as text: RFC 2231 extended (charset''percent-encoded) or RFC 2047 words. */
function paramText(value: string | undefined, extended: string | undefined): string | undefined {
  if (extended !== undefined) {
    const m = /^([^']*)'[^']*'(.*)$/.exec(extended);
    if (m) {
      try {
        const bytes = Buffer.from(
          m[2]!.replace(/%([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        );
        return new TextDecoder(m[1] || 'utf-8').decode(bytes);
      } catch {
        return m[2];
      }
    }
  }
  return value === undefined ? undefined : decodeHeaderBytes(value);
}

function filenameOf(part: MimePart): string | undefined {
  const disposition = headerValue(part.headers, 'content-disposition');
  const dParams = disposition ? splitParams(disposition)[1] : [];
  const find = (params: Array<[string, string]>, name: string) => params.find(([k]) => k.toLowerCase() === name)?.[1];
  return paramText(find(dParams, 'filename'), find(dParams, 'filename*')) ?? paramText(param(part.contentType, 'name'), param(part.contentType, 'name*'));
}

function isAttachment(part: MimePart): boolean {
  const disposition = (headerValue(part.headers, 'content-disposition') ?? '').trim().toLowerCase();
  if (disposition.startsWith('attachment')) return true;
  return filenameOf(part) !== undefined && !disposition.startsWith('inline');
}

export function messageText(source: Buffer, maxChars: number): { text: string; filenames: string[] } {
  const texts: string[] = [];
  const filenames: string[] = [];
  let length = 0;
  const textOf = (part: MimePart): string => {
    const ct = part.contentType;
    const decoded = decodePart(source.subarray(part.bodyStart, part.end), transferEncoding(part), param(ct, 'charset') ?? 'utf-8');
    return ct.subtype === 'html' ? makeSnippet(decoded, 'text/html', maxChars) : decoded;
  };
  const isText = (p: MimePart) => p.contentType.type === 'text' && (p.contentType.subtype === 'plain' || p.contentType.subtype === 'html') && !isAttachment(p);
  const visit = (part: MimePart) => {
    if (length >= maxChars) return;
    const ct = part.contentType;
    if (part.message) return visit(part.message);
    if (ct.type === 'multipart') {
      if (ct.subtype === 'alternative') {
        const shown = part.children.find((c) => isText(c) && c.contentType.subtype === 'plain') ?? part.children.find(isText);
        if (shown) return visit(shown);
      }
      for (const c of part.children) visit(c);
      return;
    }
    if (isText(part)) {
      const t = textOf(part);
      texts.push(t);
      length += t.length;
    } else {
      const name = filenameOf(part);
      if (name) filenames.push(name);
    }
  };
  visit(parseMessageStructure(source));
  return { text: texts.join('\n').slice(0, maxChars), filenames };
}
