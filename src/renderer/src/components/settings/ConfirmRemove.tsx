// "Remove this account?" — an alert dialog that holds the focus until answered; Escape cancels.
import { useEffect, useRef, useState } from 'react';

interface Props {
  name: string;
  onCancel(): void;
  onConfirm(): Promise<void>;
}

export function ConfirmRemove({ name, onCancel, onConfirm }: Props) {
  const cancel = useRef<HTMLButtonElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div
      className="dialog-backdrop"
      role="presentation"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="remove-title" aria-describedby="remove-what">
        <h2 id="remove-title">Remove “{name}”?</h2>
        <p id="remove-what">
          Hearth forgets this account and deletes its copy of the account’s mail on this computer. Mail on the server stays there; mail of a POP3 account that
          exists only here is lost.
        </p>
        {error && (
          <div className="error" role="alert">
            {error}
          </div>
        )}
        <div className="actions">
          <button type="button" ref={cancel} onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            disabled={busy}
            data-testid="confirm-remove"
            onClick={() => {
              setBusy(true);
              onConfirm().catch((e: unknown) => {
                setError(e instanceof Error ? e.message : String(e));
                setBusy(false);
              });
            }}
          >
            Remove account
          </button>
        </div>
      </div>
    </div>
  );
}
