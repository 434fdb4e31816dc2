// The connections of one IMAP account, one per role, opened on demand and shared by callers
// that ask while one is being opened:
// - `sync` for folder syncs,
// - `user` for what the user waits on (opening a message, replaying actions, folder changes),
// - `idle` parked in IDLE on the inbox (RFC 2177),
// - `background` for offline copies and the search index's text (background-fetch.ts), open
//   only while that work runs.
// imapflow runs one command at a time per connection, so a long first sync or a background
// download never puts a command the user waits on behind its own.
import type { ImapFlow } from 'imapflow';
import { HearthError } from '../../../shared/errors.ts';
import type { Logger } from '../../base/log.ts';
import { toNetworkError } from '../../base/net.ts';
import type { IncomingSettings } from '../mail-account.ts';
import { connectImap } from './connect.ts';

export type ConnectionRole = 'sync' | 'user' | 'idle' | 'background';

export interface ImapConnectionsOptions {
  accountId: string;
  settings: IncomingSettings;
  /** Use QRESYNC where the server offers it. */
  qresync: boolean;
  log: Logger;
  /** A connection in use went away (server, network); not called after close(). */
  onLost(role: ConnectionRole): void;
}

export class ImapConnections {
  private readonly conns = new Map<ConnectionRole, ImapFlow>();
  private readonly connecting = new Map<ConnectionRole, Promise<ImapFlow>>();
  private closed = false;
  private readonly o: ImapConnectionsOptions;

  constructor(options: ImapConnectionsOptions) {
    this.o = options;
  }

  /** The role's connection: the open one, the one being opened, or a new one. */
  get(role: ConnectionRole): Promise<ImapFlow> {
    if (this.closed) return Promise.reject(new HearthError('OFFLINE', 'Account is closed'));
    const existing = this.conns.get(role);
    if (existing?.usable) return Promise.resolve(existing);
    let pending = this.connecting.get(role);
    if (!pending) {
      pending = connectImap(this.o.settings, { qresync: this.o.qresync })
        .then((c) => {
          if (this.closed) {
            c.close();
            throw new HearthError('OFFLINE', 'Account is closed');
          }
          this.conns.set(role, c);
          c.on('close', () => this.onClose(role, c));
          return c;
        })
        .catch((e: unknown) => {
          throw toNetworkError(e, this.o.settings.host, this.o.settings.port);
        })
        .finally(() => this.connecting.delete(role));
      this.connecting.set(role, pending);
    }
    return pending;
  }

  /** True if the role has a usable connection now. */
  usable(role: ConnectionRole): boolean {
    return this.conns.get(role)?.usable === true;
  }

  /** True if the role's connection is being opened. */
  opening(role: ConnectionRole): boolean {
    return this.connecting.has(role);
  }

  /** True while the role's connection sits in IDLE. */
  idling(role: ConnectionRole): boolean {
    return this.conns.get(role)?.idling === true;
  }

  /** Closes the role's connection (e.g. one the server may have dropped meanwhile); the next get() opens a fresh one. */
  discard(role: ConnectionRole): void {
    this.conns.get(role)?.close();
    this.conns.delete(role);
  }

  /** Logs the role's connection out when its work is done (not a loss: onLost is not called); the next get() opens a fresh one. */
  async release(role: ConnectionRole): Promise<void> {
    const c = this.conns.get(role);
    if (!c) return;
    this.conns.delete(role);
    await c.logout().catch(() => c.close());
  }

  private onClose(role: ConnectionRole, c: ImapFlow): void {
    if (this.conns.get(role) !== c) return;
    this.conns.delete(role);
    if (this.closed) return;
    this.o.log.info('connection closed', { accountId: this.o.accountId, role });
    this.o.onLost(role);
  }

  /**
   * Logs every connection out; no new one opens after this. The background connection is closed
   * at once: its LOGOUT would wait behind a FETCH whose result nobody wants any more.
   */
  async close(): Promise<void> {
    this.closed = true;
    const conns = [...this.conns.entries()];
    this.conns.clear();
    await Promise.all(conns.map(([role, c]) => (role === 'background' ? c.close() : c.logout().catch(() => c.close()))));
  }
}
