// smtp-server waits a fixed 100 ms after accepting a connection before it sends the 220 greeting
// (SMTPConnection.init(): its "early talker" check). Hearth's inbound listener greets at once:
// every connection, including each one a local client or the relay opens, would otherwise start
// 100 ms late. smtp-server has no option for this, so this module replaces init() on each new
// connection with a copy of it minus the timer. It relies on smtp-server internals (the
// `connections` Set, SMTPConnection#init, #_setListeners, #connectionReady, #send, #name);
// test/main/server/smtp/greeting.test.ts fails when they change, so an upgrade is noticed. When
// they are missing the connection is left alone and keeps the pause.
import type { SMTPServer } from 'smtp-server';

/** The private parts of smtp-server's SMTPConnection the patch uses. */
export interface PatchableConnection {
  init?: () => void;
  _setListeners?: (cb: () => void) => void;
  connectionReady?: () => void;
  send?: (code: number, msg: string, cmd?: unknown) => void;
  name?: string;
}

/** True when `conn` has what the patch needs (exported for the test). */
export function canGreetWithoutPause(conn: PatchableConnection): boolean {
  return typeof conn._setListeners === 'function' && typeof conn.connectionReady === 'function' && typeof conn.send === 'function';
}

/** Makes `server` send its greeting without the 100 ms pause, from the next connection on. */
export function greetWithoutPause(server: SMTPServer): void {
  const maxClients = server.options.maxClients;
  const connections = server.connections as Set<unknown>;
  const add = connections.add.bind(connections);
  connections.add = (conn: unknown) => {
    const c = conn as PatchableConnection;
    if (canGreetWithoutPause(c)) {
      // SMTPConnection.init() without its setTimeout(() => this.connectionReady(), 100).
      c.init = () =>
        c._setListeners!(() => {
          if (maxClients && connections.size > maxClients) return c.send!(421, `${c.name} Too many connected clients, try again in a moment`, false);
          c.connectionReady!();
        });
    }
    return add(conn);
  };
}
