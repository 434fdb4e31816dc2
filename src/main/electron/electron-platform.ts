// DesktopPlatform with Electron: windows, tray, menus, notifications, login item, the
// single-instance lock and the mailto:/file hand-over. Only translation lives here; what to do
// is decided in src/main/desktop/desktop-controller.ts.
import {
  app,
  BrowserWindow,
  Menu,
  nativeImage,
  Notification,
  screen,
  shell,
  Tray,
  type BrowserWindowConstructorOptions,
  type MenuItemConstructorOptions,
} from 'electron';
import path from 'node:path';
import type { DesktopPlatform, MainWindow, MenuItem, WindowState } from '../desktop/platform.ts';
import { countIconBgra } from '../desktop/count-icon.ts';
import { setXdgAutostart } from '../desktop/xdg-autostart.ts';
import { isAllowedExternalUrl, isTrustedRendererUrl } from './navigation.ts';

/** Events macOS may deliver before the controller listens (a link or file that launched Hearth). */
const early = { urls: [] as string[], files: [] as string[] };
let urlHandler: ((url: string) => void) | null = null;
let fileHandler: ((file: string) => void) | null = null;
app.on('open-url', (e, url) => {
  e.preventDefault();
  if (urlHandler) urlHandler(url);
  else early.urls.push(url);
});
app.on('open-file', (e, file) => {
  e.preventDefault();
  if (fileHandler) fileHandler(file);
  else early.files.push(file);
});

export interface ElectronPlatformOptions {
  rendererUrl: string;
  webPreferences: BrowserWindowConstructorOptions['webPreferences'];
  iconPath: string;
  /** Started at login: stay in the tray until asked. */
  startHidden: boolean;
}

/** Single keys (j, c, Delete) are shown in the menu but not registered: the renderer handles them, and typing in a field must not trigger them. */
const hasModifier = (accelerator: string) => /(Cmd|Ctrl|CmdOrCtrl|Alt|Option|Super|Meta)\+/i.test(accelerator);

export class ElectronPlatform implements DesktopPlatform {
  readonly os = process.platform;
  private readonly opts: ElectronPlatformOptions;
  private tray: Tray | null = null;
  private commandHandler: (id: string) => void = () => {};
  /** The main window and each reader window, for the IPC sender check. */
  mainWindow: BrowserWindow | null = null;
  readonly readerWindows = new Map<BrowserWindow, string>();

  constructor(opts: ElectronPlatformOptions) {
    this.opts = opts;
  }

  requestSingleInstanceLock(): boolean {
    // main.ts already took it before starting the services; asking again must not fail.
    return app.hasSingleInstanceLock() || app.requestSingleInstanceLock();
  }

  onSecondInstance(handler: (argv: string[], cwd: string) => void): void {
    app.on('second-instance', (_e, argv, cwd) => handler(argv, cwd));
  }

  onOpenUrl(handler: (url: string) => void): void {
    urlHandler = handler;
    for (const url of early.urls.splice(0)) handler(url);
  }

  onOpenFile(handler: (file: string) => void): void {
    fileHandler = handler;
    for (const file of early.files.splice(0)) handler(file);
  }

  setAsDefaultProtocolClient(scheme: string): boolean {
    // Run from a checkout (`electron .`), the system must also be told which app folder to open.
    if (process.defaultApp && process.argv[1]) return app.setAsDefaultProtocolClient(scheme, process.execPath, [path.resolve(process.argv[1])]);
    return app.setAsDefaultProtocolClient(scheme);
  }

  displayWorkAreas() {
    return screen.getAllDisplays().map((d) => d.workArea);
  }

  private newWindow(options: BrowserWindowConstructorOptions, url: string): BrowserWindow {
    const win = new BrowserWindow({
      show: false,
      backgroundColor: '#1b1a19',
      ...(app.isPackaged && process.platform === 'linux' ? { icon: this.opts.iconPath } : {}),
      ...options,
      webPreferences: this.opts.webPreferences,
    });
    // Nothing navigates an app window away, and nothing opens a new Electron window: links go to
    // the user's browser, and only for https and mailto.
    win.webContents.on('will-navigate', (e, to) => {
      if (!isTrustedRendererUrl(to, this.opts.rendererUrl)) e.preventDefault();
    });
    win.webContents.setWindowOpenHandler(({ url: to }) => {
      if (isAllowedExternalUrl(to)) void shell.openExternal(to);
      return { action: 'deny' };
    });
    void win.loadURL(url);
    return win;
  }

  createMainWindow(state: WindowState | null): MainWindow {
    const win = this.newWindow({ title: 'Hearth', width: 1280, height: 820, ...(state ? state.bounds : {}) }, this.opts.rendererUrl);
    this.mainWindow = win;
    win.once('ready-to-show', () => {
      if (state?.maximized) win.maximize();
      if (!this.opts.startHidden) win.show();
    });
    let timer: NodeJS.Timeout | undefined;
    return {
      reveal: () => {
        if (win.isMinimized()) win.restore();
        win.show();
        win.focus();
      },
      hide: () => win.hide(),
      isVisible: () => win.isVisible(),
      state: () => ({ bounds: win.getNormalBounds(), maximized: win.isMaximized() }),
      onCloseRequest: (handler) => win.on('close', (e) => handler(() => e.preventDefault())),
      onStateChange: (handler) => {
        // Moving and resizing fire many events: write the state once the user has stopped.
        const later = () => {
          clearTimeout(timer);
          timer = setTimeout(handler, 500);
        };
        win.on('resize', later);
        win.on('move', later);
        win.on('maximize', handler);
        win.on('unmaximize', handler);
      },
    };
  }

  openReaderWindow(fileId: string, title: string): void {
    const url = new URL(this.opts.rendererUrl);
    url.searchParams.set('eml', fileId);
    const win = this.newWindow({ title, width: 900, height: 700 }, url.href);
    this.readerWindows.set(win, fileId);
    win.on('closed', () => this.readerWindows.delete(win));
    win.once('ready-to-show', () => win.show());
  }

  setTray(t: { tooltip: string; unread: number; menu: MenuItem[] }): void {
    const appIcon = () => nativeImage.createFromPath(this.opts.iconPath).resize({ width: 32, height: 32 });
    if (!this.tray) {
      this.tray = new Tray(appIcon());
      this.tray.on('click', () => this.commandHandler('main.open'));
    }
    this.tray.setToolTip(t.tooltip);
    this.tray.setContextMenu(Menu.buildFromTemplate(t.menu.map((i) => this.template(i))));
    if (process.platform === 'darwin') {
      // The menu bar shows text beside the icon.
      this.tray.setTitle(t.unread > 0 ? String(t.unread) : '');
    } else {
      // Linux and Windows trays show only an image: the count itself while there is unread mail.
      this.tray.setImage(t.unread > 0 ? nativeImage.createFromBitmap(countIconBgra(t.unread, 32), { width: 32, height: 32 }) : appIcon());
    }
    // And on the dock / launcher (macOS, Unity).
    app.setBadgeCount(t.unread);
  }

  private template(item: MenuItem): MenuItemConstructorOptions {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'role':
        return { role: item.role, ...(item.label ? { label: item.label } : {}) };
      case 'submenu':
        return { label: item.label, ...(item.role === 'appMenu' ? { role: 'appMenu' } : {}), submenu: item.items.map((i) => this.template(i)) };
      case 'command':
        return {
          label: item.label,
          enabled: item.enabled ?? true,
          ...(item.accelerator ? { accelerator: item.accelerator, registerAccelerator: hasModifier(item.accelerator) } : {}),
          click: () => this.commandHandler(item.id),
        };
    }
  }

  setApplicationMenu(menu: MenuItem[]): void {
    Menu.setApplicationMenu(Menu.buildFromTemplate(menu.map((i) => this.template(i))));
  }

  onMenuCommand(handler: (id: string) => void): void {
    this.commandHandler = handler;
  }

  notify(n: { title: string; body: string; onClick(): void }): void {
    if (!Notification.isSupported()) return;
    const note = new Notification({ title: n.title, body: n.body, silent: false });
    note.on('click', () => n.onClick());
    note.show();
  }

  setOpenAtLogin(open: boolean): void {
    if (process.platform === 'linux') {
      // An AppImage runs from wherever the user keeps it; a checkout needs the app folder too.
      const program = process.env.APPIMAGE ?? process.execPath;
      const appFolder = process.defaultApp && process.argv[1] ? [path.resolve(process.argv[1])] : [];
      setXdgAutostart(open, [program, ...appFolder, '--hidden']);
      return;
    }
    app.setLoginItemSettings({ openAtLogin: open, args: ['--hidden'] });
  }

  quit(): void {
    app.quit();
  }
}
