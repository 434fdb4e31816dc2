import type { Mailbox, MessageSummary } from '../../../shared/api.ts';
import { displayAddress, listDate } from '../format.ts';
import { PaperclipIcon } from './icons.tsx';

interface Props {
  mailbox: Mailbox | null;
  /** Replaces the folder name (e.g. for search results). */
  title?: string | undefined;
  messages: MessageSummary[];
  selectedId: number | null;
  onSelect(id: number): void;
  /** Drags a message out of the window as an .eml file; true when the host took over the drag natively. */
  onDragOut?(dataTransfer: DataTransfer, message: MessageSummary): boolean;
}

export function MessageList({ mailbox, title, messages, selectedId, onSelect, onDragOut }: Props) {
  const outgoing = mailbox?.specialUse === 'sent' || mailbox?.specialUse === 'drafts';
  return (
    <section className="list" aria-label="Messages">
      <header className="list-header">
        <h1>{title ?? mailbox?.name ?? 'No folder'}</h1>
        <span className="muted">{messages.length} messages</span>
      </header>
      <ol className="messages">
        {messages.map((m) => {
          const unread = !m.flags.includes('\\Seen');
          return (
            <li key={m.id}>
              <button
                type="button"
                className={`message${m.id === selectedId ? ' selected' : ''}${unread ? ' unread' : ''}`}
                onClick={() => onSelect(m.id)}
                data-testid="message-row"
                draggable={onDragOut !== undefined}
                onDragStart={(e) => {
                  if (onDragOut?.(e.dataTransfer, m)) e.preventDefault();
                }}
                title="Drag out to save as an .eml file"
              >
                <span className="from">{outgoing ? `To: ${displayAddress(m.to)}` : displayAddress(m.from)}</span>
                <time className="date" dateTime={new Date(m.date).toISOString()}>
                  {listDate(m.date)}
                </time>
                <span className="subject">
                  {m.flags.includes('\\Flagged') && (
                    <span className="flag" aria-label="Flagged">
                      ★{' '}
                    </span>
                  )}
                  {m.subject || '(no subject)'}
                  {m.hasAttachments && <PaperclipIcon />}
                </span>
                <span className="snippet">{m.snippet}</span>
              </button>
            </li>
          );
        })}
      </ol>
      {messages.length === 0 && <p className="muted empty">{title ? 'Nothing found.' : 'No messages here.'}</p>}
    </section>
  );
}
