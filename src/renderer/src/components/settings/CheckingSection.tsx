// How often mail is checked, and what is kept for offline reading: how far back, how large a
// message, and (in the browser) how much room its own copy may take.
import { useState } from 'react';
import { settingSchemas, type SettingKey, type Settings } from '../../../../shared/settings.ts';
import type { AppSettings } from '../../use-app-settings.ts';
import { useSave } from './use-save.ts';
import { SaveStatus } from './SaveStatus.tsx';

type NumberKey = 'mail.checkEveryMinutes' | 'offline.windowDays' | 'offline.maxMessageMb' | 'offline.browserBudgetMb';

const FIELDS: Array<{ key: NumberKey; label: string; hint: string }> = [
  { key: 'mail.checkEveryMinutes', label: 'Check for new mail every (minutes)', hint: 'IMAP inboxes also hear of new mail at once.' },
  { key: 'offline.windowDays', label: 'Keep mail for offline reading from the last (days)', hint: 'Their bodies are downloaded in the background.' },
  { key: 'offline.maxMessageMb', label: 'Largest message kept offline (MB)', hint: 'Larger ones are fetched when you open them.' },
  { key: 'offline.browserBudgetMb', label: 'Room for this browser’s offline copy (MB)', hint: 'The oldest go first when it is full.' },
];

export function CheckingSection({ settings, browser }: { settings: AppSettings; browser: boolean }) {
  const [draft, setDraft] = useState<Record<NumberKey, string>>(
    () => Object.fromEntries(FIELDS.map((f) => [f.key, String(settings.values[f.key])])) as Record<NumberKey, string>,
  );
  const save = useSave();
  const shown = FIELDS.filter((f) => browser || f.key !== 'offline.browserBudgetMb');
  const invalid = shown.filter((f) => !settingSchemas[f.key].safeParse(Number(draft[f.key])).success);
  return (
    <form
      className="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (invalid.length) return;
        void save.run(async () => {
          for (const f of shown) {
            const value = Number(draft[f.key]);
            if (value !== settings.values[f.key]) await settings.set(f.key as SettingKey, value as Settings[NumberKey]);
          }
        });
      }}
    >
      {shown.map((f) => (
        <label key={f.key}>
          {f.label}
          <input
            type="number"
            inputMode="numeric"
            min={1}
            value={draft[f.key]}
            aria-invalid={invalid.includes(f)}
            aria-describedby={`hint-${f.key}`}
            onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
          />
          <span className="muted hint" id={`hint-${f.key}`}>
            {f.hint}
          </span>
        </label>
      ))}
      <div className="actions">
        <SaveStatus error={invalid.length ? `Check: ${invalid.map((f) => f.label).join('; ')}` : save.error} saved={save.saved} />
        <button type="submit" className="primary" disabled={save.busy || invalid.length > 0}>
          Save
        </button>
      </div>
    </form>
  );
}
