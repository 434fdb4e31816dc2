// The Electron shell: with electron-platform.ts the only code that imports `electron`. It wires
// IPC to the same dispatcher the web host uses, seals passwords with safeStorage, and hands the
// desktop behaviour (tray, menus, single instance, mailto:, .eml, notifications) to
// DesktopController through ElectronPlatform.
import { app, ipcMain, safeStorage, session, Notification, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import { registerDragOut } from './drag-out.ts';
import path from 'node:path';
import { methodNames } from '../../shared/api.ts';
import { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL } from '../../shared/bridge.ts';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts';
import { HearthError } from '../../shared/errors.ts';
import { createFileLogger } from '../base/log-file.ts';
import { stopWithin } from '../base/graceful-stop.ts';
import { startApp, type RunningApp } from '../app.ts';
import type { SecretBox } from '../base/secret-box.ts';
import type { DesktopController } from '../desktop/desktop-controller.ts';
import { startDesktop } from '../desktop-app.ts';
import { isTrustedRendererUrl } from './navigation.ts';
import { ElectronPlatform } from './electron-platform.ts';
import { favourSmallHeap } from '../base/small-heap.ts';

// Before any work: main's heap stays near what is live (see small-heap.ts).
favourSmallHeap();

// The JSON log goes to DATA/logs/hearth.log (the Server panel shows where); HEARTH_VERBOSE=1 or
// --verbose also prints it on standard error.
const logging = createFileLogger({
  dataDir: app.getPath('userData'),
  verbose: process.argv.includes('--verbose') || process.env.HEARTH_VERBOSE === '1',
  base: { host: 'electron' },
});
const log = logging.log;

class SafeStorageSecretBox implements SecretBox {
  readonly kind = 'safe-storage';
  seal(plain: string): string {
    if (!safeStorage.isEncryptionAvailable()) throw new HearthError('STORAGE', 'The system keychain is not available to protect passwords');
    return `${this.kind}:${safeStorage.encryptString(plain).toString('base64')}`;
  }
  open(sealed: string): string {
    return safeStorage.decryptString(Buffer.from(sealed.slice(this.kind.length + 1), 'base64'));
  }
}

let running: RunningApp | null = null;
let platform: ElectronPlatform | null = null;
let controller: DesktopController | null = null;

function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? `file://${path.join(import.meta.dirname, '../renderer/index.html')}`;
}

const webPreferences = {
  preload: path.join(import.meta.dirname, '../preload/index.cjs'),
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: true,
};

/** The main window may call every method; a reader window only reads its own message file. */
function callerAllowed(e: IpcMainInvokeEvent | IpcMainEvent, method: string, args: unknown): boolean {
  const frame = e.senderFrame;
  if (!platform || !frame || !isTrustedRendererUrl(frame.url, rendererUrl())) return false;
  const main = platform.mainWindow;
  if (main && !main.isDestroyed() && e.sender === main.webContents) return frame === main.webContents.mainFrame;
  for (const [win, fileId] of platform.readerWindows) {
    if (e.sender === win.webContents && frame === win.webContents.mainFrame) return method === 'eml.read' && (args as { fileId?: unknown })?.fileId === fileId;
  }
  return false;
}

// A second launch hands its mailto: link or .eml file to the first and quits at once, before
// starting any service (the first already holds the data folder and the server's ports).
if (!app.requestSingleInstanceLock()) {
  app.exit(0);
} else {
  app.whenReady().then(async () => {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });
    session.defaultSession.setPermissionRequestHandler((_wc, permission, cb) => cb(permission === 'notifications'));

    running = await startApp({
      dataDir: app.getPath('userData'),
      host: 'electron',
      version: app.getVersion(),
      secrets: new SafeStorageSecretBox(),
      log,
      logFile: logging.file,
      embeddedServer: true,
    });
    const app_ = running;
    const { dispatch, events } = app_.services;

    for (const name of methodNames) {
      ipcMain.handle(IPC_CALL_PREFIX + name, async (e, args: unknown) => {
        if (!callerAllowed(e, name, args)) return { ok: false, error: { code: 'UNAUTHORIZED_CALLER', message: 'Untrusted sender' } };
        return dispatch(name, args);
      });
    }

    // Dragging a message out needs its source: allowed to whoever may read messages' sources.
    registerDragOut(ipcMain, {
      dispatch,
      trusted: (e) => callerAllowed(e, 'messages.source', {}),
      tempDir: path.join(app.getPath('temp'), `hearth-drag-${process.pid}`),
      icon: app.isPackaged ? path.join(process.resourcesPath, 'icon.png') : path.join(import.meta.dirname, '../../resources/icon.png'),
      log,
    });

    platform = new ElectronPlatform({
      rendererUrl: rendererUrl(),
      webPreferences,
      iconPath: app.isPackaged ? path.join(process.resourcesPath, 'icon.png') : path.join(import.meta.dirname, '../../resources/icon.png'),
      startHidden: process.argv.includes('--hidden') || app.getLoginItemSettings().wasOpenedAtLogin,
    });
    controller = startDesktop(app_, platform, {
      dataDir: app.getPath('userData'),
      argv: process.argv,
      cwd: process.cwd(),
      log: log.child({ part: 'desktop' }),
    });

    events.subscribe((event, payload) => {
      const main = platform?.mainWindow;
      if (main && !main.isDestroyed()) main.webContents.send(IPC_EVENT_CHANNEL, event, payload);
      if (event === 'notice' && Notification.isSupported()) new Notification({ title: 'Hearth', body: (payload as { message: string }).message }).show();
    });
    app.on('activate', () => controller?.reveal());
  });
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

// With "keep running when closed" the main window only hides; otherwise the controller quits.
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin' && !controller) app.quit();
});

// Quit waits (within the stop deadline) for the services and the household server to stop
// cleanly: listeners closed, sessions finished or cut, stores flushed.
let quitting = false;
app.on('before-quit', (e) => {
  // Cmd+Q, the tray and the menu all end here: closing the window must no longer just hide it.
  controller?.beforeQuit();
  if (quitting || !running) return;
  quitting = true;
  e.preventDefault();
  const stopping = running;
  running = null;
  void stopWithin(() => stopping.close(), log).then((clean) => {
    logging.close();
    app.exit(clean ? 0 : 1);
  });
});
