// Senders whose remote content (images, styles from the web) loads without asking. Anyone else's
// stays blocked until "Load remote content" in the message.
import { useState } from 'react';
import type { AppSettings } from '../../use-app-settings.ts';
import { useSave } from './use-save.ts';
import { SaveStatus } from './SaveStatus.tsx';

export function RemoteContentSection({ settings }: { settings: AppSettings }) {
  const list = settings.values['reader.remoteContentFrom'];
  const [entry, setEntry] = useState('');
  const save = useSave();
  const valid = /^[^\s@]+@[^\s@]+\.[^\s@]+$|^@?[^\s@]+\.[^\s@]+$/.test(entry.trim());
  const setList = (next: string[]) => save.run(() => settings.set('reader.remoteContentFrom', next));
  return (
    <div className="settings-form">
      <p className="muted">Remote content can tell the sender when and where you read their mail. Hearth blocks it except from these senders.</p>
      {list.length === 0 ? (
        <p>No senders yet. “Always load from …” in a message adds its sender here.</p>
      ) : (
        <ul className="allow-list" aria-label="Senders whose remote content loads">
          {list.map((s) => (
            <li key={s}>
              <span>{s}</span>
              <button type="button" aria-label={`Remove ${s}`} onClick={() => void setList(list.filter((x) => x !== s))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline-editor"
        onSubmit={(e) => {
          e.preventDefault();
          const v = entry.trim().toLowerCase();
          if (!valid || list.includes(v)) return;
          void setList([...list, v]).then((ok) => ok && setEntry(''));
        }}
      >
        <label>
          Address or domain
          <input value={entry} onChange={(e) => setEntry(e.target.value)} placeholder="news@example.com or example.com" />
        </label>
        <button type="submit" disabled={!valid || save.busy}>
          Add
        </button>
      </form>
      <SaveStatus error={save.error} saved={false} />
    </div>
  );
}
