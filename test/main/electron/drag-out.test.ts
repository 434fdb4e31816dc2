// Dragging a message out in Electron: main writes the exact bytes under the message's file name and
// starts the native drag for the app's own window only. Electron cannot run here: the IPC and the
// sender are stand-ins with the same shape.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { IpcMainEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { registerDragOut } from '../../../src/main/electron/drag-out.ts';
import { IPC_DRAG_CHANNEL } from '../../../src/shared/bridge.ts';
import { silentLogger } from '../../../src/main/base/log.ts';
import { corpusMessage } from '../../support/corpus.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { waitFor } from '../../support/wait.ts';

function setUp(trusted: boolean) {
  const raw = corpusMessage('legacy-000.eml');
  let handler: ((e: IpcMainEvent, id: unknown) => void) | null = null;
  const drags: Array<{ file: string; icon: unknown }> = [];
  const asked: unknown[] = [];
  const dir = path.join(tempDir('drag'), 'drag');
  registerDragOut(
    { on: ((channel: string, h: typeof handler) => ((handler = channel === IPC_DRAG_CHANNEL ? h : handler), undefined)) as never },
    {
      dispatch: async (method, args) =>
        asked.push(args) && method === 'messages.source' && (args as { messageId: number }).messageId === 3
          ? { ok: true, result: { filename: '2024-01-02 0304 Hello.eml', contentBase64: raw.toString('base64') } }
          : { ok: false, error: { code: 'NOT_FOUND', message: 'No such message' } },
      trusted: () => trusted,
      tempDir: dir,
      icon: '/icon.png',
      log: silentLogger,
    },
  );
  const send = (id: unknown) => handler!({ sender: { startDrag: (d: { file: string; icon: unknown }) => drags.push(d) } } as unknown as IpcMainEvent, id);
  return { raw, drags, send, dir, asked };
}

describe('drag out in Electron', () => {
  it('writes the message as an .eml file and starts the drag with it', async () => {
    const { raw, drags, send, dir } = setUp(true);
    send(3);
    await waitFor(() => drags.length === 1, 5000, 'startDrag');
    expect(path.basename(drags[0]!.file)).toBe('2024-01-02 0304 Hello.eml');
    expect(drags[0]!.file.startsWith(dir + path.sep)).toBe(true);
    expect(readFileSync(drags[0]!.file).equals(raw)).toBe(true);
    expect(drags[0]!.icon).toBe('/icon.png');
  });

  it('ignores untrusted senders, bad ids and missing messages', async () => {
    const untrusted = setUp(false);
    untrusted.send(3);
    const bad = setUp(true);
    bad.send('3');
    expect(untrusted.asked.length + bad.asked.length).toBe(0);
    bad.send(99);
    expect(bad.asked).toEqual([{ messageId: 99 }]);
    await new Promise((r) => setImmediate(r)); // the refusal has been handled
    expect(untrusted.drags.length + bad.drags.length).toBe(0);
    expect(existsSync(untrusted.dir)).toBe(true);
  });
});
