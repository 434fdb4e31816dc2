// The browser's offline copy in the status bar ("Offline copy: 1,204 messages, 38 MB") and, on
// click, its settings: how far back bodies are kept and how much room they may take.
import { useEffect, useState } from 'react';
import type { HearthDb } from '../db.ts';
import { loadOfflineSettings, saveOfflineSettings, type OfflineMirror, type OfflineSettings, type OfflineState } from '../offline-mirror.ts';

const MB = 1024 * 1024;

export function OfflineReading({ mirror, db }: { mirror: OfflineMirror; db: HearthDb }) {
  const [state, setState] = useState<OfflineState | null>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => mirror.onState(setState), [mirror]);
  if (!state) return null;
  return (
    <>
      <button type="button" className="link offline-copy" onClick={() => setOpen(true)} data-testid="offline-copy" title="Offline reading settings">
        {state.phase === 'filling' ? 'Keeping mail for offline reading: ' : 'Offline copy: '}
        {state.kept.toLocaleString()} messages, {Math.ceil(state.bytes / MB)} MB
      </button>
      {open && (
        <OfflineSettingsDialog
          db={db}
          onClose={(changed) => {
            setOpen(false);
            if (changed) void mirror.fill();
          }}
        />
      )}
    </>
  );
}

function OfflineSettingsDialog({ db, onClose }: { db: HearthDb; onClose(changed: boolean): void }) {
  const [settings, setSettings] = useState<OfflineSettings | null>(null);
  useEffect(() => void loadOfflineSettings(db).then(setSettings), [db]);
  if (!settings) return null;
  const valid = settings.windowDays >= 1 && settings.budgetMb >= 10;
  return (
    <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === 'Escape' && onClose(false)}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="offline-title"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void saveOfflineSettings(db, settings).then(() => onClose(true));
        }}
      >
        <h2 id="offline-title">Offline reading in this browser</h2>
        <p className="muted">
          Hearth keeps the messages of this period in the browser, so they stay readable when its background service is not running. The oldest go first when
          the space runs out.
        </p>
        <label>
          Keep messages from the last (days)
          <input
            type="number"
            min={1}
            max={36500}
            value={settings.windowDays}
            onChange={(e) => setSettings({ ...settings, windowDays: Number(e.target.value) })}
            autoFocus
          />
        </label>
        <label>
          Use at most (MB)
          <input
            type="number"
            min={10}
            max={100000}
            value={settings.budgetMb}
            onChange={(e) => setSettings({ ...settings, budgetMb: Number(e.target.value) })}
          />
        </label>
        <div className="actions">
          <button type="button" onClick={() => onClose(false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!valid}>
            Save
          </button>
        </div>
      </form>
    </div>
  );
}
