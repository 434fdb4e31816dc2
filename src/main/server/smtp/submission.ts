// Authenticated mail submission (RFC 6409 on 587 with STARTTLS, RFC 8314 on 465 with implicit
// TLS), on the SMTP listener base (listener.ts). Every transaction needs AUTH, AUTH needs TLS
// (plain text only on loopback and only when configured), the envelope sender must be one of
// the user's addresses, and accepted mail goes into the relay's queue durably before the 250.
import type { ListenOptions, RunningListener, ServerContext } from '../context.ts';
import type { Relay } from '../relay/relay.ts';
import { domainOf } from '../../mail/addresses.ts';
import { relayLimits } from '../../base/limits.ts';
import { isLoopback } from '../../base/net.ts';
import { HearthError } from '../../../shared/errors.ts';
import { requireOwnSender, startSmtpListener } from './listener.ts';
import { SmtpReplyError } from './reply-error.ts';

export interface SubmissionOptions {
  /** Allow AUTH without TLS from loopback clients (local tools, tests). Never for other addresses. */
  allowPlainAuthOnLoopback?: boolean;
}

/** The relay that queues submitted mail; set by the server assembly when submission is enabled. */
export type SubmissionContext = ServerContext & { relay?: Relay };

export async function startSubmissionServer(ctx: SubmissionContext, opts: ListenOptions & SubmissionOptions): Promise<RunningListener> {
  const relay = ctx.relay;
  if (!relay) throw new HearthError('INTERNAL', 'submission needs the outgoing relay (ServerContext.relay)');
  const log = ctx.log.child({ component: 'submission', port: opts.port, implicitTls: opts.implicitTls });
  const allowPlain = opts.allowPlainAuthOnLoopback === true;

  return startSmtpListener({
    name: 'submission',
    ctx,
    listen: opts,
    log,
    banner: 'Hearth mail submission',
    maxMessageBytes: relayLimits.maxMessageBytes,
    maxClients: relayLimits.submissionMaxClients,
    socketTimeoutMs: relayLimits.submissionSocketTimeoutMs,
    authOptional: false,
    offerAuth: true,
    // smtp-server refuses AUTH before STARTTLS unless this is set; when it is, refuseAuth still
    // refuses everything but loopback clients.
    allowInsecureAuth: allowPlain,
    refuseAuth(session) {
      if (session.secure || (allowPlain && isLoopback(session.remoteAddress))) return null;
      log.warn('AUTH without TLS refused', { client: session.remoteAddress });
      return new SmtpReplyError(538, '5.7.11', 'Encryption required for requested authentication mechanism', 'PLAINTEXT_REFUSED');
    },

    async onMailFrom(address, session) {
      const user = session.user as string | undefined;
      if (!user) throw new SmtpReplyError(530, '5.7.0', 'Authentication required');
      await requireOwnSender(ctx, log, address, session, user);
    },

    async onRcptTo(address, session) {
      // Never an open relay: without a login nobody gets this far (authOptional is false), and
      // this check stays in case that ever changes.
      if (!session.user) throw new SmtpReplyError(554, '5.7.1', 'Relay access denied', 'RELAY_DENIED');
      if (session.envelope.rcptTo.length >= relayLimits.maxRecipients) throw new SmtpReplyError(452, '4.5.3', 'Too many recipients');
      const rcpt = address.address;
      if (!/^[^@\s]+@[^@\s]+$/.test(rcpt)) throw new SmtpReplyError(501, '5.1.3', 'Bad recipient address syntax', 'BAD_ADDRESS');
      if (!ctx.users.isLocalDomain(domainOf(rcpt))) return;
      const targets = await ctx.users.resolveRecipient(rcpt);
      if (!targets || !targets.length) throw new SmtpReplyError(550, '5.1.1', `<${rcpt}>: no such user here`, 'BAD_ADDRESS');
    },

    async onData(stream, session) {
      try {
        const env = await relay.submit({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((r) => r.address),
          body: stream,
          refuse: () => (stream.sizeExceeded ? new HearthError('MESSAGE_TOO_LARGE') : null),
          trace: {
            authUser: session.user as string,
            clientAddress: session.remoteAddress,
            helo: session.hostNameAppearsAs,
            protocol: session.secure ? 'ESMTPSA' : 'ESMTPA',
          },
        });
        return `2.0.0 Ok: queued as ${env.id}`;
      } catch (err) {
        if (stream.sizeExceeded || (err instanceof HearthError && err.code === 'MESSAGE_TOO_LARGE')) {
          throw new SmtpReplyError(552, '5.3.4', 'Message too big', 'MESSAGE_TOO_LARGE');
        }
        log.error('could not queue message', { err, user: session.user });
        throw new SmtpReplyError(451, '4.3.0', 'Could not queue the message, try again later');
      }
    },

    // The sender and recipient checks ask the user directory; when that fails, say so and let the
    // client try again later.
    replyForFailure: (_stage, err) => new SmtpReplyError(451, '4.3.0', (err as Error).message),
  });
}
