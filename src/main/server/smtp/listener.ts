// The one SMTP listener both SMTP services are built on (inbound.ts: the MX; submission.ts:
// RFC 6409 submission), with smtp-server: its options, AUTH PLAIN/LOGIN against the user
// directory, smtp-server's callback hooks turned into async ones whose refusals are
// SmtpReplyErrors, listen and close.
//
// Both: TLS 1.2 minimum (STARTTLS, or implicit TLS on 465), SIZE, 8BITMIME, SMTPUTF8, PIPELINING,
// ENHANCEDSTATUSCODES, no reverse DNS lookup of the client (a DNS query off this machine and a
// delay per connection), no smtp-server logging (Hearth logs itself).

import { serverStopLimits } from '../../base/limits.ts';
import { once } from 'node:events';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { Logger } from '../../base/log.ts';
import type { ListenOptions, RunningListener, ServerContext } from '../context.ts';
import { listenOn } from '../listener.ts';
import { MIN_TLS_VERSION } from '../tls.ts';
import { liveCertificateOf } from '../live-certificate.ts';
import { senderBelongsTo } from '../users/sender.ts';
import { greetWithoutPause } from './greeting.ts';
import { SmtpReplyError } from './reply-error.ts';

/** The SMTP transaction steps a listener handles. */
export type SmtpStage = 'mail' | 'rcpt' | 'data';

export interface SmtpListenerOptions {
  /** For log lines ("smtp", "submission"). */
  name: string;
  ctx: ServerContext;
  listen: ListenOptions;
  log: Logger;
  banner: string;
  /** SIZE (RFC 1870): the largest message accepted, bytes. */
  maxMessageBytes: number;
  maxClients: number;
  socketTimeoutMs: number;
  /** Mail without AUTH (an MX) or only after it (submission). */
  authOptional: boolean;
  /** Offer AUTH PLAIN/LOGIN at all. */
  offerAuth: boolean;
  /** Allow AUTH before STARTTLS (smtp-server answers 538 otherwise); refuseAuth can narrow it. */
  allowInsecureAuth: boolean;
  /** A reply refusing AUTH for this session before credentials are checked, or null to go on. */
  refuseAuth?(session: SMTPServerSession): SmtpReplyError | null;
  /** How long close() lets open connections finish before 421 (default serverStopLimits.smtpCloseMs). */
  closeTimeoutMs?: number;
  /** Greet without smtp-server's 100 ms pause (see greeting.ts). */
  greetWithoutPause?: boolean;
  /** Extra fields for the "listening" log line. */
  listeningDetail?: Record<string, unknown>;

  /** MAIL FROM: resolves to accept; throws an SmtpReplyError to refuse. */
  onMailFrom(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> | void;
  /** RCPT TO: resolves to accept; throws an SmtpReplyError to refuse. */
  onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> | void;
  /** DATA: resolves with the 250 reply text once the message is durable; throws to refuse. */
  onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string>;
  /** The reply for an error a hook threw that is not an SmtpReplyError (log it here). */
  replyForFailure(stage: SmtpStage, err: unknown, session: SMTPServerSession): SmtpReplyError;
}

export interface RunningSmtpListener extends RunningListener {
  server: SMTPServer;
}

/**
 * The envelope sender check for a logged-in user: only their own addresses (RFC 6409 6.1).
 * Throws 553 5.7.1 otherwise.
 */
export async function requireOwnSender(ctx: ServerContext, log: Logger, address: SMTPServerAddress, session: SMTPServerSession, user: string): Promise<void> {
  if (await senderBelongsTo(ctx.users, address.address, user)) return;
  log.warn('sender not owned by the authenticated user', { user, sender: address.address, client: session.remoteAddress });
  throw new SmtpReplyError(553, '5.7.1', `Sender address <${address.address}> does not belong to ${user}`, 'SENDER_NOT_OWNED');
}

export async function startSmtpListener(opts: SmtpListenerOptions): Promise<RunningSmtpListener> {
  const { ctx, log } = opts;
  const refusal = (stage: SmtpStage, err: unknown, session: SMTPServerSession): SmtpReplyError =>
    err instanceof SmtpReplyError ? err : opts.replyForFailure(stage, err, session);

  const certificate = liveCertificateOf(ctx);
  const server = new SMTPServer({
    name: ctx.hostname,
    banner: opts.banner,
    secure: opts.listen.implicitTls,
    key: certificate.current().key,
    cert: certificate.current().cert,
    minVersion: MIN_TLS_VERSION,
    size: opts.maxMessageBytes,
    authOptional: opts.authOptional,
    disabledCommands: opts.offerAuth ? [] : ['AUTH'],
    allowInsecureAuth: opts.allowInsecureAuth,
    authMethods: ['PLAIN', 'LOGIN'],
    disableReverseLookup: true,
    maxClients: opts.maxClients,
    socketTimeout: opts.socketTimeoutMs,
    logger: false,
    closeTimeout: opts.closeTimeoutMs ?? serverStopLimits.smtpCloseMs,

    onAuth(auth, session, callback) {
      const refused = opts.refuseAuth?.(session);
      if (refused) return callback(refused);
      if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') return callback(new SmtpReplyError(504, '5.5.4', 'Unrecognized authentication type'));
      ctx.users
        .authenticate(auth.username ?? '', auth.password ?? '')
        .then((user) => {
          if (!user) {
            log.warn('authentication failed', { client: session.remoteAddress, user: auth.username });
            return callback(new SmtpReplyError(535, '5.7.8', 'Authentication credentials invalid', 'AUTH_FAILED'));
          }
          log.info('authenticated', { client: session.remoteAddress, user: user.address });
          callback(null, { user: user.address });
        })
        .catch((err: unknown) => {
          log.error('authentication error', { err });
          callback(new SmtpReplyError(454, '4.7.0', 'Temporary authentication failure'));
        });
    },

    onMailFrom(address, session, callback) {
      Promise.resolve()
        .then(() => opts.onMailFrom(address, session))
        .then(
          () => callback(),
          (err: unknown) => callback(refusal('mail', err, session)),
        );
    },

    onRcptTo(address, session, callback) {
      Promise.resolve()
        .then(() => opts.onRcptTo(address, session))
        .then(
          () => callback(),
          (err: unknown) => callback(refusal('rcpt', err, session)),
        );
    },

    onData(stream, session, callback) {
      opts.onData(stream, session).then(
        (reply) => callback(null, reply),
        async (err: unknown) => {
          // Read the rest of the message before answering (and before deciding: the stream's
          // sizeExceeded is final only at its end).
          if (!stream.readableEnded) {
            stream.resume();
            await once(stream, 'end').catch(() => {});
          }
          callback(refusal('data', err, session));
        },
      );
    },
  });

  if (opts.greetWithoutPause) greetWithoutPause(server);
  // A renewed certificate serves new connections and STARTTLS upgrades; open sessions keep theirs.
  const stopFollowing = certificate.onReplace((pair) => server.updateSecureContext({ key: pair.key, cert: pair.cert, minVersion: MIN_TLS_VERSION }));
  server.on('error', (err) => log.warn(`${opts.name} connection error`, { err }));

  const port = await listenOn(server.server, opts.listen);
  log.info(`${opts.name} listening`, { host: opts.listen.host, port, implicitTls: opts.listen.implicitTls, ...opts.listeningDetail });
  return {
    port,
    server,
    close: () => {
      stopFollowing();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
