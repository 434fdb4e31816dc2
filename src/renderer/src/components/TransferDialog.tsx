// "Import…" and "Export…" for one folder: where from (an mbox file, Apple Mail's .mbox folder, a
// Maildir or a folder of .eml files) or where to (an mbox file or a folder of .eml files). Paths
// are on the computer Hearth runs on; main reads and writes them.
import { useState } from 'react';
import type { Mailbox } from '../../../shared/api.ts';
import type { Transport } from '../api/transport.ts';

interface Props {
  api: Transport;
  mailbox: Mailbox;
  kind: 'import' | 'export';
  onClose(): void;
}

export function TransferDialog({ api, mailbox, kind, onClose }: Props) {
  const [location, setLocation] = useState('');
  const [format, setFormat] = useState<'mbox' | 'eml'>('mbox');
  const [variant, setVariant] = useState<'mboxrd' | 'mboxo'>('mboxrd');
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    try {
      // Its progress arrives as transfer.progress events (the bar below the panes).
      if (kind === 'import') await api.call('transfer.import', { mailboxId: mailbox.id, source: location.trim(), mboxVariant: variant });
      else await api.call('transfer.export', { mailboxId: mailbox.id, target: location.trim(), format });
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const title = kind === 'import' ? `Import into “${mailbox.name}”` : `Export “${mailbox.name}”`;
  return (
    <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form
        className="dialog transfer-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="transfer-title"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <h2 id="transfer-title">{title}</h2>
        <label>
          {kind === 'import' ? 'File or folder to import' : format === 'mbox' ? 'mbox file to write' : 'Folder for the .eml files'}
          <input
            autoFocus
            required
            value={location}
            onChange={(e) => setLocation(e.target.value)}
            placeholder={kind === 'import' ? '/home/me/Mail/Archive.mbox' : format === 'mbox' ? '/home/me/Desktop/Folder.mbox' : '/home/me/Desktop/Folder'}
            data-testid="transfer-path"
          />
        </label>
        {kind === 'import' ? (
          <>
            <p className="muted">
              An mbox file (Thunderbird, mutt), Apple Mail’s exported .mbox folder, a Maildir, or a folder of .eml files. Stopped imports go on where they
              stopped.
            </p>
            <label>
              Lines starting “&gt;From” in an mbox
              <select value={variant} onChange={(e) => setVariant(e.target.value as 'mboxrd' | 'mboxo')}>
                <option value="mboxrd">were quoted (mboxrd: Hearth, most tools) — unquote them</option>
                <option value="mboxo">keep as they are (mboxo)</option>
              </select>
            </label>
          </>
        ) : (
          <fieldset>
            <legend>Format</legend>
            <label>
              <input type="radio" name="format" checked={format === 'mbox'} onChange={() => setFormat('mbox')} /> One mbox file
            </label>
            <label>
              <input type="radio" name="format" checked={format === 'eml'} onChange={() => setFormat('eml')} /> A folder of .eml files
            </label>
          </fieldset>
        )}
        {error && (
          <p className="account-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="transfer-start">
            {kind === 'import' ? 'Import' : 'Export'}
          </button>
        </div>
      </form>
    </div>
  );
}
