// Files the user hands to compose (picked, pasted, dropped): as attachment parts or data: URLs.
import type { OutgoingAttachment } from '../../../../shared/api.ts';

export type PendingAttachment = OutgoingAttachment & { size?: number };

export function base64Of(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export async function toAttachment(f: File): Promise<PendingAttachment> {
  return {
    filename: f.name || 'attachment',
    contentType: f.type || 'application/octet-stream',
    contentBase64: base64Of(new Uint8Array(await f.arrayBuffer())),
    size: f.size,
  };
}

export async function toDataUrl(f: File): Promise<string> {
  return `data:${f.type};base64,${base64Of(new Uint8Array(await f.arrayBuffer()))}`;
}

/** Images a mail program can show inline; anything else is attached. */
export const isInlineImage = (f: File): boolean => /^image\/(png|jpeg|gif|webp)$/i.test(f.type);
