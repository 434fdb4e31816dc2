// The desktop citizen's behaviour, in plain TypeScript behind DesktopPlatform: one instance,
// mailto: and .eml hand-over, the tray with the unread count, close-to-tray while the household
// server runs, start at login, new-mail notifications, the application menu, and the window's
// remembered place. The Electron shell only adapts Electron to DesktopPlatform.
import { MenuCommand } from '../../shared/desktop.ts';
import { parseMailto } from '../../shared/mailto.ts';
import type { Settings } from '../../shared/settings.ts';
import type { Logger } from '../base/log.ts';
import type { SettingsStore } from '../base/settings-store.ts';
import { applicationMenu, MAIN_COMMANDS, trayMenu } from './app-menu.ts';
import type { EmlFiles } from './eml-files.ts';
import type { IntentQueue } from './intent-queue.ts';
import { parseLaunchArgs, type LaunchRequest } from './launch-args.ts';
import { NewMailWatch, senderName, type NewMailSource } from './new-mail.ts';
import type { DesktopPlatform, MainWindow } from './platform.ts';
import { fitToDisplays, loadWindowState, saveWindowState } from './window-state.ts';

export interface DesktopControllerOptions {
  platform: DesktopPlatform;
  dataDir: string;
  /** This launch's command line and working folder. */
  argv: readonly string[];
  cwd: string;
  settings: SettingsStore;
  intents: IntentQueue;
  emlFiles: EmlFiles;
  /** Whether the household server runs in this app (closing then keeps it serving by default). */
  serverRunning: boolean;
  /** Unread messages in all inboxes, from main's cache. */
  unreadCount(): number;
  newMail: NewMailSource;
  /** Calls back after each change to main's cache; returns the unsubscribe function. */
  onCacheChanged(listener: () => void): () => void;
  /** The clock (ms since the epoch) that tells new mail from a sync's backlog. */
  now(): number;
  /** "Check mail" from the tray or menu. */
  checkMail(): Promise<void>;
  log: Logger;
}

export class DesktopController {
  private readonly o: DesktopControllerOptions;
  private window: MainWindow | null = null;
  /** Created at start: mail already cached then is not new. */
  private newMail: NewMailWatch | null = null;
  private unread = -1;
  private quitting = false;
  private readonly stops: (() => void)[] = [];

  constructor(options: DesktopControllerOptions) {
    this.o = options;
  }

  /** Closing the window hides it (sync and the server go on) instead of quitting. */
  keepsRunningWhenClosed(): boolean {
    return this.o.settings.get('desktop.keepRunningWhenClosed') ?? this.o.serverRunning;
  }

  /**
   * Takes the single-instance lock and sets everything up. False when another Hearth already
   * runs: that one has been handed this launch's links and files, and this one must quit.
   */
  start(): boolean {
    const p = this.o.platform;
    if (!p.requestSingleInstanceLock()) return false;
    p.onSecondInstance((argv, cwd) => {
      this.reveal();
      this.handleLaunch(parseLaunchArgs(argv, cwd));
    });
    p.onOpenUrl((url) => this.openUrl(url));
    p.onOpenFile((file) => this.openFile(file));
    if (!p.setAsDefaultProtocolClient('mailto')) this.o.log.info('the system kept another mailto: handler', {});

    this.newMail = new NewMailWatch(this.o.newMail, () => this.o.now());
    this.window = p.createMainWindow(fitToDisplays(loadWindowState(this.o.dataDir, this.o.log), p.displayWorkAreas()));
    const win = this.window;
    win.onStateChange(() => this.saveWindow());
    win.onCloseRequest((preventClose) => {
      this.saveWindow();
      if (this.quitting || !this.keepsRunningWhenClosed()) return this.quit();
      preventClose();
      win.hide();
    });

    p.setApplicationMenu(applicationMenu(p.os));
    p.onMenuCommand((id) => this.command(id));
    this.updateTray();
    this.applySettings(this.o.settings.all());
    this.stops.push(this.o.settings.onChange((all) => this.applySettings(all)));
    this.stops.push(this.o.onCacheChanged(() => this.cacheChanged()));

    this.handleLaunch(parseLaunchArgs(this.o.argv, this.o.cwd));
    return true;
  }

  /** Shows the main window in front (tray click, second launch, notification click). */
  reveal(): void {
    this.window?.reveal();
  }

  /** Quits for good: from the tray, the menu, or closing the window when nothing runs in the background. */
  quit(): void {
    if (this.quitting) return;
    this.beforeQuit();
    this.o.platform.quit();
  }

  /** The shell is quitting (also by the system's own Quit, e.g. Cmd+Q): remember the window, let it close. */
  beforeQuit(): void {
    if (this.quitting) return;
    this.quitting = true;
    this.saveWindow();
    for (const stop of this.stops.splice(0)) stop();
  }

  /** A mailto: link (launch argument, second launch, macOS open-url). */
  openUrl(url: string): void {
    try {
      const draft = parseMailto(url);
      this.o.intents.push({ kind: 'compose', draft });
      this.reveal();
    } catch (e) {
      this.o.log.warn('ignored a link Hearth cannot open', { reason: (e as Error).message });
    }
  }

  /** A message file (launch argument, second launch, macOS open-file): a reader window for it. */
  openFile(file: string): void {
    if (!/\.eml$/i.test(file)) {
      this.o.log.warn('ignored a file that is not a message (.eml)', {});
      return;
    }
    const id = this.o.emlFiles.register(file);
    this.o.platform.openReaderWindow(id, file.split(/[\\/]/).pop() ?? 'Message');
  }

  private handleLaunch(req: LaunchRequest): void {
    for (const url of req.mailto) this.openUrl(url);
    for (const file of req.emlFiles) this.openFile(file);
  }

  private command(id: string): void {
    if (id === MAIN_COMMANDS.open) return this.reveal();
    if (id === MAIN_COMMANDS.quit) return this.quit();
    if (id === MAIN_COMMANDS.checkMail) {
      void this.o.checkMail().catch((e: unknown) => this.o.log.warn('check mail failed', { error: e }));
      return;
    }
    const command = MenuCommand.safeParse(id);
    if (!command.success) return this.o.log.warn('unknown menu command', { id });
    this.reveal();
    this.o.intents.push({ kind: 'command', command: command.data });
  }

  private applySettings(all: Settings): void {
    this.o.platform.setOpenAtLogin(all['desktop.startAtLogin']);
  }

  private saveWindow(): void {
    if (!this.window) return;
    try {
      saveWindowState(this.o.dataDir, this.window.state());
    } catch (e) {
      this.o.log.warn('could not save the window state', { error: e });
    }
  }

  private updateTray(): void {
    const unread = this.o.unreadCount();
    if (unread === this.unread) return;
    this.unread = unread;
    this.o.platform.setTray({ tooltip: unread > 0 ? `Hearth — ${unread} unread` : 'Hearth', unread, menu: trayMenu() });
  }

  private cacheChanged(): void {
    this.updateTray();
    const notices = this.newMail?.check() ?? [];
    if (!this.o.settings.get('desktop.notifyNewMail')) return;
    for (const n of notices) {
      if (n.kind === 'message') {
        const id = n.message.id;
        this.o.platform.notify({
          title: senderName(n.message),
          body: n.message.subject || '(no subject)',
          onClick: () => this.openMessage(id),
        });
      } else {
        this.o.platform.notify({ title: 'Hearth', body: `${n.count} new messages`, onClick: () => this.openMessage(n.newestId) });
      }
    }
  }

  private openMessage(messageId: number): void {
    this.reveal();
    this.o.intents.push({ kind: 'openMessage', messageId });
  }
}
