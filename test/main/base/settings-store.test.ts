// The generic settings store: defaults, per-key validation, durable saves, and a damaged file
// that costs only the damaged values.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SETTINGS_FILE, SettingsStore } from '../../../src/main/base/settings-store.ts';
import { silentLogger } from '../../../src/main/base/log.ts';
import { settingDefaults, type SettingChange } from '../../../src/shared/settings.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('SettingsStore', () => {
  it('starts from the defaults and keeps each change across restarts', () => {
    const dir = tempDir('settings');
    const store = new SettingsStore(dir, silentLogger);
    expect(store.all()).toEqual(settingDefaults);
    const seen: unknown[] = [];
    store.onChange((all) => seen.push(all['desktop.startAtLogin']));
    expect(store.set({ key: 'desktop.startAtLogin', value: true })['desktop.startAtLogin']).toBe(true);
    store.set({ key: 'desktop.keepRunningWhenClosed', value: false });
    expect(seen).toEqual([true, true]);
    const again = new SettingsStore(dir, silentLogger);
    expect(again.get('desktop.startAtLogin')).toBe(true);
    expect(again.get('desktop.keepRunningWhenClosed')).toBe(false);
    expect(again.get('desktop.notifyNewMail')).toBe(true);
  });

  it('refuses a value of the wrong type or an unknown key, changing nothing', () => {
    const dir = tempDir('settings');
    const store = new SettingsStore(dir, silentLogger);
    expect(() => store.set({ key: 'desktop.startAtLogin', value: 'yes' } as unknown as SettingChange)).toThrow(
      /Invalid value for setting desktop.startAtLogin/,
    );
    expect(() => store.set({ key: 'no.such', value: true } as unknown as SettingChange)).toThrow(/Invalid value/);
    expect(store.all()).toEqual(settingDefaults);
  });

  it('reads what it can of a damaged file and falls back to defaults for the rest', () => {
    const dir = tempDir('settings');
    writeFileSync(path.join(dir, SETTINGS_FILE), JSON.stringify({ 'desktop.startAtLogin': 'maybe', 'desktop.notifyNewMail': false, stale: 1 }));
    expect(new SettingsStore(dir, silentLogger).all()).toEqual({ ...settingDefaults, 'desktop.notifyNewMail': false });
    writeFileSync(path.join(dir, SETTINGS_FILE), '{ not json');
    const store = new SettingsStore(dir, silentLogger);
    expect(store.all()).toEqual(settingDefaults);
    store.set({ key: 'desktop.notifyNewMail', value: false });
    expect(JSON.parse(readFileSync(path.join(dir, SETTINGS_FILE), 'utf8'))['desktop.notifyNewMail']).toBe(false);
  });
});
