// Dragging a message out of the window in Electron: the renderer asks over IPC, main writes the
// message's exact bytes to an .eml file in a private temp folder and hands it to the OS drag
// (webContents.startDrag), so it can be dropped on the desktop or into a file manager.
import type { IpcMain, IpcMainEvent, NativeImage } from 'electron';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { IPC_DRAG_CHANNEL } from '../../shared/bridge.ts';
import type { Dispatch } from '../api/dispatcher.ts';
import type { Logger } from '../base/log.ts';

export interface DragOutOptions {
  dispatch: Dispatch;
  /** The same check as for API calls: only the app's own window may ask. */
  trusted(e: IpcMainEvent): boolean;
  /** Folder for the dragged files; emptied when registered (files of an earlier run). */
  tempDir: string;
  icon: NativeImage | string;
  log: Logger;
}

export function registerDragOut(ipc: Pick<IpcMain, 'on'>, o: DragOutOptions): void {
  rmSync(o.tempDir, { recursive: true, force: true });
  mkdirSync(o.tempDir, { recursive: true, mode: 0o700 });
  ipc.on(IPC_DRAG_CHANNEL, (e: IpcMainEvent, messageId: unknown) => {
    if (!o.trusted(e) || typeof messageId !== 'number' || !Number.isSafeInteger(messageId)) return;
    void (async () => {
      const out = await o.dispatch('messages.source', { messageId });
      if (!out.ok) return o.log.warn('drag out failed', { messageId, code: out.error.code });
      const { filename, contentBase64 } = out.result as { filename: string; contentBase64: string };
      // One folder per drag: the file keeps the message's own name even when two are alike.
      const file = path.join(mkdtempSync(path.join(o.tempDir, 'm-')), filename);
      await writeFile(file, Buffer.from(contentBase64, 'base64'), { mode: 0o600 });
      e.sender.startDrag({ file, icon: o.icon });
    })().catch((err: Error) => o.log.warn('drag out failed', { messageId, error: err.message }));
  });
}
