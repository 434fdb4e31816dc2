// Main's settings as this window knows them: kept in IndexedDB (meta "settings") from settings.get
// and every settings.changed, so the theme, the offline copy's limits, the remote-content list
// and the notification choices hold even while main is away.
import { settingDefaults, SettingsSchema, type Settings } from '../../shared/settings.ts';
import type { Transport } from './api/transport.ts';
import type { HearthDb } from './db.ts';

export const SETTINGS_META_KEY = 'settings';

/** The last settings main sent (defaults for what it never sent). */
export async function cachedSettings(db: HearthDb): Promise<Settings> {
  const stored = (await db.meta.get(SETTINGS_META_KEY))?.value;
  const parsed = SettingsSchema.partial().safeParse(stored);
  return { ...settingDefaults, ...(parsed.success ? parsed.data : {}) } as Settings;
}

/** Keeps the copy up to date while main is reachable; `onChange` runs after each new copy. Returns the stop function. */
export function mirrorSettings(api: Transport, db: HearthDb, onChange: (s: Settings) => void = () => {}): () => void {
  const keep = (s: Settings) =>
    void db.meta
      .put({ key: SETTINGS_META_KEY, value: s })
      .then(() => onChange(s))
      .catch(() => {});
  const fetch = () => void api.call('settings.get', {}).then(keep, () => {});
  const offEvent = api.on('settings.changed', keep);
  const offState = api.onState((s) => s === 'online' && fetch());
  if (api.state() === 'online') fetch();
  return () => {
    offEvent();
    offState();
  };
}
