// The household IMAP server: plain with STARTTLS, or implicit TLS, on one listener.
import net from 'node:net';
import tls from 'node:tls';
import type { ListenOptions, RunningListener, ServerContext } from '../context.ts';
import { imapServerLimits } from '../../base/limits.ts';
import { ImapSession } from './session.ts';
import type { SessionShared } from './session.ts';
import { StructureCache } from './message-structure-cache.ts';

export async function startImapServer(ctx: ServerContext, opts: ListenOptions): Promise<RunningListener> {
  const secureContext = tls.createSecureContext({ key: ctx.tls.key, cert: ctx.tls.cert, minVersion: 'TLSv1.2' });
  const shared: SessionShared = {
    ctx,
    secureContext,
    structures: new StructureCache(imapServerLimits.structureCacheEntries, imapServerLimits.maxParsedMessageBytes),
  };
  const sessions = new Set<ImapSession>();
  const log = ctx.log.child({ listener: 'imap', implicitTls: opts.implicitTls });

  const onSocket = (socket: net.Socket, secure: boolean) => {
    try {
      socket.setNoDelay(true);
      const session = new ImapSession(shared, socket, secure);
      sessions.add(session);
      log.debug('imap connection', { session: session.id, remote: socket.remoteAddress });
      socket.once('close', () => {
        sessions.delete(session);
        log.debug('imap connection closed', { session: session.id });
      });
      session.start();
    } catch (err) {
      log.error('imap connection setup failed', { err });
      socket.destroy();
    }
  };

  const server: net.Server = opts.implicitTls
    ? tls.createServer({ key: ctx.tls.key, cert: ctx.tls.cert, minVersion: 'TLSv1.2' }, (s) => onSocket(s, true))
    : net.createServer((s) => onSocket(s, false));
  server.on('tlsClientError', (err) => log.debug('imap tls handshake failed', { err }));
  server.on('error', (err) => log.error('imap listener error', { err }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  log.info('imap listening', { host: opts.host, port });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) {
          s.send(['* BYE Server shutting down\r\n']);
          s.close();
        }
        server.close(() => resolve());
      }),
  };
}
