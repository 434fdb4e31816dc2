// DesktopPlatform in memory, for testing the desktop controller without Electron: it records what
// the controller asked of the system (tray, menus, notifications, windows, login item) and lets a
// test play the system's part (a second launch, macOS open-url/open-file, a close click, a menu
// or notification click).
import type { DesktopPlatform, MainWindow, MenuItem, Notification, Rect, WindowState } from '../../src/main/desktop/platform.ts';

export class MemoryWindow implements MainWindow {
  visible = true;
  reveals = 0;
  current: WindowState;
  private closeHandlers: ((prevent: () => void) => void)[] = [];
  private changeHandlers: (() => void)[] = [];

  constructor(state: WindowState | null) {
    this.current = state ?? { bounds: { x: 0, y: 0, width: 1280, height: 820 }, maximized: false };
  }

  reveal(): void {
    this.visible = true;
    this.reveals++;
  }
  hide(): void {
    this.visible = false;
  }
  isVisible(): boolean {
    return this.visible;
  }
  state(): WindowState {
    return this.current;
  }
  onCloseRequest(handler: (preventClose: () => void) => void): void {
    this.closeHandlers.push(handler);
  }
  onStateChange(handler: () => void): void {
    this.changeHandlers.push(handler);
  }

  /** The user clicks the close button; true when the window really closed. */
  clickClose(): boolean {
    let prevented = false;
    for (const h of this.closeHandlers) h(() => (prevented = true));
    if (!prevented) this.visible = false;
    return !prevented;
  }
  /** The user moves, resizes or maximises it. */
  change(state: WindowState): void {
    this.current = state;
    for (const h of this.changeHandlers) h();
  }
}

export class MemoryPlatform implements DesktopPlatform {
  readonly os: NodeJS.Platform;
  lockHeld: boolean;
  workAreas: Rect[] = [{ x: 0, y: 0, width: 1920, height: 1050 }];
  protocolClients: string[] = [];
  mainWindow: MemoryWindow | null = null;
  createdWith: WindowState | null | undefined = undefined;
  readerWindows: { fileId: string; title: string }[] = [];
  tray: { tooltip: string; unread: number; menu: MenuItem[] } | null = null;
  traySets = 0;
  appMenu: MenuItem[] = [];
  notifications: Notification[] = [];
  openAtLogin: boolean | null = null;
  quits = 0;
  private secondInstance: ((argv: string[], cwd: string) => void) | null = null;
  private openUrl: ((url: string) => void) | null = null;
  private openFile: ((file: string) => void) | null = null;
  private menuCommand: ((id: string) => void) | null = null;

  constructor(opts: { os?: NodeJS.Platform; lockHeld?: boolean } = {}) {
    this.os = opts.os ?? 'linux';
    this.lockHeld = opts.lockHeld ?? false;
  }

  requestSingleInstanceLock(): boolean {
    if (this.lockHeld) return false;
    this.lockHeld = true;
    return true;
  }
  onSecondInstance(handler: (argv: string[], cwd: string) => void): void {
    this.secondInstance = handler;
  }
  onOpenUrl(handler: (url: string) => void): void {
    this.openUrl = handler;
  }
  onOpenFile(handler: (file: string) => void): void {
    this.openFile = handler;
  }
  setAsDefaultProtocolClient(scheme: string): boolean {
    this.protocolClients.push(scheme);
    return true;
  }
  displayWorkAreas(): Rect[] {
    return this.workAreas;
  }
  createMainWindow(state: WindowState | null): MainWindow {
    this.createdWith = state;
    this.mainWindow = new MemoryWindow(state);
    return this.mainWindow;
  }
  openReaderWindow(fileId: string, title: string): void {
    this.readerWindows.push({ fileId, title });
  }
  setTray(tray: { tooltip: string; unread: number; menu: MenuItem[] }): void {
    this.tray = tray;
    this.traySets++;
  }
  setApplicationMenu(menu: MenuItem[]): void {
    this.appMenu = menu;
  }
  onMenuCommand(handler: (id: string) => void): void {
    this.menuCommand = handler;
  }
  notify(notification: Notification): void {
    this.notifications.push(notification);
  }
  setOpenAtLogin(open: boolean): void {
    this.openAtLogin = open;
  }
  quit(): void {
    this.quits++;
  }

  // ---- the system's part ----
  launchAgain(argv: string[], cwd = '/'): void {
    this.secondInstance?.(argv, cwd);
  }
  macOpenUrl(url: string): void {
    this.openUrl?.(url);
  }
  macOpenFile(file: string): void {
    this.openFile?.(file);
  }
  /** Clicks the menu or tray item with this label. */
  click(label: string, menu: MenuItem[] = [...this.appMenu, ...(this.tray?.menu ?? [])]): void {
    const item = findItem(menu, label);
    if (!item) throw new Error(`No menu item ${label}`);
    this.menuCommand?.(item.id);
  }
}

export function findItem(menu: MenuItem[], label: string): Extract<MenuItem, { kind: 'command' }> | null {
  for (const item of menu) {
    if (item.kind === 'command' && item.label === label) return item;
    if (item.kind === 'submenu') {
      const found = findItem(item.items, label);
      if (found) return found;
    }
  }
  return null;
}
