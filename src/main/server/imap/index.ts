// The household IMAP server: plain with STARTTLS, or implicit TLS, on one listener.
import type { ListenOptions, RunningListener, ServerContext } from '../context.ts';
import { imapServerLimits } from '../../base/limits.ts';
import { startTcpListener } from '../listener.ts';
import { liveCertificateOf } from '../live-certificate.ts';
import { ImapSession } from './session.ts';
import type { SessionShared } from './session.ts';
import { StructureCache } from './message-structure-cache.ts';

/** What the server keeps parsed in memory, and how long IDLE gathers changes (tests change them). */
export interface ImapServerTuning {
  structureCacheEntries: number;
  maxParsedMessageBytes: number;
  envelopeCacheBytes: number;
  idleNotifyDelayMs: number;
}

export async function startImapServer(ctx: ServerContext, opts: ListenOptions, tuning: ImapServerTuning = imapServerLimits): Promise<RunningListener> {
  const certificate = liveCertificateOf(ctx);
  const shared: SessionShared = {
    ctx,
    // Read at each STARTTLS: a renewed certificate serves the next upgrade.
    get secureContext() {
      return certificate.secureContext();
    },
    structures: new StructureCache(tuning.structureCacheEntries, tuning.maxParsedMessageBytes, tuning.envelopeCacheBytes),
    idleNotifyDelayMs: tuning.idleNotifyDelayMs,
  };
  const log = ctx.log.child({ listener: 'imap', implicitTls: opts.implicitTls });

  return startTcpListener({
    name: 'imap',
    ctx,
    listen: opts,
    log,
    onConnection(socket, secure) {
      try {
        const session = new ImapSession(shared, socket, secure);
        log.debug('imap connection', { session: session.id, remote: socket.remoteAddress });
        socket.once('close', () => log.debug('imap connection closed', { session: session.id }));
        session.start();
        return () => {
          session.send(['* BYE Server shutting down\r\n']);
          session.close();
        };
      } catch (err) {
        log.error('imap connection setup failed', { err });
        socket.destroy();
      }
    },
  });
}
