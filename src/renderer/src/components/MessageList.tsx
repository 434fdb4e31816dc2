// The message list: virtualized (only the rows in view exist in the DOM), fed by the ordered ids
// of the folder or the search, with the summaries of the rows in view read from IndexedDB and kept
// live; a folder of 100,000 messages opens and scrolls like one of 100.
import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Mailbox, MessageSummary } from '../../../shared/api.ts';
import type { HearthDb } from '../db.ts';
import { useLive } from '../use-live.ts';
import { displayAddress, listDate } from '../format.ts';
import { PaperclipIcon } from './icons.tsx';
import { isSelected, type ClickMods, type Selection } from '../selection.ts';
import { putDraggedIds } from '../message-drag.ts';

interface Props {
  db: HearthDb;
  mailbox: Mailbox | null;
  /** Replaces the folder name (e.g. for search results). */
  title?: string | undefined;
  /** The messages in list order (newest first). */
  ids: number[];
  /** Summaries already at hand (search results); others are read from IndexedDB as they scroll into view. */
  known?: MessageSummary[] | undefined;
  /** The open message (the reader shows it). */
  selectedId: number | null;
  /** Messages picked beyond the open one (use-selection.ts). */
  selection?: Selection | undefined;
  /** A click on a row, with Shift (range) and Ctrl/Cmd (toggle). */
  onSelect(id: number, mods: ClickMods): void;
  /** Right-click (or the menu key) on a row, at a point of the window. */
  onContextMenu?(id: number, x: number, y: number): void;
  /** The messages a drag of this row carries (to a folder): the selection when the row is in it. */
  dragIds?(id: number): number[];
  /** Drags a message out of the window as an .eml file; true when the host took over the drag natively. */
  onDragOut?(dataTransfer: DataTransfer, message: MessageSummary): boolean;
}

/** A row's height (from, subject and snippet lines); rows are measured once shown. */
const ROW_PX = 77;
const OVERSCAN = 12;

export function MessageList({ db, mailbox, title, ids, known, selectedId, selection, onSelect, onContextMenu, dragIds, onDragOut }: Props) {
  const outgoing = mailbox?.specialUse === 'sent' || mailbox?.specialUse === 'drafts';
  const scroller = useRef<HTMLElement>(null);
  const virtualizer = useVirtualizer({ count: ids.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_PX, overscan: OVERSCAN });
  const items = virtualizer.getVirtualItems();
  const inView = items.map((v) => ids[v.index]!);
  const rows = useLive<Map<number, MessageSummary>>(
    async () => {
      const byId = new Map((known ?? []).map((m) => [m.id, m]));
      const missing = inView.filter((id) => !byId.has(id));
      for (const m of await db.messages.bulkGet(missing)) if (m) byId.set(m.id, m);
      return byId;
    },
    [db, known, inView.join(',')],
    new Map(),
  );
  // Keyboard selection moves beyond the rows in view: bring the selected one into view ('auto' scrolls only then).
  const selectedIndex = selectedId === null ? -1 : ids.indexOf(selectedId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  return (
    <section className="list" aria-label="Messages" ref={scroller} data-testid="message-list">
      <header className="list-header">
        <h1>{title ?? mailbox?.name ?? 'No folder'}</h1>
        <span className="muted" data-testid="message-count">
          {ids.length.toLocaleString()} messages
        </span>
      </header>
      <ol
        className="messages"
        style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
        role="listbox"
        aria-label="Message list"
        aria-multiselectable="true"
      >
        {items.map((v) => {
          const m = rows.get(ids[v.index]!);
          if (!m)
            return <li key={v.key} className="message-placeholder" style={{ position: 'absolute', top: v.start, height: ROW_PX, width: '100%' }} role="none" />;
          const unread = !m.flags.includes('\\Seen');
          const picked = selection ? isSelected(selection, m.id, selectedId) : m.id === selectedId;
          return (
            <li key={v.key} data-index={v.index} ref={virtualizer.measureElement} style={{ position: 'absolute', top: v.start, width: '100%' }} role="none">
              <button
                type="button"
                role="option"
                aria-selected={picked}
                aria-posinset={v.index + 1}
                aria-setsize={ids.length}
                className={`message${picked ? ' selected' : ''}${m.id === selectedId ? ' current' : ''}${unread ? ' unread' : ''}`}
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
                data-testid="message-row"
                data-message-id={m.id}
                draggable
                onDragStart={(e) => {
                  const carried = dragIds?.(m.id) ?? [m.id];
                  putDraggedIds(e.dataTransfer, carried);
                  if (carried.length === 1 && onDragOut?.(e.dataTransfer, m)) e.preventDefault();
                }}
                title={onDragOut ? 'Drag to a folder to move it, or out of the window to save it as an .eml file' : 'Drag to a folder to move it'}
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
      {ids.length === 0 && <p className="muted empty">{title ? 'Nothing found.' : 'No messages here.'}</p>}
    </section>
  );
}
