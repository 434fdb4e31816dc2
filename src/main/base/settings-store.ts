// The app's settings on disk (DATA/settings.json): generic key/value, each key validated by its
// schema in src/shared/settings.ts. A damaged or older file never stops the app: unreadable
// values fall back to their defaults (and the file is rewritten on the next change).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { settingDefaults, settingKeys, settingSchemas, SettingChange, type SettingKey, type Settings } from '../../shared/settings.ts';
import { HearthError } from '../../shared/errors.ts';
import { atomicWriteFileSync } from './fs-durable.ts';
import type { Logger } from './log.ts';

export const SETTINGS_FILE = 'settings.json';

export class SettingsStore {
  private readonly file: string;
  private values: Settings;
  private readonly listeners = new Set<(all: Settings) => void>();

  constructor(dataDir: string, log: Logger) {
    this.file = path.join(dataDir, SETTINGS_FILE);
    this.values = { ...settingDefaults };
    if (!existsSync(this.file)) return;
    let stored: Record<string, unknown> = {};
    try {
      stored = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      log.warn('settings file unreadable; using defaults', { file: this.file, error: e });
    }
    for (const key of settingKeys) {
      if (!(key in stored)) continue;
      const parsed = settingSchemas[key].safeParse(stored[key]);
      if (parsed.success) (this.values as Record<SettingKey, unknown>)[key] = parsed.data;
      else log.warn('setting has an invalid value; using its default', { key });
    }
  }

  all(): Settings {
    return { ...this.values };
  }

  get<K extends SettingKey>(key: K): Settings[K] {
    return this.values[key];
  }

  /** Validates and saves one setting durably, then tells the listeners. */
  set(change: SettingChange): Settings {
    const parsed = SettingChange.safeParse(change);
    if (!parsed.success)
      throw new HearthError('INVALID_ARGUMENT', `Invalid value for setting ${String((change as { key?: unknown }).key)}`, { field: 'value' });
    const next = { ...this.values, [change.key]: parsed.data.value } as Settings;
    atomicWriteFileSync(this.file, JSON.stringify(next, null, 2));
    this.values = next;
    for (const l of this.listeners) l(this.all());
    return this.all();
  }

  /** Called with all settings after each change; returns the unsubscribe function. */
  onChange(listener: (all: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
