// What the desktop controller needs from the operating system's shell, and nothing more. The
// Electron shell implements it (src/main/electron/electron-platform.ts); tests use an in-memory
// one (test/support/memory-platform.ts). No `electron` import here: this stays plain TypeScript.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

/** One menu entry; `command` items call the controller back with that id. */
export type MenuItem =
  | { kind: 'command'; id: string; label: string; accelerator?: string; enabled?: boolean }
  | { kind: 'role'; role: MenuRole; label?: string }
  | { kind: 'separator' }
  | { kind: 'submenu'; label: string; role?: 'appMenu' | 'fileMenu' | 'editMenu' | 'viewMenu' | 'windowMenu' | 'help'; items: MenuItem[] };

/** Standard items the platform implements natively (clipboard, zoom, window management). */
export type MenuRole =
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'reload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'about'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'services';

export interface MainWindow {
  /** Shows the window if hidden, restores it if minimised, and brings it to the front. */
  reveal(): void;
  hide(): void;
  isVisible(): boolean;
  /** Size, position (when not maximised) and whether it is maximised. */
  state(): WindowState;
  /** The user asked to close it; `preventClose` keeps it (it is hidden instead). */
  onCloseRequest(handler: (preventClose: () => void) => void): void;
  /** It was moved, resized, maximised or restored. */
  onStateChange(handler: () => void): void;
}

export interface Notification {
  title: string;
  body: string;
  onClick(): void;
}

export interface DesktopPlatform {
  readonly os: NodeJS.Platform;
  /** True for the first instance; a second one gets false and must quit (the first hears its argv). */
  requestSingleInstanceLock(): boolean;
  /** Another launch happened while this one runs: its command line and working folder. */
  onSecondInstance(handler: (argv: string[], cwd: string) => void): void;
  /** macOS hands mailto: links here (`open-url`), also at launch. */
  onOpenUrl(handler: (url: string) => void): void;
  /** macOS hands opened files here (`open-file`), also at launch. */
  onOpenFile(handler: (file: string) => void): void;
  /** Registers Hearth as the handler of a URL scheme; false when the system refused. */
  setAsDefaultProtocolClient(scheme: string): boolean;
  /** The usable area of each connected display. */
  displayWorkAreas(): Rect[];
  createMainWindow(state: WindowState | null): MainWindow;
  /** A window showing one opened message file, read-only. */
  openReaderWindow(fileId: string, title: string): void;
  setTray(tray: { tooltip: string; unread: number; menu: MenuItem[] }): void;
  setApplicationMenu(menu: MenuItem[]): void;
  /** Menu and tray `command` items land here. */
  onMenuCommand(handler: (id: string) => void): void;
  notify(notification: Notification): void;
  /** Start (hidden, in the tray) when the user logs in, or not. */
  setOpenAtLogin(open: boolean): void;
  /** Quits for good (the shell's quit path stops the services cleanly first). */
  quit(): void;
}
