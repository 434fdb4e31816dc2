// The desktop citizen on top of a running app: DesktopController wired to main's cache, settings,
// intents and opened files, behind any DesktopPlatform. The Electron shell calls this with
// ElectronPlatform; the end-to-end test (test/e2e/desktop-shell.test.ts) with an in-memory one,
// so both run exactly this wiring.
import type { RunningApp } from './app.ts';
import type { Logger } from './base/log.ts';
import { DesktopController } from './desktop/desktop-controller.ts';
import { newMailSource } from './desktop/new-mail.ts';
import type { DesktopPlatform } from './desktop/platform.ts';

export interface DesktopOptions {
  dataDir: string;
  /** This launch's command line and working folder (mailto: links and .eml files in it are opened). */
  argv: readonly string[];
  cwd: string;
  log: Logger;
  /** The clock that tells new mail from a sync's backlog (tests pin it). */
  now?: () => number;
}

/** Starts the desktop behaviour; null when another Hearth holds the single-instance lock (this one must quit). */
export function startDesktop(app: RunningApp, platform: DesktopPlatform, o: DesktopOptions): DesktopController | null {
  const { dispatch, events, cache } = app.services;
  const controller = new DesktopController({
    platform,
    dataDir: o.dataDir,
    argv: o.argv,
    cwd: o.cwd,
    settings: app.settings,
    intents: app.intents,
    emlFiles: app.emlFiles,
    serverRunning: app.server !== null,
    unreadCount: () => cache.messages.unreadInInboxes(),
    newMail: newMailSource(cache, app.settings),
    now: o.now ?? (() => Date.now()),
    onCacheChanged: (listener) => events.subscribe((event) => event === 'sync.changed' && listener()),
    checkMail: async () => {
      await dispatch('sync.now', {});
    },
    log: o.log,
  });
  return controller.start() ? controller : null;
}
