// The desktop controller against an in-memory platform (test/support/memory-platform.ts) and a
// real cache: single instance and hand-over, mailto:, .eml reader windows, the tray and its
// unread count, close-to-tray, start at login, new-mail notifications, the menu, window state.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DesktopIntent } from '../../../src/shared/desktop.ts';
import { DesktopController } from '../../../src/main/desktop/desktop-controller.ts';
import { EmlFiles } from '../../../src/main/desktop/eml-files.ts';
import { IntentQueue } from '../../../src/main/desktop/intent-queue.ts';
import { WINDOW_STATE_FILE } from '../../../src/main/desktop/window-state.ts';
import { newMailSource } from '../../../src/main/desktop/new-mail.ts';
import { folderKey } from '../../../src/shared/settings.ts';
import { SettingsStore } from '../../../src/main/base/settings-store.ts';
import { silentLogger } from '../../../src/main/base/log.ts';
import type { CacheDb } from '../../../src/main/client/cache/cache-db.ts';
import type { Mailbox } from '../../../src/shared/api.ts';
import { seededCaches, seedFolder } from '../../support/cache-db.ts';
import { findItem, MemoryPlatform } from '../../support/memory-platform.ts';
import { tempDir } from '../../support/temp-dir.ts';

const NOW = Date.UTC(2026, 11, 2, 9, 0);
const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/mime/forwarded-attachment.eml');
const openCache = seededCaches();

interface Rig {
  platform: MemoryPlatform;
  controller: DesktopController;
  cache: CacheDb;
  inbox: Mailbox;
  settings: SettingsStore;
  intents: IntentQueue;
  sent: DesktopIntent[];
  emlFiles: EmlFiles;
  dataDir: string;
  checks: number;
  started: boolean;
}

/** Main's cache tells its listeners once per batch, on the next turn of the event loop. */
const journalNotice = () => new Promise((resolve) => setImmediate(resolve));

let uid = 1;
function deliver(r: Rig, opts: { subject: string; from?: string; mailbox?: Mailbox; date?: number; seen?: boolean }): number {
  const [id] = r.cache.messages.upsert([
    {
      accountId: 'acc',
      mailboxId: (opts.mailbox ?? r.inbox).id,
      uid: uid++,
      messageId: null,
      subject: opts.subject,
      from: [{ name: opts.from ?? 'Ann Smith', address: 'ann@x.test' }],
      to: [],
      cc: [],
      date: opts.date ?? NOW - 60_000,
      flags: opts.seen ? ['\\Seen'] : [],
      size: 100,
      snippet: '',
      hasAttachments: false,
    },
  ]);
  r.cache.mailboxes.updateCounts((opts.mailbox ?? r.inbox).id);
  return id!;
}

function rig(opts: { os?: NodeJS.Platform; lockHeld?: boolean; serverRunning?: boolean; argv?: string[]; dataDir?: string; start?: boolean } = {}): Rig {
  const dataDir = opts.dataDir ?? tempDir('desktop');
  const cache = openCache('acc');
  const inbox = seedFolder(cache, 'acc', 'INBOX', 'inbox');
  const platform = new MemoryPlatform({ ...(opts.os ? { os: opts.os } : {}), ...(opts.lockHeld ? { lockHeld: true } : {}) });
  const settings = new SettingsStore(dataDir, silentLogger);
  const sent: DesktopIntent[] = [];
  const intents = new IntentQueue((i) => sent.push(i));
  const emlFiles = new EmlFiles();
  const r = { platform, cache, inbox, settings, intents, sent, emlFiles, dataDir, checks: 0 } as Rig;
  r.controller = new DesktopController({
    platform,
    dataDir,
    argv: opts.argv ?? ['/usr/bin/hearth'],
    cwd: '/home/ann',
    settings,
    intents,
    emlFiles,
    serverRunning: opts.serverRunning ?? true,
    unreadCount: () => cache.messages.unreadInInboxes(),
    newMail: newMailSource(cache, settings),
    onCacheChanged: (listener) => cache.onJournalAdvanced(() => listener()),
    now: () => NOW,
    checkMail: async () => {
      r.checks++;
    },
    log: silentLogger,
  });
  r.started = opts.start === false ? false : r.controller.start();
  return r;
}

afterEach(() => {
  uid = 1;
});

describe('single instance', () => {
  it('a second launch finds the lock taken and opens nothing', () => {
    const r = rig({ lockHeld: true });
    expect(r.started).toBe(false);
    expect(r.platform.mainWindow).toBeNull();
    expect(r.platform.tray).toBeNull();
  });

  it('the first instance is focused and handed the second launch’s mailto: link and .eml file', () => {
    const r = rig();
    expect(r.started).toBe(true);
    expect(r.intents.take()).toEqual([]);
    r.platform.mainWindow!.hide();
    r.platform.launchAgain(['/usr/bin/hearth', '--flag', 'mailto:bob@x.test?subject=Hi%20there&cc=carol@x.test', 'saved/note.EML'], '/home/ann');
    expect(r.platform.mainWindow!.isVisible()).toBe(true);
    expect(r.sent).toEqual([{ kind: 'compose', draft: { to: ['bob@x.test'], cc: ['carol@x.test'], bcc: [], subject: 'Hi there', body: '', inReplyTo: null } }]);
    expect(r.platform.readerWindows).toEqual([{ fileId: expect.any(String), title: 'note.EML' }]);
  });

  it('registers as the mailto: handler', () => {
    expect(rig().platform.protocolClients).toEqual(['mailto']);
  });
});

describe('mailto: and .eml', () => {
  it('a mailto: link that launched Hearth waits for the window, then intents go out as events', () => {
    const r = rig({ argv: ['/opt/Hearth/hearth', 'mailto:a@x.test?body=Line%201%0D%0ALine%202'] });
    expect(r.sent).toEqual([]);
    const waiting = r.intents.take();
    expect(waiting).toEqual([{ kind: 'compose', draft: { to: ['a@x.test'], cc: [], bcc: [], subject: '', body: 'Line 1\nLine 2', inReplyTo: null } }]);
    r.platform.macOpenUrl('mailto:b@x.test');
    expect(r.sent.map((i) => i.kind === 'compose' && i.draft.to)).toEqual([['b@x.test']]);
    expect(r.intents.take()).toEqual([]);
  });

  it('macOS open-file opens a reader window whose id reads the file, parsed like the reader', async () => {
    const r = rig({ os: 'darwin' });
    r.platform.macOpenFile(FIXTURE);
    r.platform.macOpenFile('/tmp/picture.png');
    expect(r.platform.readerWindows).toHaveLength(1);
    const { fileId, title } = r.platform.readerWindows[0]!;
    expect(title).toBe('forwarded-attachment.eml');
    const file = await r.emlFiles.read(fileId);
    expect(file.fileName).toBe('forwarded-attachment.eml');
    expect(file.subject.length).toBeGreaterThan(0);
    expect(file.body.attachments.length).toBeGreaterThan(0);
    await expect(r.emlFiles.read('not-an-id')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a file that vanished after it was opened gives a clear error', async () => {
    const dir = tempDir('eml');
    const file = path.join(dir, 'gone.eml');
    writeFileSync(file, 'Subject: x\r\n\r\nbody\r\n');
    const files = new EmlFiles();
    const id = files.register(file);
    expect((await files.read(id)).subject).toBe('x');
    writeFileSync(file, '');
    const { rmSync } = await import('node:fs');
    rmSync(file);
    await expect(files.read(id)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('gone.eml') });
  });
});

describe('tray', () => {
  it('shows the unread count of the inboxes and follows the cache', async () => {
    const r = rig({ start: false });
    deliver(r, { subject: 'old news', seen: true });
    deliver(r, { subject: 'unread one' });
    r.controller.start();
    expect(r.platform.tray).toMatchObject({ unread: 1, tooltip: 'Hearth — 1 unread' });
    const archive = seedFolder(r.cache, 'acc', 'Archive', 'archive');
    deliver(r, { subject: 'unread elsewhere', mailbox: archive });
    await journalNotice();
    expect(r.platform.tray!.unread).toBe(1);
    const id = deliver(r, { subject: 'another' });
    await journalNotice();
    expect(r.platform.tray).toMatchObject({ unread: 2, tooltip: 'Hearth — 2 unread' });
    r.cache.messages.setFlags(id, ['\\Seen']);
    r.cache.mailboxes.updateCounts(r.inbox.id);
    await journalNotice();
    expect(r.platform.tray).toMatchObject({ unread: 1 });
  });

  it('has Open, Check Mail and Quit', async () => {
    const r = rig();
    const tray = r.platform.tray!.menu;
    expect(tray.filter((i) => i.kind === 'command').map((i) => i.kind === 'command' && i.label)).toEqual(['Open Hearth', 'Check Mail', 'Quit Hearth']);
    r.platform.mainWindow!.hide();
    r.platform.click('Open Hearth', tray);
    expect(r.platform.mainWindow!.isVisible()).toBe(true);
    r.platform.click('Check Mail', tray);
    await Promise.resolve();
    expect(r.checks).toBe(1);
    r.platform.click('Quit Hearth', tray);
    r.platform.click('Quit Hearth', tray);
    expect(r.platform.quits).toBe(1);
  });
});

describe('closing the window', () => {
  it('keeps Hearth running in the tray while the household server runs (the default)', () => {
    const r = rig({ serverRunning: true });
    expect(r.platform.mainWindow!.clickClose()).toBe(false);
    expect(r.platform.mainWindow!.isVisible()).toBe(false);
    expect(r.platform.quits).toBe(0);
  });

  it('quits when no server runs, or when the setting says so', () => {
    const noServer = rig({ serverRunning: false });
    expect(noServer.platform.mainWindow!.clickClose()).toBe(true);
    expect(noServer.platform.quits).toBe(1);

    const off = rig({ serverRunning: true });
    off.settings.set({ key: 'desktop.keepRunningWhenClosed', value: false });
    expect(off.platform.mainWindow!.clickClose()).toBe(true);
    expect(off.platform.quits).toBe(1);

    const on = rig({ serverRunning: false });
    on.settings.set({ key: 'desktop.keepRunningWhenClosed', value: true });
    expect(on.platform.mainWindow!.clickClose()).toBe(false);
    expect(on.platform.quits).toBe(0);
  });

  it('lets the window close once the app is quitting (Cmd+Q, the tray, the menu)', () => {
    const r = rig({ serverRunning: true });
    r.controller.beforeQuit();
    expect(r.platform.mainWindow!.clickClose()).toBe(true);
  });
});

describe('start at login', () => {
  it('applies the setting at start and on each change', () => {
    const r = rig();
    expect(r.platform.openAtLogin).toBe(false);
    r.settings.set({ key: 'desktop.startAtLogin', value: true });
    expect(r.platform.openAtLogin).toBe(true);
    const again = rig({ dataDir: r.dataDir });
    expect(again.platform.openAtLogin).toBe(true);
  });
});

describe('new-mail notifications', () => {
  it('announces new unread inbox mail with sender and subject; a click opens the message', async () => {
    const r = rig({ start: false });
    deliver(r, { subject: 'before start' });
    await journalNotice();
    r.controller.start();
    r.intents.take();
    r.platform.mainWindow!.hide();
    const id = deliver(r, { subject: 'Dinner on Sunday?', from: 'Alex Rivera' });
    await journalNotice();
    expect(r.platform.notifications.map((n) => [n.title, n.body])).toEqual([['Alex Rivera', 'Dinner on Sunday?']]);
    r.platform.notifications[0]!.onClick();
    expect(r.platform.mainWindow!.isVisible()).toBe(true);
    expect(r.sent).toEqual([{ kind: 'openMessage', messageId: id }]);
  });

  it('stays quiet for read mail, other folders, a sync’s old backlog, and when turned off', async () => {
    const r = rig();
    deliver(r, { subject: 'read already', seen: true });
    deliver(r, { subject: 'archived', mailbox: seedFolder(r.cache, 'acc', 'Archive', 'archive') });
    deliver(r, { subject: 'from last year', date: NOW - 365 * 86_400_000 });
    await journalNotice();
    expect(r.platform.notifications).toEqual([]);
    r.settings.set({ key: 'desktop.notifyNewMail', value: false });
    deliver(r, { subject: 'muted' });
    await journalNotice();
    expect(r.platform.notifications).toEqual([]);
    // Turned on again, what arrived while muted is not announced late.
    r.settings.set({ key: 'desktop.notifyNewMail', value: true });
    deliver(r, { subject: 'loud' });
    await journalNotice();
    expect(r.platform.notifications.map((n) => n.body)).toEqual(['loud']);
  });

  it('follows the folders chosen in settings: another folder on, the inbox off', async () => {
    const r = rig();
    const lists = seedFolder(r.cache, 'acc', 'Lists', null);
    r.settings.set({ key: 'notifications.folders', value: { [folderKey('acc', 'Lists')]: true, [folderKey('acc', 'INBOX')]: false } });
    deliver(r, { subject: 'to the inbox' });
    deliver(r, { subject: 'to the list', mailbox: lists });
    await journalNotice();
    expect(r.platform.notifications.map((n) => n.body)).toEqual(['to the list']);
  });

  it('sums up a burst in one notification', async () => {
    const r = rig();
    const ids = [1, 2, 3, 4, 5].map((n) => deliver(r, { subject: `burst ${n}` }));
    await journalNotice();
    expect(r.platform.notifications.map((n) => [n.title, n.body])).toEqual([['Hearth', '5 new messages']]);
    r.intents.take();
    r.platform.notifications[0]!.onClick();
    expect(r.sent).toEqual([{ kind: 'openMessage', messageId: ids[4] }]);
  });
});

describe('application menu', () => {
  it('has File, Edit, View, Message, Window and Help, with the renderer’s keys as accelerators', () => {
    const r = rig();
    expect(r.platform.appMenu.map((m) => m.kind === 'submenu' && m.label)).toEqual(['File', 'Edit', 'View', 'Message', 'Window', 'Help']);
    const keys = Object.fromEntries(
      [
        'New Message',
        'Get New Mail',
        'Reply',
        'Reply All',
        'Forward',
        'Archive',
        'Delete',
        'Mark as Read/Unread',
        'Flag/Unflag',
        'Next Message',
        'Previous Message',
        'Search Messages',
      ].map((l) => [l, findItem(r.platform.appMenu, l)?.accelerator]),
    );
    expect(keys).toEqual({
      'New Message': 'C',
      'Get New Mail': 'R',
      Reply: 'A',
      'Reply All': 'Shift+A',
      Forward: 'F',
      Archive: 'E',
      Delete: 'Delete',
      'Mark as Read/Unread': 'U',
      'Flag/Unflag': 'S',
      'Next Message': 'J',
      'Previous Message': 'K',
      'Search Messages': '/',
    });
    expect(findItem(r.platform.appMenu, 'Quit Hearth')?.accelerator).toBe('CmdOrCtrl+Q');
  });

  it('sends message commands to the renderer and handles Get New Mail and Quit in main', async () => {
    const r = rig();
    r.intents.take();
    r.platform.mainWindow!.hide();
    r.platform.click('Reply All');
    r.platform.click('Archive');
    r.platform.click('Add Account…');
    r.platform.click('Settings…');
    expect(r.sent).toEqual([
      { kind: 'command', command: 'replyAll' },
      { kind: 'command', command: 'archive' },
      { kind: 'command', command: 'addAccount' },
      { kind: 'command', command: 'settings' },
    ]);
    expect(findItem(r.platform.appMenu, 'Settings…')?.accelerator).toBe('CmdOrCtrl+,');
    expect(r.platform.mainWindow!.isVisible()).toBe(true);
    r.platform.click('Get New Mail');
    await Promise.resolve();
    expect(r.checks).toBe(1);
    r.platform.click('Quit Hearth');
    expect(r.platform.quits).toBe(1);
  });

  it('on macOS puts Quit in the app menu', () => {
    const r = rig({ os: 'darwin' });
    const first = r.platform.appMenu[0]!;
    expect(first.kind === 'submenu' && first.label).toBe('Hearth');
    expect(first.kind === 'submenu' && findItem(first.items, 'Quit Hearth')).toBeTruthy();
    const file = r.platform.appMenu[1]!;
    expect(file.kind === 'submenu' && findItem(file.items, 'Quit Hearth')).toBeNull();
  });
});

describe('window state', () => {
  it('is remembered in the data folder and restored at the next start', () => {
    const r = rig();
    expect(r.platform.createdWith).toBeNull();
    r.platform.mainWindow!.change({ bounds: { x: 200, y: 100, width: 1000, height: 700 }, maximized: true });
    expect(JSON.parse(readFileSync(path.join(r.dataDir, WINDOW_STATE_FILE), 'utf8'))).toEqual({
      bounds: { x: 200, y: 100, width: 1000, height: 700 },
      maximized: true,
    });
    const again = rig({ dataDir: r.dataDir });
    expect(again.platform.createdWith).toEqual({ bounds: { x: 200, y: 100, width: 1000, height: 700 }, maximized: true });
  });

  it('is saved when quitting', () => {
    const r = rig();
    r.platform.mainWindow!.current = { bounds: { x: 5, y: 6, width: 800, height: 600 }, maximized: false };
    expect(existsSync(path.join(r.dataDir, WINDOW_STATE_FILE))).toBe(false);
    r.controller.quit();
    expect(JSON.parse(readFileSync(path.join(r.dataDir, WINDOW_STATE_FILE), 'utf8')).bounds).toEqual({ x: 5, y: 6, width: 800, height: 600 });
  });

  it('comes back on a display that is there when its display is gone', () => {
    const r = rig();
    r.platform.mainWindow!.change({ bounds: { x: 2500, y: 200, width: 1200, height: 800 }, maximized: false });
    const laptop = rig({ dataDir: r.dataDir, start: false });
    laptop.platform.workAreas = [{ x: 0, y: 0, width: 1366, height: 740 }];
    laptop.controller.start();
    expect(laptop.platform.createdWith).toEqual({ bounds: { x: 83, y: 0, width: 1200, height: 740 }, maximized: false });
  });
});
