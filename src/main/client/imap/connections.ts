// The connections of one IMAP account, one per role, opened on demand and shared by callers
// that ask while one is being opened:
// - `sync` for folder syncs and background bodies,
// - `user` for what the user waits on (opening a message, replaying actions, folder changes),
// - `idle` parked in IDLE on the inbox (RFC 2177).
// A long first sync on `sync` therefore never blocks reading or an action.
import type { ImapFlow } from 'imapflow';
import { HearthError } from '../../../shared/errors.ts';
import type { Logger } from '../../base/log.ts';
import { toNetworkError } from '../../base/net.ts';
import type { IncomingSettings } from '../mail-account.ts';
import { connectImap } from './connect.ts';

export type ConnectionRole = 'sync' | 'user' | 'idle';

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

  private onClose(role: ConnectionRole, c: ImapFlow): void {
    if (this.conns.get(role) !== c) return;
    this.conns.delete(role);
    if (this.closed) return;
    this.o.log.info('connection closed', { accountId: this.o.accountId, role });
    this.o.onLost(role);
  }

  /** Logs every connection out; no new one opens after this. */
  async close(): Promise<void> {
    this.closed = true;
    const conns = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(conns.map((c) => c.logout().catch(() => c.close())));
  }
}
