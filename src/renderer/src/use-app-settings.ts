// The settings for React: the copy in IndexedDB (live), and `set` that asks main to change one
// (main answers with settings.changed, which updates the copy and so every view).
import { useCallback } from 'react';
import { settingDefaults, type SettingKey, type Settings } from '../../shared/settings.ts';
import type { Transport } from './api/transport.ts';
import type { HearthDb } from './db.ts';
import { cachedSettings, SETTINGS_META_KEY } from './app-settings.ts';
import { useLive } from './use-live.ts';

export interface AppSettings {
  values: Settings;
  set<K extends SettingKey>(key: K, value: Settings[K]): Promise<void>;
}

export function useAppSettings(api: Transport, db: HearthDb): AppSettings {
  const values = useLive<Settings>(() => cachedSettings(db), [db], settingDefaults);
  const set = useCallback(
    async <K extends SettingKey>(key: K, value: Settings[K]) => {
      const all = await api.call('settings.set', { key, value } as never);
      // The event brings the same; writing it here too makes the change show even if the event is late.
      await db.meta.put({ key: SETTINGS_META_KEY, value: all });
    },
    [api, db],
  );
  return { values, set };
}
