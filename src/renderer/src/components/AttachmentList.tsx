// The message's attachments: name, size and type, a thumbnail for images, and Save; images open
// full size in the app. Nothing of the sender's runs: only raster images are ever shown.
import { useState } from 'react';
import type { AttachmentInfo } from '../../../shared/api.ts';
import type { Transport } from '../api/transport.ts';
import { closeOnEscape } from './dialog-keys.ts';
import { canPreview, saveAttachment, useAttachmentPreview } from '../use-attachment-data.ts';
import { formatBytes } from './admin/format-size.ts';
import { PaperclipIcon } from './icons.tsx';

interface Props {
  api: Transport;
  messageId: number;
  attachments: AttachmentInfo[];
  onError(message: string): void;
}

export function AttachmentList({ api, messageId, attachments, onError }: Props) {
  const [viewing, setViewing] = useState<{ url: string; name: string } | null>(null);
  const shown = attachments.filter((a) => !a.inline);
  if (!shown.length) return null;
  return (
    <>
      <ul className="attachments" aria-label={`${shown.length} ${shown.length === 1 ? 'attachment' : 'attachments'}`}>
        {shown.map((a) => (
          <AttachmentItem
            key={a.partId}
            api={api}
            messageId={messageId}
            attachment={a}
            onError={onError}
            onView={(url) => setViewing({ url, name: a.filename ?? 'image' })}
          />
        ))}
      </ul>
      {viewing && <ImageViewer url={viewing.url} name={viewing.name} onClose={() => setViewing(null)} />}
    </>
  );
}

function AttachmentItem({
  api,
  messageId,
  attachment: a,
  onError,
  onView,
}: {
  api: Transport;
  messageId: number;
  attachment: AttachmentInfo;
  onError(message: string): void;
  onView(url: string): void;
}) {
  const preview = useAttachmentPreview(api, messageId, a);
  const name = a.filename ?? 'attachment';
  return (
    <li className="attachment-item" data-testid="attachment">
      {canPreview(a) ? (
        <button type="button" className="attachment-thumb" disabled={!preview} onClick={() => preview && onView(preview)} aria-label={`View ${name}`}>
          {preview ? <img src={preview} alt="" /> : <PaperclipIcon />}
        </button>
      ) : (
        <span className="attachment-thumb" aria-hidden="true">
          <PaperclipIcon />
        </span>
      )}
      <span className="attachment-name" title={name}>
        {name}
      </span>
      <span className="muted attachment-size">
        {formatBytes(a.size)} · {a.contentType}
      </span>
      <button type="button" className="attachment" onClick={() => void saveAttachment(api, messageId, a).catch((e: Error) => onError(e.message))}>
        Save
      </button>
    </li>
  );
}

function ImageViewer({ url, name, onClose }: { url: string; name: string; onClose(): void }) {
  return (
    <div className="dialog-backdrop" role="presentation" onClick={onClose} onKeyDown={(e) => closeOnEscape(e, onClose)}>
      <div className="dialog image-viewer" role="dialog" aria-modal="true" aria-label={name} onClick={(e) => e.stopPropagation()}>
        <img src={url} alt={name} />
        <div className="actions">
          <span className="muted">{name}</span>
          <button type="button" autoFocus onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
