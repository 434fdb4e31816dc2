// The Electron shell: the only module that imports `electron`. It creates a locked-down window,
// wires IPC to the same dispatcher the web host uses, and seals passwords with safeStorage.
import { app, BrowserWindow, ipcMain, safeStorage, session, shell, Notification, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
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
import { isAllowedExternalUrl, isTrustedRendererUrl } from './navigation.ts';

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
let window: BrowserWindow | null = null;

function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? `file://${path.join(import.meta.dirname, '../renderer/index.html')}`;
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    show: false,
    title: 'Hearth',
    backgroundColor: '#1b1a19',
    // Linux takes the window icon from here (electron-builder puts it beside app.asar).
    ...(app.isPackaged && process.platform === 'linux' ? { icon: path.join(process.resourcesPath, 'icon.png') } : {}),
    webPreferences: {
      preload: path.join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  // Nothing navigates the app window away, and nothing opens a new Electron window: links go to
  // the user's browser, and only for https and mailto.
  win.webContents.on('will-navigate', (e, url) => {
    if (!isTrustedRendererUrl(url, rendererUrl())) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadURL(rendererUrl());
  return win;
}

function senderIsTrusted(e: IpcMainInvokeEvent | IpcMainEvent): boolean {
  const frame = e.senderFrame;
  return Boolean(
    window && e.sender === window.webContents && frame && frame === window.webContents.mainFrame && isTrustedRendererUrl(frame.url, rendererUrl()),
  );
}

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
  const { dispatch, events } = running.services;

  for (const name of methodNames) {
    ipcMain.handle(IPC_CALL_PREFIX + name, async (e, args: unknown) => {
      if (!senderIsTrusted(e)) return { ok: false, error: { code: 'UNAUTHORIZED_CALLER', message: 'Untrusted sender' } };
      return dispatch(name, args);
    });
  }
  registerDragOut(ipcMain, {
    dispatch,
    trusted: senderIsTrusted,
    tempDir: path.join(app.getPath('temp'), `hearth-drag-${process.pid}`),
    icon: app.isPackaged ? path.join(process.resourcesPath, 'icon.png') : path.join(import.meta.dirname, '../../resources/icon.png'),
    log,
  });
  events.subscribe((event, payload) => {
    window?.webContents.send(IPC_EVENT_CHANNEL, event, payload);
    if (event === 'notice' && Notification.isSupported()) new Notification({ title: 'Hearth', body: (payload as { message: string }).message }).show();
  });

  window = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createWindow();
  });
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Quit waits (within the stop deadline) for the services and the household server to stop
// cleanly: listeners closed, sessions finished or cut, stores flushed.
let quitting = false;
app.on('before-quit', (e) => {
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
