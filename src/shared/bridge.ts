// The shape the Electron preload exposes on `window.hearthBridge`: one function per API method
// (each its own IPC channel, validated in main) plus one event subscription.
import type { ArgsOf, EventName, EventOf, MethodName, ResultOf } from './api.ts';

export type BridgeMethods = { [M in MethodName]: (args: ArgsOf<M>) => Promise<BridgeOutcome<ResultOf<M>>> };

/** IPC cannot carry Error subclasses faithfully, so outcomes travel as data. */
export type BridgeOutcome<T> = { ok: true; result: T } | { ok: false; error: import('./errors.ts').ErrorPayload };

export interface HearthBridge {
  methods: BridgeMethods;
  onEvent(listener: <E extends EventName>(event: E, payload: EventOf<E>) => void): () => void;
  /** Drags a message out of the window as an .eml file (Electron's webContents.startDrag). */
  startDrag?(messageId: number): void;
}

export const IPC_CALL_PREFIX = 'hearth:call:';
export const IPC_EVENT_CHANNEL = 'hearth:event';
export const IPC_DRAG_CHANNEL = 'hearth:drag-message';
