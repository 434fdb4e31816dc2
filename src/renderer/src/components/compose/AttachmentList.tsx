// The files going with a message, with their size and a way to take one off.
import { AttachIcon } from './toolbar-icons.tsx';
import type { PendingAttachment } from './files.ts';

export function AttachmentList({ attachments, onRemove }: { attachments: PendingAttachment[]; onRemove(index: number): void }) {
  if (attachments.length === 0) return null;
  return (
    <ul className="attachments compose-attachments" data-testid="compose-attachments">
      {attachments.map((a, i) => (
        <li key={`${a.filename}-${i}`} title={a.filename}>
          <AttachIcon />
          <span className="name">{a.filename}</span>
          {a.size !== undefined && <span className="muted"> {a.size < 1024 ? `${a.size} B` : `${Math.ceil(a.size / 1024)} KB`}</span>}
          <button type="button" aria-label={`Remove ${a.filename}`} onClick={() => onRemove(i)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
