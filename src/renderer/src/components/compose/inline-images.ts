// Images pasted or dropped into the editor live there as data: URLs; a sent message carries them
// as cid: parts (multipart/related), and a draft brought back turns them into data: URLs again.
import type { OutgoingAttachment } from '../../../../shared/api.ts';

const DATA_IMG = /(<img\b[^>]*?\bsrc=")data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=]+)(")/gi;

export interface InlineImages {
  html: string;
  images: OutgoingAttachment[];
}

/** Replaces each data: image in `html` by cid:<id>, one part per distinct image. */
export function extractInlineImages(html: string, newId: () => string): InlineImages {
  const byData = new Map<string, OutgoingAttachment>();
  const out = html.replace(DATA_IMG, (_all, pre: string, type: string, data: string, post: string) => {
    let part = byData.get(data);
    if (!part) {
      const contentId = `${newId()}@hearth`;
      const ext = type.split('/')[1]!.replace(/\+.*$/, '').replace('jpeg', 'jpg');
      part = { filename: `image-${byData.size + 1}.${ext}`, contentType: type.toLowerCase(), contentBase64: data, contentId };
      byData.set(data, part);
    }
    return `${pre}cid:${part.contentId}${post}`;
  });
  return { html: out, images: [...byData.values()] };
}

/** The reverse, for an editor: cid: images whose part is at hand become data: URLs; those parts leave the attachment list. */
export function inlineToDataUrls(html: string, attachments: OutgoingAttachment[]): { html: string; attachments: OutgoingAttachment[] } {
  const byCid = new Map(attachments.filter((a) => a.contentId && a.contentBase64 !== undefined).map((a) => [a.contentId!, a]));
  const used = new Set<string>();
  const out = html.replace(/(<img\b[^>]*?\bsrc=")cid:([^"]+)(")/gi, (all, pre: string, cid: string, post: string) => {
    const a = byCid.get(cid);
    if (!a) return all;
    used.add(cid);
    return `${pre}data:${a.contentType};base64,${a.contentBase64}${post}`;
  });
  return { html: out, attachments: attachments.filter((a) => !(a.contentId && used.has(a.contentId))) };
}
