// The only bridge between the sandboxed renderer and main: one function per API method, each on
// its own IPC channel, plus one event subscription. No Node or Electron object is exposed.
import { contextBridge, ipcRenderer } from 'electron';
import { methodNames } from '../shared/api.ts';
import { IPC_CALL_PREFIX, IPC_DRAG_CHANNEL, IPC_EVENT_CHANNEL, type BridgeMethods, type HearthBridge } from '../shared/bridge.ts';

const methods = Object.fromEntries(
  methodNames.map((name) => [name, (args: unknown) => ipcRenderer.invoke(IPC_CALL_PREFIX + name, args)]),
) as unknown as BridgeMethods;

const bridge: HearthBridge = {
  methods,
  onEvent(listener) {
    const handler = (_e: unknown, event: string, payload: unknown) => (listener as (e: string, p: unknown) => void)(event, payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => ipcRenderer.off(IPC_EVENT_CHANNEL, handler);
  },
  startDrag(messageId) {
    ipcRenderer.send(IPC_DRAG_CHANNEL, messageId);
  },
};

contextBridge.exposeInMainWorld('hearthBridge', bridge);
