// Picks how the UI talks to main: the Electron preload bridge when present, else the browser
// host's WebSocket. Both expose the same HearthApi; results are validated against the contract.
import {
  events as eventSchemas,
  methods,
  type ArgsOf,
  type EventName,
  type EventOf,
  type HearthApi,
  type MethodName,
  type ResultOf,
} from '../../../shared/api.ts';
import type { HearthBridge } from '../../../shared/bridge.ts';
import { HearthError, type ErrorPayload } from '../../../shared/errors.ts';

export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface Transport extends HearthApi {
  readonly kind: 'electron' | 'web';
  state(): ConnectionState;
  onState(listener: (s: ConnectionState) => void): () => void;
  /**
   * Starts dragging a message out as an .eml file: in Electron a native file drag (returns true:
   * the caller cancels the DOM drag), in a browser a DownloadURL on the host's download endpoint.
   */
  dragMessageOut?(dataTransfer: DataTransfer, messageId: number, filename: string): boolean;
}

type Listener = (payload: unknown) => void;

class ListenerSet {
  private readonly map = new Map<string, Set<Listener>>();
  add(event: string, l: Listener): () => void {
    const set = this.map.get(event) ?? new Set();
    set.add(l);
    this.map.set(event, set);
    return () => set.delete(l);
  }
  emit(event: string, payload: unknown): void {
    const schema = eventSchemas[event as EventName];
    if (!schema) return;
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return;
    for (const l of this.map.get(event) ?? []) l(parsed.data);
  }
}

function unwrap<M extends MethodName>(method: M, outcome: { ok: true; result: unknown } | { ok: false; error: ErrorPayload }): ResultOf<M> {
  if (!outcome.ok) throw HearthError.fromPayload(outcome.error);
  return methods[method].result.parse(outcome.result) as ResultOf<M>;
}

export function electronTransport(bridge: HearthBridge): Transport {
  const listeners = new ListenerSet();
  bridge.onEvent((event, payload) => listeners.emit(event, payload));
  return {
    kind: 'electron',
    state: () => 'online',
    dragMessageOut(_dataTransfer, messageId) {
      if (!bridge.startDrag) return false;
      bridge.startDrag(messageId);
      return true;
    },
    onState: () => () => {},
    async call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
      const fn = bridge.methods[method] as (a: ArgsOf<M>) => Promise<{ ok: true; result: unknown } | { ok: false; error: ErrorPayload }>;
      return unwrap(method, await fn(args));
    },
    on<E extends EventName>(event: E, listener: (p: EventOf<E>) => void) {
      return listeners.add(event, listener as Listener);
    },
  };
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  method: MethodName;
}

/** Reconnect delays: the first retry is quick (a host restart takes a second or two), then backoff to a ceiling. */
export const RECONNECT_FIRST_MS = 500;
export const RECONNECT_MAX_MS = 10_000;

/**
 * WebSocket transport that reconnects by itself, with backoff and jitter, for as long as the page
 * is open; calls made while offline fail at once with OFFLINE. `token()` is read on every attempt,
 * so a new address pasted into the tab (a new secret in the fragment) is used without a reload.
 */
export function webSocketTransport(url: string, token: () => string, win: Pick<Window, 'addEventListener'> | null = null): Transport {
  const listeners = new ListenerSet();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const pending = new Map<number, Pending>();
  let ws: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let retryMs = RECONNECT_FIRST_MS;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    for (const l of stateListeners) l(s);
  };

  const open = () => {
    retryTimer = null;
    const sock = new WebSocket(url, ['hearth.v1', `hearth.token.${token()}`]);
    ws = sock;
    sock.onopen = () => {
      retryMs = RECONNECT_FIRST_MS;
      setState('online');
    };
    sock.onmessage = (ev) => {
      let frame: { id?: number | null; ok?: boolean; result?: unknown; error?: ErrorPayload; event?: string; payload?: unknown };
      try {
        frame = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (frame.event) return listeners.emit(frame.event, frame.payload);
      if (typeof frame.id !== 'number') return;
      const p = pending.get(frame.id);
      if (!p) return;
      pending.delete(frame.id);
      try {
        p.resolve(unwrap(p.method, frame.ok ? { ok: true, result: frame.result } : { ok: false, error: frame.error! }));
      } catch (e) {
        p.reject(e);
      }
    };
    sock.onclose = () => {
      if (ws !== sock) return;
      ws = null;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new HearthError('OFFLINE', 'Hearth’s background service is not running'));
      }
      setState('offline');
      // Jitter keeps several tabs from knocking on the restarted host in step.
      retryTimer = setTimeout(open, retryMs * (0.75 + Math.random() / 2));
      retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
    };
  };
  /** Try now instead of at the end of the backoff (the network came back, a new secret was pasted). */
  const retryNow = () => {
    if (!retryTimer) return;
    clearTimeout(retryTimer);
    retryMs = RECONNECT_FIRST_MS;
    open();
  };
  open();
  win?.addEventListener('online', retryNow);
  win?.addEventListener('hashchange', () => {
    token(); // stores the pasted secret and clears it from the address bar, even while online
    retryNow();
  });
  win?.addEventListener('visibilitychange', retryNow);

  return {
    kind: 'web',
    dragMessageOut(dataTransfer, messageId, filename) {
      // Chromium saves the URL's content under this name where the drag is dropped (a desktop, a file manager).
      const download = `${location.origin}/download/message/${messageId}?t=${encodeURIComponent(token())}`;
      dataTransfer.setData('DownloadURL', `message/rfc822:${filename.replace(/:/g, ' ')}:${download}`);
      return false;
    },
    state: () => state,
    onState(l) {
      stateListeners.add(l);
      return () => stateListeners.delete(l);
    },
    call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
      if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new HearthError('OFFLINE', 'Hearth’s background service is not running'));
      const id = nextId++;
      return new Promise<ResultOf<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
        ws!.send(JSON.stringify({ id, method, args }));
      });
    },
    on<E extends EventName>(event: E, listener: (p: EventOf<E>) => void) {
      return listeners.add(event, listener as Listener);
    },
  };
}

/**
 * The browser host hands the page its secret in the URL fragment; keep it for reloads and
 * reconnects, hide it from the address bar. Read on every connection attempt, so an address with a
 * new secret pasted into an open tab (a hashchange, no reload) takes effect at once.
 */
function takeToken(): string {
  const fromHash = location.hash.slice(1);
  if (fromHash) {
    sessionStorage.setItem('hearth.token', fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem('hearth.token') ?? '';
}

export function createTransport(): Transport {
  const bridge = (globalThis as { hearthBridge?: HearthBridge }).hearthBridge;
  if (bridge) return electronTransport(bridge);
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`;
  return webSocketTransport(wsUrl, takeToken, window);
}
