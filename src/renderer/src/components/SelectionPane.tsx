// In the reader's place while several messages are selected: how many, and what to do with them.
import type { Mailbox } from '../../../shared/api.ts';
import { countLabel, type BulkAction } from '../use-bulk-actions.ts';

interface Props {
  count: number;
  /** Folders the selection can move to (its account's). */
  folders: Mailbox[];
  hasArchive: boolean;
  onAction(action: BulkAction): void;
  onClear(): void;
}

export function SelectionPane({ count, folders, hasArchive, onAction, onClear }: Props) {
  return (
    <article className="reader empty selection-pane" aria-label="Selection" data-testid="selection-pane">
      <h1 data-testid="selection-count">{countLabel(count)} selected</h1>
      <div className="message-actions" role="toolbar" aria-label="Actions on the selected messages">
        {hasArchive && (
          <button type="button" title="Archive (e)" onClick={() => onAction({ kind: 'archive' })}>
            Archive
          </button>
        )}
        <button type="button" title="Delete (Delete or #)" onClick={() => onAction({ kind: 'delete' })} data-testid="bulk-delete">
          Delete
        </button>
        <button type="button" onClick={() => onAction({ kind: 'read', on: true })}>
          Mark read
        </button>
        <button type="button" onClick={() => onAction({ kind: 'read', on: false })}>
          Mark unread
        </button>
        <button type="button" onClick={() => onAction({ kind: 'flag', on: true })}>
          Flag
        </button>
        <button type="button" onClick={() => onAction({ kind: 'flag', on: false })}>
          Unflag
        </button>
        <select
          aria-label="Move to folder"
          value=""
          data-testid="bulk-move"
          onChange={(e) => {
            const id = Number(e.target.value);
            if (id) onAction({ kind: 'move', targetMailboxId: id });
          }}
        >
          <option value="">Move to…</option>
          {folders.map((m) => (
            <option key={m.id} value={m.id}>
              {m.path}
            </option>
          ))}
        </select>
      </div>
      <button type="button" className="link" onClick={onClear} title="Esc">
        Clear the selection
      </button>
    </article>
  );
}
