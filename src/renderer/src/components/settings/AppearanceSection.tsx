// The colour theme: the system's, or always light, or always dark.
import { useEffect, useState } from 'react';
import type { Settings } from '../../../../shared/settings.ts';
import type { AppSettings } from '../../use-app-settings.ts';
import { useSave } from './use-save.ts';
import { SaveStatus } from './SaveStatus.tsx';

const THEMES: Array<{ value: Settings['appearance.theme']; label: string }> = [
  { value: 'system', label: 'Same as the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function AppearanceSection({ settings }: { settings: AppSettings }) {
  const save = useSave();
  // Shown at once; main's answer (settings.changed) confirms it.
  const [theme, setTheme] = useState(settings.values['appearance.theme']);
  useEffect(() => setTheme(settings.values['appearance.theme']), [settings.values['appearance.theme']]);
  return (
    <div className="settings-form">
      <fieldset className="theme-choices">
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <label key={t.value} className="check">
            <input
              type="radio"
              name="theme"
              value={t.value}
              checked={theme === t.value}
              onChange={() => {
                setTheme(t.value);
                void save.run(() => settings.set('appearance.theme', t.value));
              }}
            />
            {t.label}
          </label>
        ))}
      </fieldset>
      <SaveStatus error={save.error} saved={false} />
    </div>
  );
}
