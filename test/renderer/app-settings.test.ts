// Main's settings kept in the page: the copy follows settings.get and settings.changed, and the
// browser's offline copy takes its window, size and budget from it.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { HearthDb } from '../../src/renderer/src/db.ts';
import { cachedSettings, mirrorSettings } from '../../src/renderer/src/app-settings.ts';
import { loadOfflineSettings, saveOfflineSettings } from '../../src/renderer/src/offline-mirror.ts';
import type { Transport, ConnectionState } from '../../src/renderer/src/api/transport.ts';
import { settingDefaults, type Settings } from '../../src/shared/settings.ts';
import { pollUntil } from '../support/wait.ts';

/** Main as the page sees it: settings.get, and settings.changed when a test says so. */
function mainStandIn(initial: Settings) {
  const listeners = new Set<(s: Settings) => void>();
  const api = {
    kind: 'web',
    state: (): ConnectionState => 'online',
    onState: () => () => {},
    call: async (method: string) => {
      if (method !== 'settings.get') throw new Error(`unexpected ${method}`);
      return initial;
    },
    on: (_event: string, l: (s: Settings) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as Transport;
  return { api, change: (s: Settings) => listeners.forEach((l) => l(s)) };
}

describe('the page’s copy of the settings', () => {
  it('follows main, and the offline copy takes its limits from it', async () => {
    const db = new HearthDb(`settings-${Math.random()}`);
    // Before main ever answered: what this window kept before settings existed, else the defaults.
    await saveOfflineSettings(db, { windowDays: 10, budgetMb: 50 });
    expect(await loadOfflineSettings(db)).toEqual({ windowDays: 10, budgetMb: 50 });

    const main = mainStandIn({ ...settingDefaults, 'offline.windowDays': 30, 'appearance.theme': 'dark' });
    const seen: Settings[] = [];
    const stop = mirrorSettings(main.api, db, (s) => seen.push(s));
    await pollUntil(
      () => seen.length,
      (n) => n === 1,
      5_000,
    );
    expect((await cachedSettings(db))['appearance.theme']).toBe('dark');
    expect(await loadOfflineSettings(db)).toEqual({ windowDays: 30, budgetMb: 500, maxMessageMb: 5 });

    main.change({ ...settingDefaults, 'offline.windowDays': 7, 'offline.browserBudgetMb': 100, 'offline.maxMessageMb': 2 });
    await pollUntil(
      () => seen.length,
      (n) => n === 2,
      5_000,
    );
    expect(await loadOfflineSettings(db)).toEqual({ windowDays: 7, budgetMb: 100, maxMessageMb: 2 });
    stop();
    db.close();
  });
});
