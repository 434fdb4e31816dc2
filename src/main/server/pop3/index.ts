// The household POP3 server: plain with STLS, or implicit TLS (POP3S), on one listener.
import type { ListenOptions, RunningListener, ServerContext } from '../context.ts';
import { startTcpListener } from '../listener.ts';
import { liveCertificateOf } from '../live-certificate.ts';
import { Pop3Session } from './session.ts';
import type { Pop3ServerOptions, Pop3SessionShared } from './session.ts';

export type { Pop3ServerOptions } from './session.ts';

export async function startPop3Server(ctx: ServerContext, opts: ListenOptions, options: Pop3ServerOptions = {}): Promise<RunningListener> {
  const log = ctx.log.child({ listener: 'pop3', implicitTls: opts.implicitTls });
  const certificate = liveCertificateOf(ctx);
  const shared: Pop3SessionShared = {
    ctx,
    // Read at each STLS: a renewed certificate serves the next upgrade.
    get secureContext() {
      return certificate.secureContext();
    },
    options,
    log,
  };

  return startTcpListener({
    name: 'pop3',
    ctx,
    listen: opts,
    log,
    onConnection(socket, secure) {
      socket.on('error', () => {}); // reported by the session; never fatal for the listener
      void new Pop3Session(shared, socket, secure).run();
      // Sessions end without UPDATE: nothing marked for deletion is removed.
      return () => socket.destroy();
    },
  });
}
