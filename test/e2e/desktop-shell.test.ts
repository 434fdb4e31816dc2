// The desktop shell end to end, without Electron: the whole app in this process, its window in
// Chromium through the web host, and the desktop wiring the Electron shell runs (startDesktop)
// on an in-memory platform that plays the system's part. A second launch's mailto: link opens
// compose in the open window; new mail raises a notification whose click opens the message; the
// menu reaches the window; the tray counts unread mail; closing keeps Hearth running while the
// household server runs; Settings › Desktop app turns on start at login and makes closing quit. Electron's own part (real tray, menus, lock) is not here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Browser } from 'playwright-core';
import type { RunningApp } from '../../src/main/app.ts';
import { silentLogger } from '../../src/main/base/log.ts';
import { startDesktop } from '../../src/main/desktop-app.ts';
import { startWebHost, type WebHost } from '../../src/main/host/web-host.ts';
import { launchChromium } from '../support/browser.ts';
import { MemoryPlatform } from '../support/memory-platform.ts';
import { startTestApp } from '../support/test-app.ts';
import { tempDir } from '../support/temp-dir.ts';
import { ROOT } from '../support/web-host-process.ts';
import { poll } from '../support/wait.ts';

const SHOTS = path.join(ROOT, 'test-results');
const slowPoll = <T>(read: () => Promise<T> | T) => poll(read, 30_000);
let browser: Browser;
let app: RunningApp | null = null;
let host: WebHost | null = null;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await host?.close();
  await app?.close();
  await browser?.close();
});

async function deliver(port: number, from: string, subject: string): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    const raw = [
      `From: ${from}`,
      'To: demo@home.arpa',
      `Subject: ${subject}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${Date.now()}@shell.test>`,
      '',
      'See you there.',
      '',
    ].join('\r\n');
    await transport.sendMail({ envelope: { from: 'alex@example.test', to: ['demo@home.arpa'] }, raw });
  } finally {
    transport.close();
  }
}

describe('desktop shell without Electron', { timeout: 240_000 }, () => {
  it('second-launch mailto:, notification click, menu, tray count, close to tray and Quit reach the real window', async () => {
    const dataDir = tempDir('desktop-shell');
    app = await startTestApp(dataDir, { welcome: false, undoHoldMs: 0 });
    host = await startWebHost({
      dispatch: app.services.dispatch,
      events: app.services.events,
      log: silentLogger,
      staticDir: path.join(ROOT, 'out/renderer'),
      port: 0,
    });
    const page = await (await browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
    await page.goto(host.url);
    await slowPoll(() => page.getByTestId('message-row').count()).toBe(4);

    // The shell starts: it takes the lock, registers for mailto:, puts up the tray and the menus.
    const platform = new MemoryPlatform();
    const desktop = startDesktop(app, platform, { dataDir, argv: ['/opt/Hearth/hearth'], cwd: '/home/ann', log: silentLogger });
    expect(desktop).not.toBeNull();
    expect(platform.protocolClients).toEqual(['mailto']);
    const unread = app.services.cache.messages.unreadInInboxes();
    expect(unread).toBeGreaterThan(0);
    expect(platform.tray).toMatchObject({ unread, tooltip: `Hearth — ${unread} unread` });

    // A second launch with a mailto: link (RFC 6068 subject, cc and body) while the window is open.
    platform.mainWindow!.hide();
    platform.launchAgain(
      ['/opt/Hearth/hearth', 'mailto:bob@example.test?subject=From%20a%20second%20launch&cc=carol@example.test&body=Hi%0D%0Athere'],
      '/home/ann',
    );
    expect(platform.mainWindow!.isVisible()).toBe(true);
    await slowPoll(() => page.getByTestId('compose-subject').inputValue()).toBe('From a second launch');
    const chips = (field: string) =>
      page
        .getByTestId(`compose-${field}-chips`)
        .getByTestId('recipient-chip')
        .evaluateAll((l) => l.map((c) => c.getAttribute('title')));
    expect(await chips('to')).toEqual(['bob@example.test']);
    expect(await chips('cc')).toEqual(['carol@example.test']);
    expect(await page.getByTestId('compose-body').innerText()).toBe('Hi\nthere');
    await page.screenshot({ path: path.join(SHOTS, 'desktop-second-launch-mailto-light.png') });

    // New mail: a notification with sender and subject; the tray counts it.
    const smtp = app.server!.listeners.find((l) => l.name === 'smtp')!.port;
    await deliver(smtp, 'Alex Rivera <alex@example.test>', 'Dinner on Friday?');
    await slowPoll(() => platform.notifications.map((n) => [n.title, n.body])).toEqual([['Alex Rivera', 'Dinner on Friday?']]);
    expect(platform.tray!.unread).toBe(unread + 1);

    // Its click brings the window forward with that message open.
    platform.mainWindow!.hide();
    await page.emulateMedia({ colorScheme: 'dark' });
    platform.notifications[0]!.onClick();
    expect(platform.mainWindow!.isVisible()).toBe(true);
    await slowPoll(() => page.getByTestId('reader-subject').textContent()).toBe('Dinner on Friday?');
    // The draft steps aside (minimised to its tab) so that the message is in view.
    await slowPoll(() => page.getByTestId('compose-dock').getAttribute('class')).toBe('compose-dock');
    expect(await page.getByTestId('compose-tab').count()).toBe(1);
    expect(await page.getByTestId('reader-subject').isVisible()).toBe(true);
    await slowPoll(() => page.frameLocator('[data-testid="body-frame"]').locator('body').textContent()).toContain('See you there.');
    await page.screenshot({ path: path.join(SHOTS, 'desktop-notification-opened-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Help › Keyboard Shortcuts opens the window's list of keys.
    platform.click('Keyboard Shortcuts');
    await slowPoll(() => page.getByTestId('shortcut-help').isVisible()).toBe(true);
    expect(await page.getByTestId('shortcut-help').textContent()).toContain('Settings');
    await page.keyboard.press('Escape');
    await slowPoll(() => page.getByTestId('shortcut-help').count()).toBe(0);

    // Closing the window keeps Hearth running (the household server is on): the page still works.
    expect(platform.mainWindow!.clickClose()).toBe(false);
    expect(platform.quits).toBe(0);
    expect(await page.getByTestId('connection').textContent()).toBe('Connected');

    // File › Settings… › Desktop app: start at login reaches the system; "Never" makes closing quit.
    platform.click('Settings…');
    await slowPoll(() => page.getByRole('tab', { name: 'Desktop app' }).count()).toBe(1);
    await page.getByRole('tab', { name: 'Desktop app' }).click();
    expect(platform.openAtLogin).toBe(false);
    await page.getByLabel('Start Hearth when I log in').check();
    await slowPoll(() => platform.openAtLogin).toBe(true);
    await page.getByLabel(/Keep Hearth running in the tray/).selectOption('never');
    await slowPoll(() => app!.settings.get('desktop.keepRunningWhenClosed')).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'settings-desktop-app-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SHOTS, 'settings-desktop-app-dark.png') });
    expect(platform.mainWindow!.clickClose()).toBe(true);
    expect(platform.quits).toBe(1);
    // Quitting already: the tray's Quit does not start a second one.
    platform.click('Quit Hearth', platform.tray!.menu);
    expect(platform.quits).toBe(1);
  });
});
