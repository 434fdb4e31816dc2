// Authenticated mail submission (RFC 6409 on 587 with STARTTLS, RFC 8314 on 465 with implicit
// TLS) with smtp-server. Every transaction needs AUTH, AUTH needs TLS (plain text only on
// loopback and only when configured), the envelope sender must be one of the user's addresses,
// and accepted mail goes into the relay's queue durably before the 250.
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { ListenOptions, RunningListener, ServerContext } from '../context.ts';
import type { Relay } from '../relay/relay.ts';
import { domainOf } from '../relay/router.ts';
import { senderBelongsTo } from '../users/sender.ts';
import { relayLimits } from '../../base/limits.ts';
import { HearthError } from '../../../shared/errors.ts';

export interface SubmissionOptions {
  /** Allow AUTH without TLS from loopback clients (local tools, tests). Never for other addresses. */
  allowPlainAuthOnLoopback?: boolean;
}

/** The relay that queues submitted mail; set by the server assembly when submission is enabled. */
export type SubmissionContext = ServerContext & { relay?: Relay };

type SmtpReplyError = Error & { responseCode: number };

function reply(code: number, text: string): SmtpReplyError {
  const err = new Error(text) as SmtpReplyError;
  err.responseCode = code;
  return err;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, '');
  return a === '::1' || /^127\./.test(a);
}

export async function startSubmissionServer(ctx: SubmissionContext, opts: ListenOptions & SubmissionOptions): Promise<RunningListener> {
  const relay = ctx.relay;
  if (!relay) throw new HearthError('INTERNAL', 'submission needs the outgoing relay (ServerContext.relay)');
  const log = ctx.log.child({ component: 'submission', port: opts.port, implicitTls: opts.implicitTls });
  const allowPlain = opts.allowPlainAuthOnLoopback === true;

  const server = new SMTPServer({
    name: ctx.hostname,
    banner: 'Hearth mail submission',
    secure: opts.implicitTls,
    key: ctx.tls.key,
    cert: ctx.tls.cert,
    minVersion: 'TLSv1.2',
    size: relayLimits.maxMessageBytes,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    // smtp-server refuses AUTH before STARTTLS unless this is set; when it is, onAuth still
    // refuses everything but loopback clients.
    allowInsecureAuth: allowPlain,
    // The reverse lookup is a DNS query off this machine and a fixed delay per connection.
    disableReverseLookup: true,
    maxClients: relayLimits.submissionMaxClients,
    socketTimeout: relayLimits.submissionSocketTimeoutMs,
    logger: false,

    onAuth(auth, session, callback) {
      if (!session.secure && !(allowPlain && isLoopback(session.remoteAddress))) {
        log.warn('submission: AUTH without TLS refused', { client: session.remoteAddress });
        return callback(reply(538, '5.7.11 Encryption required for requested authentication mechanism'));
      }
      if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') return callback(reply(504, '5.5.4 Unrecognized authentication type'));
      ctx.users
        .authenticate(auth.username ?? '', auth.password ?? '')
        .then((user) => {
          if (!user) {
            log.info('submission: authentication failed', { client: session.remoteAddress, user: auth.username });
            return callback(reply(535, '5.7.8 Authentication credentials invalid'));
          }
          log.info('submission: authenticated', { client: session.remoteAddress, user: user.address });
          callback(null, { user: user.address });
        })
        .catch((err: Error) => {
          log.error('submission: authentication error', { error: err });
          callback(reply(454, '4.7.0 Temporary authentication failure'));
        });
    },

    onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, callback) {
      const user = session.user as string | undefined;
      if (!user) return callback(reply(530, '5.7.0 Authentication required'));
      senderBelongsTo(ctx.users, address.address, user)
        .then((ok) => {
          if (ok) return callback();
          log.warn('submission: sender not owned by user', { user, sender: address.address, client: session.remoteAddress });
          callback(reply(553, `5.7.1 Sender address <${address.address}> does not belong to ${user}`));
        })
        .catch((err: Error) => callback(reply(451, `4.3.0 ${err.message}`)));
    },

    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback) {
      // Never an open relay: without a login nobody gets this far (authOptional is false), and
      // this check stays in case that ever changes.
      if (!session.user) return callback(reply(554, '5.7.1 Relay access denied'));
      if (session.envelope.rcptTo.length >= relayLimits.maxRecipients) return callback(reply(452, '4.5.3 Too many recipients'));
      const rcpt = address.address;
      if (!/^[^@\s]+@[^@\s]+$/.test(rcpt)) return callback(reply(501, '5.1.3 Bad recipient address syntax'));
      if (!ctx.users.isLocalDomain(domainOf(rcpt))) return callback();
      ctx.users
        .resolveRecipient(rcpt)
        .then((targets) => (targets && targets.length ? callback() : callback(reply(550, `5.1.1 <${rcpt}>: no such user here`))))
        .catch((err: Error) => callback(reply(451, `4.3.0 ${err.message}`)));
    },

    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const recipients = session.envelope.rcptTo.map((r) => r.address);
      relay
        .submit({
          from,
          recipients,
          body: stream,
          refuse: () => (stream.sizeExceeded ? new HearthError('MESSAGE_TOO_LARGE') : null),
          trace: {
            authUser: session.user as string,
            clientAddress: session.remoteAddress,
            helo: session.hostNameAppearsAs,
            protocol: session.secure ? 'ESMTPSA' : 'ESMTPA',
          },
        })
        .then((env) => {
          callback(null, `2.0.0 Ok: queued as ${env.id}`);
        })
        .catch((err: Error) => {
          stream.resume();
          if (stream.sizeExceeded || (err instanceof HearthError && err.code === 'MESSAGE_TOO_LARGE')) {
            return callback(reply(552, '5.3.4 Message too big'));
          }
          log.error('submission: could not queue message', { error: err, user: session.user });
          callback(reply(451, '4.3.0 Could not queue the message, try again later'));
        });
    },
  });

  server.on('error', (err) => log.warn('submission: connection error', { error: err }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  log.info('submission: listening', { host: opts.host, port });
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
