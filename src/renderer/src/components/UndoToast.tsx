// What was just moved, archived or deleted, with Undo (the `z` key does the same).
import type { Undoable } from '../use-undo.ts';

interface Props {
  last: Undoable;
  busy: boolean;
  onUndo(): void;
  onDismiss(): void;
}

export function UndoToast({ last, busy, onUndo, onDismiss }: Props) {
  return (
    <div className="toast" role="status" data-testid="undo-toast">
      <span>{busy ? `Undoing: ${last.label}…` : last.label}</span>
      <button type="button" onClick={onUndo} disabled={busy} title="Undo (z)" data-testid="undo">
        Undo
      </button>
      <button type="button" className="toast-close" onClick={onDismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
