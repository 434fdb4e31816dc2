// The message list: virtualized (only the rows in view exist in the DOM), fed by the ordered ids
// of the folder or the search, with the summaries of the rows in view read from IndexedDB and kept
// live; a folder of 100,000 messages opens and scrolls like one of 100. Grouped by conversation,
// a row stands for its thread (count, participants) and expands in place.
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Mailbox, MessageSummary } from '../../../shared/api.ts';
import type { HearthDb } from '../db.ts';
import { useLive } from '../use-live.ts';
import { isSelected, type ClickMods, type Selection } from '../selection.ts';
import { useThreads, type Conversations } from '../use-conversations.ts';
import { MessageRow } from './MessageRow.tsx';
import { countOf } from '../format.ts';
import type { FlagOverlay } from '../flag-overlay.ts';
import { OVERSCAN, ROW_PX, THREAD_ROW_PX } from '../list-metrics.ts';

interface Props {
  db: HearthDb;
  mailbox: Mailbox | null;
  /** Every folder, to name where a conversation's other messages are. */
  mailboxes?: Mailbox[] | undefined;
  /** Replaces the folder name (e.g. for search results or a smart folder). */
  title?: string | undefined;
  /** The messages in list order (with `grouped`, one per conversation: its newest). */
  ids: number[];
  /** Rows stand for their conversations. */
  grouped?: boolean | undefined;
  /** The conversations expanded in place and the list's rows with them (use-conversations.ts, held by the app so `j`/`k` step through them). */
  conversations: Conversations;
  /** Summaries already at hand (search results); others are read from IndexedDB as they scroll into view. */
  known?: MessageSummary[] | undefined;
  /** Sort and layout controls shown in the header. */
  controls?: ReactNode;
  /** Addresses of my identities (shown as "me" among participants). */
  mine?: ReadonlySet<string> | undefined;
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
  /** Filled with the summaries of the rows read (the reader shows a message picked by key from it at once). */
  rowCache?: Map<number, MessageSummary> | undefined;
  /** Flag changes shown before the offline copy has them. */
  overlay?: FlagOverlay | undefined;
  /** The rows in view reach the end of the list (search results ask for their next page); given while more may come, and the count says "50+". */
  onNearEnd?: (() => void) | undefined;
}

const indexKey = (index: number) => index;
const rowSize = () => ROW_PX;

export function MessageList({
  db,
  mailbox,
  mailboxes,
  title,
  ids,
  grouped = false,
  conversations,
  known,
  controls,
  mine,
  selectedId,
  selection,
  onSelect,
  onContextMenu,
  dragIds,
  onDragOut,
  rowCache,
  overlay,
  onNearEnd,
}: Props) {
  const scroller = useRef<HTMLElement>(null);
  const count = conversations.count;
  // Rows have fixed heights (list-metrics.ts), so none is measured: attaching one forces no layout.
  // The virtualizer sizes its rows again only when its key function changes: with a conversation
  // expanded, whenever the rows do (its messages are the shorter rows); else every row is ROW_PX.
  const { item } = conversations;
  const expandedAny = conversations.expanded.size > 0;
  const getItemKey = useMemo(() => (expandedAny ? (index: number) => index : indexKey), [expandedAny, item]);
  // Without one, every row is ROW_PX: sizing 100,000 rows then asks for no row (each a new object).
  const sizeOf = expandedAny ? (index: number) => (item(index).inThread === undefined ? ROW_PX : THREAD_ROW_PX) : rowSize;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: sizeOf, getItemKey, overscan: OVERSCAN });
  const items = virtualizer.getVirtualItems();
  const inView = items.map((v) => conversations.item(v.index).id);
  // Rows near the end are in view: the list asks for more (search results come in pages).
  const lastInView = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (onNearEnd && count > 0 && lastInView >= count - 1 - OVERSCAN) onNearEnd();
  }, [lastInView, count, onNearEnd]);
  // Summaries at hand (search results, a folder's first screen) show in the same render as their
  // ids; only the others are read from IndexedDB (a read there is a round trip and a render more).
  const knownById = useMemo(() => new Map((known ?? []).map((m) => [m.id, m])), [known]);
  const missing = inView.filter((id) => !knownById.has(id));
  const read = useLive<Map<number, MessageSummary>>(
    async () => {
      const byId = new Map<number, MessageSummary>();
      if (missing.length > 0) for (const m of await db.messages.bulkGet(missing)) if (m) byId.set(m.id, m);
      return byId;
    },
    [db, missing.join(',')],
    new Map(),
  );
  // A summary equal to the one already shown keeps its object, so only the rows that changed render (memo).
  const shown = useRef<Map<number, MessageSummary>>(new Map());
  const rows = useMemo(() => {
    const out = new Map<number, MessageSummary>();
    const keep = (m: MessageSummary) => {
      const before = shown.current.get(m.id);
      out.set(m.id, before && (before === m || JSON.stringify(before) === JSON.stringify(m)) ? before : m);
    };
    for (const m of knownById.values()) keep(m);
    for (const m of read.values()) if (!knownById.has(m.id)) keep(m);
    // A row shown stays until its read is in: when a folder's first screen gives way to all its
    // keys, its summaries are read again, and the rows would blank for that round trip. (That
    // change of `known` recomputes this; a scroll alone waits for its read, as before.)
    for (const id of inView) {
      const before = shown.current.get(id);
      if (before && !out.has(id)) out.set(id, before);
    }
    shown.current = out;
    return out;
  }, [knownById, read]);
  if (rowCache) {
    if (rowCache.size > 5000) rowCache.clear();
    for (const [id, m] of rows) rowCache.set(id, m);
  }
  // Grouped: the conversations of the rows in view, for their count and participants.
  const threads = useThreads(db, grouped ? inView.flatMap((id) => rows.get(id)?.threadId ?? []) : []);
  // Keyboard selection moves beyond the rows in view: bring the selected one into view ('auto' scrolls only then).
  const selectedIndex = selectedId === null ? -1 : conversations.indexOf(selectedId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);
  const folderName = new Map((mailboxes ?? []).map((m) => [m.id, m.name]));
  // A conversation's messages from elsewhere than this folder (in a smart folder: than an inbox) are tagged with their folder.
  const inboxes = new Set((mailboxes ?? []).filter((m) => m.specialUse === 'inbox').map((m) => m.id));
  const home = (id: number) => (mailbox ? mailbox.id === id : inboxes.has(id));
  const outgoingIds = new Set((mailboxes ?? []).filter((m) => m.specialUse === 'sent' || m.specialUse === 'drafts').map((m) => m.id));
  if (mailbox && (mailbox.specialUse === 'sent' || mailbox.specialUse === 'drafts')) outgoingIds.add(mailbox.id);

  return (
    <section className="list" aria-label="Messages" ref={scroller} data-testid="message-list">
      <header className="list-header">
        <h1>{title ?? mailbox?.name ?? 'No folder'}</h1>
        <span className="muted" data-testid="message-count">
          {grouped ? countOf(ids.length, 'conversation', 'conversations', !!onNearEnd) : countOf(ids.length, 'message', 'messages', !!onNearEnd)}
        </span>
        {controls}
      </header>
      <ol
        className="messages"
        style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
        role="listbox"
        aria-label="Message list"
        aria-multiselectable="true"
      >
        {items.map((v) => {
          const item = conversations.item(v.index);
          const m = rows.get(item.id);
          if (!m)
            return <li key={v.key} className="message-placeholder" style={{ position: 'absolute', top: v.start, height: v.size, width: '100%' }} role="none" />;
          const thread = grouped && item.inThread === undefined ? threads.get(m.threadId) : undefined;
          return (
            <li key={v.key} data-index={v.index} style={{ position: 'absolute', top: v.start, height: v.size, width: '100%' }} role="none">
              <MessageRow
                message={m}
                selected={selection ? isSelected(selection, m.id, selectedId) : m.id === selectedId}
                current={m.id === selectedId}
                index={v.index + 1}
                of={count}
                outgoing={outgoingIds.has(m.mailboxId)}
                inThread={item.inThread !== undefined}
                {...(item.inThread !== undefined && !home(m.mailboxId) ? { folder: folderName.get(m.mailboxId) } : {})}
                {...(thread && thread.length > 1
                  ? { thread: { messages: thread, expanded: conversations.expanded.has(m.threadId), mine, onToggle: conversations.toggle } }
                  : {})}
                overlay={overlay}
                onSelect={onSelect}
                onContextMenu={onContextMenu}
                dragIds={dragIds}
                onDragOut={onDragOut}
              />
            </li>
          );
        })}
      </ol>
      {ids.length === 0 && <p className="muted empty">{title ? 'Nothing found.' : 'No messages here.'}</p>}
    </section>
  );
}
