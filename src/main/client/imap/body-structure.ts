// Pure helpers over imapflow's parsed BODYSTRUCTURE: which part gives the list snippet, and whether
// a message has attachments. Decoding the part is mail/decode.ts's decodePart.
import type { MessageStructureObject } from 'imapflow';

export interface SnippetPart {
  part: string;
  type: 'text/plain' | 'text/html';
  encoding: string;
  charset: string;
}

/** A leaf the reader lists as an attachment rather than showing it as text. */
export function isAttachmentNode(n: MessageStructureObject): boolean {
  if (n.disposition?.toLowerCase() === 'attachment') return true;
  const filename = n.dispositionParameters?.filename ?? n.parameters?.name;
  return Boolean(filename) && !n.type.startsWith('multipart/') && n.disposition?.toLowerCase() !== 'inline';
}

export function hasAttachments(root: MessageStructureObject | undefined): boolean {
  if (!root) return false;
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.childNodes?.length) stack.push(...n.childNodes);
    else if (isAttachmentNode(n)) return true;
  }
  return false;
}

/** The file names of a message's attachments, as its structure gives them. */
export function attachmentNames(root: MessageStructureObject | undefined): string[] {
  const out: string[] = [];
  const stack = root ? [root] : [];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.childNodes?.length) stack.push(...n.childNodes);
    else if (isAttachmentNode(n)) {
      const name = n.dispositionParameters?.filename ?? n.parameters?.name;
      if (name) out.push(name);
    }
  }
  return out.reverse();
}

/** The first text/plain body part (else the first text/html), depth first, skipping attachments. */
export function findSnippetPart(root: MessageStructureObject | undefined): SnippetPart | null {
  if (!root) return null;
  let html: SnippetPart | null = null;
  const visit = (n: MessageStructureObject): SnippetPart | null => {
    if (n.childNodes?.length) {
      for (const c of n.childNodes) {
        const found = visit(c);
        if (found) return found;
      }
      return null;
    }
    if (isAttachmentNode(n)) return null;
    const type = n.type.toLowerCase();
    // A single-part message has no part number in imapflow's structure; its text is part "1".
    const part = n.part ?? '1';
    const info = { part, encoding: (n.encoding ?? '7bit').toLowerCase(), charset: n.parameters?.charset ?? 'utf-8' };
    if (type === 'text/plain') return { ...info, type };
    if (type === 'text/html' && !html) html = { ...info, type };
    return null;
  };
  return visit(root) ?? html;
}
