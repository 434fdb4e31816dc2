// One row of the message list: a message, or (grouped) a conversation with its count and
// participants and a toggle that lists its messages in place; those rows are indented.
import { memo } from 'react';
import type { MessageSummary } from '../../../shared/api.ts';
import { displayAddress, listDate } from '../format.ts';
import { participants } from '../use-conversations.ts';
import type { ClickMods } from '../selection.ts';
import { putDraggedIds } from '../message-drag.ts';
import { PaperclipIcon } from './icons.tsx';
import { useOverlaid, type FlagOverlay } from '../flag-overlay.ts';

interface Props {
  message: MessageSummary;
  /** Picked (the open message, or in the selection). */
  selected: boolean;
  /** The open message. */
  current: boolean;
  /** Its place in the list (1-based, and the list's length), for assistive technology (rows out of view do not exist). */
  index: number;
  of: number;
  /** Sent or Drafts: the row names the recipients. */
  outgoing: boolean;
  /** A message listed under its expanded conversation. */
  inThread?: boolean;
  /** The folder of a conversation's message from elsewhere (e.g. Sent). */
  folder?: string | undefined;
  /** The conversation this row stands for (two messages or more). */
  thread?: { messages: MessageSummary[]; expanded: boolean; mine?: ReadonlySet<string> | undefined; onToggle(threadId: number): void } | undefined;
  /** A click, with Shift (range) and Ctrl/Cmd (toggle). */
  onSelect(id: number, mods: ClickMods): void;
  /** Right-click (or the menu key), at a point of the window. */
  onContextMenu?: ((id: number, x: number, y: number) => void) | undefined;
  /** The messages a drag of this row carries (to a folder). */
  dragIds?: ((id: number) => number[]) | undefined;
  onDragOut?: ((dataTransfer: DataTransfer, message: MessageSummary) => boolean) | undefined;
  /** Flag changes shown before the offline copy has them: only this row renders when its own change. */
  overlay?: FlagOverlay | undefined;
}

/**
 * Memoised: moving through the list with `j` renders only the rows whose selection changed (the
 * list's callbacks are stable, see use-stable.ts); a row renders again when its summary does.
 */
export const MessageRow = memo(MessageRowView, (a, b) => {
  for (const k of Object.keys(b) as (keyof Props)[]) if (k !== 'thread' && a[k] !== b[k]) return false;
  if (Object.keys(a).length !== Object.keys(b).length) return false;
  const [x, y] = [a.thread, b.thread];
  return x === y || (!!x && !!y && x.messages === y.messages && x.expanded === y.expanded && x.mine === y.mine && x.onToggle === y.onToggle);
});

function MessageRowView({
  message,
  selected,
  current,
  index,
  of,
  outgoing,
  inThread = false,
  folder,
  thread,
  onSelect,
  onContextMenu,
  dragIds,
  onDragOut,
  overlay,
}: Props) {
  const m = useOverlaid(overlay, message);
  // A conversation's state counts the pending change of the message the row stands for.
  const ofThread = thread?.messages.map((x) => (x.id === m.id ? m : x));
  const unread = ofThread ? ofThread.some((x) => !x.flags.includes('\\Seen')) : !m.flags.includes('\\Seen');
  const flagged = ofThread ? ofThread.some((x) => x.flags.includes('\\Flagged')) : m.flags.includes('\\Flagged');
  const who = thread ? participants(thread.messages, thread.mine).join(', ') : outgoing ? `To: ${displayAddress(m.to)}` : displayAddress(m.from);
  return (
    <div className={`message-row${inThread ? ' in-thread' : ''}`}>
      {thread && (
        <button
          type="button"
          className="thread-toggle"
          aria-expanded={thread.expanded}
          aria-label={`${thread.expanded ? 'Collapse' : 'Expand'} conversation of ${thread.messages.length} messages`}
          onClick={() => thread.onToggle(m.threadId)}
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
        role="option"
        aria-selected={selected}
        aria-posinset={index}
        aria-setsize={of}
        className={`message${selected ? ' selected' : ''}${current ? ' current' : ''}${unread ? ' unread' : ''}`}
        // Shift+click picks a range, not text.
        onMouseDown={(e) => e.shiftKey && e.preventDefault()}
        onClick={(e) => onSelect(m.id, { range: e.shiftKey, toggle: e.ctrlKey || e.metaKey })}
        onContextMenu={(e) => {
          if (!onContextMenu) return;
          e.preventDefault();
          // From the keyboard (menu key, Shift+F10) there is no pointer: open it at the row.
          const r = e.currentTarget.getBoundingClientRect();
          const fromKeys = e.clientX === 0 && e.clientY === 0;
          onContextMenu(m.id, fromKeys ? r.left + 24 : e.clientX, fromKeys ? r.top + r.height / 2 : e.clientY);
        }}
        data-testid={inThread ? 'thread-message' : 'message-row'}
        data-message-id={m.id}
        draggable
        onDragStart={(e) => {
          const carried = dragIds?.(m.id) ?? [m.id];
          putDraggedIds(e.dataTransfer, carried);
          if (carried.length === 1 && onDragOut?.(e.dataTransfer, m)) e.preventDefault();
        }}
        title={onDragOut ? 'Drag to a folder to move it, or out of the window to save it as an .eml file' : 'Drag to a folder to move it'}
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
