// The actions on the open message. Each applies at once (main updates its cache and queues the
// server operation, so they work offline too).
import type { Mailbox, MessageSummary } from '../../../shared/api.ts';

interface Props {
  message: MessageSummary;
  mailboxes: Mailbox[];
  onAction(action: MessageAction): void;
}

export type MessageAction =
  | { kind: 'archive' }
  | { kind: 'delete' }
  | { kind: 'toggleRead' }
  | { kind: 'toggleFlag' }
  | { kind: 'move'; targetMailboxId: number }
  | { kind: 'reply' }
  | { kind: 'replyAll' }
  | { kind: 'forward' };

export function MessageActions({ message, mailboxes, onAction }: Props) {
  const own = mailboxes.filter((m) => m.accountId === message.accountId && m.id !== message.mailboxId);
  const hasArchive = own.some((m) => m.specialUse === 'archive');
  const read = message.flags.includes('\\Seen');
  const flagged = message.flags.includes('\\Flagged');
  return (
    <div className="message-actions" role="toolbar" aria-label="Message actions">
      <button type="button" title="Reply (a)" onClick={() => onAction({ kind: 'reply' })} data-testid="action-reply">
        Reply
      </button>
      <button type="button" title="Reply to all (Shift+A)" onClick={() => onAction({ kind: 'replyAll' })}>
        Reply all
      </button>
      <button type="button" title="Forward (f)" onClick={() => onAction({ kind: 'forward' })}>
        Forward
      </button>
      {hasArchive && (
        <button type="button" title="Archive (e)" onClick={() => onAction({ kind: 'archive' })} data-testid="action-archive">
          Archive
        </button>
      )}
      <button type="button" title="Delete (Delete or #)" onClick={() => onAction({ kind: 'delete' })} data-testid="action-delete">
        Delete
      </button>
      <button type="button" title="Mark read or unread (u)" onClick={() => onAction({ kind: 'toggleRead' })} data-testid="action-read">
        {read ? 'Mark unread' : 'Mark read'}
      </button>
      <button type="button" title="Flag (s)" aria-pressed={flagged} onClick={() => onAction({ kind: 'toggleFlag' })} data-testid="action-flag">
        {flagged ? 'Unflag' : 'Flag'}
      </button>
      <select
        aria-label="Move to folder"
        value=""
        data-testid="action-move"
        onChange={(e) => {
          const id = Number(e.target.value);
          if (id) onAction({ kind: 'move', targetMailboxId: id });
        }}
      >
        <option value="">Move to…</option>
        {own.map((m) => (
          <option key={m.id} value={m.id}>
            {m.path}
          </option>
        ))}
      </select>
    </div>
  );
}
