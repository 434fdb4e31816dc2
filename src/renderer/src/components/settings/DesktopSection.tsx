// The desktop app's own choices: whether closing the window keeps Hearth running in the tray
// (sync and the household server go on), and starting at login. Main applies them at once.
import { useEffect, useState } from 'react';
import type { Settings } from '../../../../shared/settings.ts';
import type { AppSettings } from '../../use-app-settings.ts';
import { useSave } from './use-save.ts';
import { SaveStatus } from './SaveStatus.tsx';

type KeepRunning = Settings['desktop.keepRunningWhenClosed'];
const KEEP_RUNNING: Array<{ value: string; setting: KeepRunning; label: string }> = [
  { value: 'server', setting: null, label: 'While the household server runs' },
  { value: 'always', setting: true, label: 'Always' },
  { value: 'never', setting: false, label: 'Never: closing the window quits Hearth' },
];
const optionOf = (setting: KeepRunning) => KEEP_RUNNING.find((k) => k.setting === setting)!.value;

export function DesktopSection({ settings, browser }: { settings: AppSettings; browser: boolean }) {
  const save = useSave();
  // Shown at once; main's answer (settings.changed) confirms it.
  const [keep, setKeep] = useState(optionOf(settings.values['desktop.keepRunningWhenClosed']));
  const [atLogin, setAtLogin] = useState(settings.values['desktop.startAtLogin']);
  useEffect(() => setKeep(optionOf(settings.values['desktop.keepRunningWhenClosed'])), [settings.values['desktop.keepRunningWhenClosed']]);
  useEffect(() => setAtLogin(settings.values['desktop.startAtLogin']), [settings.values['desktop.startAtLogin']]);
  return (
    <div className="settings-form">
      {browser && <p className="muted">These apply when Hearth runs as the desktop app.</p>}
      <label>
        Keep Hearth running in the tray when its window is closed (mail keeps syncing, the household server keeps serving)
        <select
          value={keep}
          onChange={(e) => {
            const choice = KEEP_RUNNING.find((k) => k.value === e.target.value)!;
            setKeep(choice.value);
            void save.run(() => settings.set('desktop.keepRunningWhenClosed', choice.setting));
          }}
        >
          {KEEP_RUNNING.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      <p className="muted">Quit Hearth from the tray icon or the File menu.</p>
      <label className="check">
        <input
          type="checkbox"
          checked={atLogin}
          onChange={(e) => {
            const value = e.target.checked;
            setAtLogin(value);
            void save.run(() => settings.set('desktop.startAtLogin', value));
          }}
        />
        Start Hearth when I log in (in the tray, without a window)
      </label>
      <SaveStatus error={save.error} saved={false} />
    </div>
  );
}
