// One TCP listener for a household server protocol (IMAP, POP3): plain (upgraded later with
// STARTTLS/STLS) or implicit TLS (RFC 8314) with TLS 1.2 minimum. It tracks the connections it
// accepted so close() can end them, and listenOn() is the listen step the SMTP listeners share.
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../base/log.ts';
import type { ListenOptions, RunningListener, ServerContext } from './context.ts';
import { serverTlsOptions } from './tls.ts';
import { followCertificate, liveCertificateOf } from './live-certificate.ts';

export interface TcpListenerOptions {
  /** Protocol name for log lines ("imap", "pop3"). */
  name: string;
  ctx: ServerContext;
  listen: ListenOptions;
  log: Logger;
  /**
   * Starts a session on an accepted socket (`secure`: TLS from the first byte). Returns how to
   * end it when the listener closes; nothing when the socket was refused.
   */
  onConnection(socket: net.Socket, secure: boolean): (() => void) | void;
}

/** Binds `server` to host:port; resolves with the port bound (the real one for port 0). */
export async function listenOn(server: net.Server, opts: ListenOptions): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : opts.port;
}

export async function startTcpListener(opts: TcpListenerOptions): Promise<RunningListener> {
  const { name, log } = opts;
  const open = new Map<net.Socket, () => void>();
  const accept = (socket: net.Socket, secure: boolean) => {
    socket.setNoDelay(true);
    const end = opts.onConnection(socket, secure);
    if (!end) return;
    open.set(socket, end);
    socket.once('close', () => open.delete(socket));
  };
  const certificate = liveCertificateOf(opts.ctx);
  let stopFollowing = () => {};
  let server: net.Server;
  if (opts.listen.implicitTls) {
    const tlsServer = tls.createServer(serverTlsOptions(certificate.current()), (s) => accept(s, true));
    stopFollowing = followCertificate(certificate, tlsServer);
    server = tlsServer;
  } else {
    server = net.createServer((s) => accept(s, false));
  }
  server.on('tlsClientError', (err) => log.debug(`${name} tls handshake failed`, { err }));
  server.on('error', (err) => log.error(`${name} listener error`, { err }));
  const port = await listenOn(server, opts.listen);
  log.info(`${name} listening`, { host: opts.listen.host, port });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        stopFollowing();
        for (const end of open.values()) end();
        server.close(() => resolve());
      }),
  };
}
