// One row of the message list: a message, or (grouped) a conversation with its count and
// participants and a toggle that lists its messages in place; those rows are indented.
import type { MessageSummary } from '../../../shared/api.ts';
import { displayAddress, listDate } from '../format.ts';
import { participants } from '../use-conversations.ts';
import { PaperclipIcon } from './icons.tsx';

interface Props {
  message: MessageSummary;
  selected: boolean;
  /** Sent or Drafts: the row names the recipients. */
  outgoing: boolean;
  /** A message listed under its expanded conversation. */
  inThread?: boolean;
  /** The folder of a conversation's message from elsewhere (e.g. Sent). */
  folder?: string | undefined;
  /** The conversation this row stands for (two messages or more). */
  thread?: { messages: MessageSummary[]; expanded: boolean; mine?: ReadonlySet<string> | undefined; onToggle(): void } | undefined;
  onSelect(id: number): void;
  onDragOut?: ((dataTransfer: DataTransfer, message: MessageSummary) => boolean) | undefined;
}

export function MessageRow({ message: m, selected, outgoing, inThread = false, folder, thread, onSelect, onDragOut }: Props) {
  const unread = thread ? thread.messages.some((x) => !x.flags.includes('\\Seen')) : !m.flags.includes('\\Seen');
  const flagged = thread ? thread.messages.some((x) => x.flags.includes('\\Flagged')) : m.flags.includes('\\Flagged');
  const who = thread ? participants(thread.messages, thread.mine).join(', ') : outgoing ? `To: ${displayAddress(m.to)}` : displayAddress(m.from);
  return (
    <div className={`message-row${inThread ? ' in-thread' : ''}`}>
      {thread && (
        <button
          type="button"
          className="thread-toggle"
          aria-expanded={thread.expanded}
          aria-label={`${thread.expanded ? 'Collapse' : 'Expand'} conversation of ${thread.messages.length} messages`}
          onClick={thread.onToggle}
          data-testid="thread-toggle"
        >
          <span aria-hidden="true">{thread.expanded ? '▾' : '▸'}</span>
          <span className="thread-count" data-testid="thread-count">
            {thread.messages.length}
          </span>
        </button>
      )}
      <button
        type="button"
        className={`message${selected ? ' selected' : ''}${unread ? ' unread' : ''}`}
        onClick={() => onSelect(m.id)}
        data-testid={inThread ? 'thread-message' : 'message-row'}
        draggable={onDragOut !== undefined}
        onDragStart={(e) => {
          if (onDragOut?.(e.dataTransfer, m)) e.preventDefault();
        }}
        title="Drag out to save as an .eml file"
      >
        <span className="from" data-testid={thread ? 'participants' : undefined}>
          {who}
        </span>
        <time className="date" dateTime={new Date(m.date).toISOString()}>
          {listDate(m.date)}
        </time>
        <span className="subject">
          {flagged && (
            <span className="flag" aria-label="Flagged">
              ★{' '}
            </span>
          )}
          {m.subject || '(no subject)'}
          {m.hasAttachments && <PaperclipIcon />}
          {folder && <span className="folder-tag">{folder}</span>}
        </span>
        <span className="snippet">{m.snippet}</span>
      </button>
    </div>
  );
}
