// An attachment's bytes from main as a blob URL (for previews, opening and saving), revoked when
// the component that asked goes away.
import { useEffect, useState } from 'react';
import type { AttachmentInfo } from '../../shared/api.ts';
import type { Transport } from './api/transport.ts';

/** Images up to this size get a thumbnail in the reader without being asked. */
export const PREVIEW_MAX_BYTES = 5 * 1024 * 1024;

/** Types a browser shows without running anything of the sender's (no HTML, no SVG scripts). */
const PREVIEWABLE = /^image\/(png|jpe?g|gif|webp|bmp|avif)$/i;

export function canPreview(a: AttachmentInfo): boolean {
  return PREVIEWABLE.test(a.contentType) && a.size <= PREVIEW_MAX_BYTES;
}

/** The attachment as a Blob of its own content type (or octet-stream). */
export async function attachmentBlob(api: Transport, messageId: number, a: AttachmentInfo, forceDownload = false): Promise<{ blob: Blob; filename: string }> {
  const got = await api.call('messages.attachment', { messageId, partId: a.partId });
  const bytes = Uint8Array.from(atob(got.contentBase64), (c) => c.charCodeAt(0));
  const type = !forceDownload && PREVIEWABLE.test(a.contentType) ? a.contentType : 'application/octet-stream';
  return { blob: new Blob([bytes], { type }), filename: got.filename ?? a.filename ?? 'attachment' };
}

/** A blob URL of the image attachment for a thumbnail, or null while loading, too large or not an image. */
export function useAttachmentPreview(api: Transport, messageId: number, a: AttachmentInfo): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!canPreview(a)) return;
    let made: string | null = null;
    let cancelled = false;
    attachmentBlob(api, messageId, a)
      .then(({ blob }) => {
        if (cancelled) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      .catch(() => {});
    return () => {
      cancelled = true;
      if (made) URL.revokeObjectURL(made);
      setUrl(null);
    };
  }, [api, messageId, a.partId, a.contentType, a.size]);
  return url;
}

/** Hands the attachment to the browser's download (Electron saves it the same way). */
export async function saveAttachment(api: Transport, messageId: number, a: AttachmentInfo): Promise<void> {
  const { blob, filename } = await attachmentBlob(api, messageId, a, true);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
