// BODY[section] (RFC 3501 6.4.5): the byte range of a section of a parsed message, so it can be
// streamed from the store, and the HEADER.FIELDS selection of header lines.
import type { MimePart } from '../../../mail/mime-tree.ts';

export interface SectionRange {
  start: number;
  end: number;
  /** For HEADER.FIELDS: given the bytes [start, end), builds the selected header lines. */
  build?: (header: Buffer) => Buffer;
  /** The part addressed (for BINARY decoding). */
  part: MimePart | null;
}

/**
 * Find a part by its numeric path ("1.2" -> [1,2]); null when it does not exist (RFC 3501 6.4.5).
 * A multipart's parts are numbered from 1. A part that is not multipart (the top message too) is
 * its own part 1 (so [2.1] of a text part is [2], as Dovecot answers) and has no parts below,
 * unless it is MESSAGE/RFC822: that one is numbered on into the message it carries, whose body is
 * its part 1 unless it is multipart. So when the top message is message/rfc822, [1] is its body
 * (the whole encapsulated message) and [1.1] that message's first part.
 */
export function findPart(root: MimePart, path: readonly number[]): MimePart | null {
  let part: MimePart = root;
  for (let step = 0; step < path.length; step++) {
    const n = path[step]!;
    const last = step === path.length - 1;
    if (part.contentType.type === 'multipart' && part.children.length) {
      const next = part.children[n - 1];
      if (!next) return null;
      part = next;
    } else if (n !== 1 || (!last && !part.message)) return null;
    if (!last && part.message) part = part.message;
  }
  return part;
}

export type SectionSpecifier = { kind: 'all' } | { kind: 'header' } | { kind: 'text' } | { kind: 'mime' } | { kind: 'fields'; fields: string[]; not: boolean };

/**
 * Byte range of a section. path [] + header/text refer to the top message; path + header/text
 * refer to the message/rfc822 part at path; path + all is the part's body; mime its MIME header.
 */
export function sectionRange(root: MimePart, path: readonly number[], spec: SectionSpecifier): SectionRange | null {
  let part: MimePart | null = root;
  if (path.length) part = findPart(root, path);
  if (!part) return null;
  if (spec.kind === 'mime') {
    if (!path.length) return null;
    return { start: part.headerStart, end: part.bodyStart, part };
  }
  if (spec.kind === 'all') {
    if (!path.length) return { start: 0, end: root.end, part: root };
    return { start: part.bodyStart, end: part.end, part };
  }
  // HEADER, TEXT, HEADER.FIELDS apply to a message: the top one or an encapsulated one.
  const msg: MimePart | null = path.length ? part.message : root;
  if (!msg) return null;
  if (spec.kind === 'header') return { start: msg.headerStart, end: msg.bodyStart, part: msg };
  if (spec.kind === 'text') return { start: msg.bodyStart, end: msg.end, part: msg };
  const wanted = new Set(spec.fields.map((f) => f.toLowerCase()));
  return {
    start: msg.headerStart,
    end: msg.bodyStart,
    part: msg,
    build: (header) => selectHeaderFields(header, wanted, spec.not),
  };
}

/** The raw header lines (with folding) whose names are (or are not) in `wanted`, plus the blank line. */
export function selectHeaderFields(header: Buffer, wanted: ReadonlySet<string>, not: boolean): Buffer {
  const text = header.toString('latin1');
  const lines = text.split(/(?<=\n)/);
  let out = '';
  let keep = false;
  for (const line of lines) {
    if (line === '\r\n' || line === '\n') break;
    if (line[0] === ' ' || line[0] === '\t') {
      if (keep) out += line;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    keep = colon > 0 && wanted.has(name) !== not;
    if (keep) out += line.endsWith('\n') ? line : line + '\r\n';
  }
  out += '\r\n';
  return Buffer.from(out, 'latin1');
}
