// The household POP3 server: plain with STLS, or implicit TLS (POP3S), on one listener.
import net from 'node:net';
import tls from 'node:tls';
import type { ListenOptions, RunningListener, ServerContext } from '../context.ts';
import { Pop3Session } from './session.ts';
import type { Pop3ServerOptions, Pop3SessionShared } from './session.ts';

export type { Pop3ServerOptions } from './session.ts';

export async function startPop3Server(ctx: ServerContext, opts: ListenOptions, options: Pop3ServerOptions = {}): Promise<RunningListener> {
  const tlsOptions = { key: ctx.tls.key, cert: ctx.tls.cert, minVersion: 'TLSv1.2' as const };
  const log = ctx.log.child({ listener: 'pop3', implicitTls: opts.implicitTls });
  const shared: Pop3SessionShared = { ctx, secureContext: tls.createSecureContext(tlsOptions), options, log };
  const sockets = new Set<net.Socket>();

  const onSocket = (socket: net.Socket, secure: boolean) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // reported by the session; never fatal for the listener
    socket.setNoDelay(true);
    const session = new Pop3Session(shared, socket, secure);
    void session.run();
  };

  const server: net.Server = opts.implicitTls ? tls.createServer(tlsOptions, (s) => onSocket(s, true)) : net.createServer((s) => onSocket(s, false));
  server.on('tlsClientError', (e) => log.debug('pop3 tls handshake failed', { err: e }));
  server.on('error', (e) => log.error('pop3 listener error', { err: e }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  log.info('pop3 listening', { host: opts.host, port });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Sessions end without UPDATE: nothing marked for deletion is removed.
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
