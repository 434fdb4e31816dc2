// Inbound SMTP (the household's MX): accepts mail for local users and delivers it into the mail
// store, on the SMTP listener base (listener.ts, smtp-server).
//
// - Recipients: local domains only. Unknown local user -> 550 5.1.1; a foreign domain -> 554 5.7.1
//   relay denied, unless a recipient hook (the relay engineer's `onRcptTo`) takes it.
// - SIZE, STARTTLS (TLS 1.2 minimum), 8BITMIME, SMTPUTF8, PIPELINING, ENHANCEDSTATUSCODES.
// - A Received header, and SPF/DKIM/DMARC verified with mailauth into Authentication-Results.
//   The DNS resolver is injectable; with none configured and a loopback-only listener, no DNS
//   query leaves the machine: the checks are skipped and the header says `none`.
// - 250 only after the message is durable in every recipient's mailbox (store Delivery.commit).
// - smtp-server's reverse DNS lookup of the client is disabled (a DNS query off the machine), and
//   its fixed 100 ms "early talker" pause before the greeting is removed (greeting.ts).

import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { authenticate as mailauthAuthenticate } from 'mailauth';
import { randomBytes } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { ListenOptions, ServerContext } from '../context.ts';
import { inboundSmtpLimits } from '../../base/limits.ts';
import { isLoopback } from '../../base/net.ts';
import { asciiDomainOf } from '../../mail/addresses.ts';
import { receivedHeader } from '../../mail/received.ts';
import { deliverLocal } from '../../maildir/deliver-local.ts';
import { exceedsQuota, quotaFull, storageUsageOf, type StorageUsage } from '../users/quota.ts';
import { requireOwnSender, startSmtpListener, type RunningSmtpListener } from './listener.ts';
import { SmtpReplyError } from './reply-error.ts';

export { inboundSmtpLimits };
export type { RunningSmtpListener };

/** A mailauth-compatible DNS resolver: like dns.promises.resolve(name, rrtype). */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

export interface RcptContext {
  /** The address as given in RCPT TO (case kept). */
  address: string;
  /** The authenticated user's address, or null. */
  authenticatedUser: string | null;
  remoteAddress: string;
  mailFrom: string;
  session: SMTPServerSession;
}

/** What to do with one recipient. */
export type RcptDecision = { action: 'local'; users: string[] } | { action: 'relay' } | { action: 'reject'; code: number; message: string };

export interface RelayedMessage {
  from: string;
  recipients: string[];
  authenticatedUser: string | null;
  /** The message as received (no header added). */
  raw: Buffer;
  /** The Received header this server puts on locally delivered copies (CRLF-terminated), for relays that want it. */
  received: string;
  /** Client details for the relay's own Received header. */
  trace: { clientAddress: string; helo: string; protocol: string };
  session: SMTPServerSession;
}

export interface InboundHooks {
  /** Consulted for every RCPT TO before the built-in policy; return null to fall through to it. */
  onRcptTo?(rcpt: RcptContext): Promise<RcptDecision | null>;
  /** Takes the message for recipients the hook decided to relay; must be durable (queued) before it resolves. */
  relay?(msg: RelayedMessage): Promise<void>;
}

export interface InboundSmtpOptions extends ListenOptions {
  maxMessageBytes?: number;
  /**
   * DNS resolver for SPF/DKIM/DMARC. When absent: checks run with the system resolver only if the
   * listener is not loopback-only; on loopback they are skipped (`Authentication-Results: host; none`).
   */
  resolver?: DnsResolver | null;
  /** Override: force the checks on (needs a resolver or a non-loopback listener) or off. */
  verifyAuthentication?: boolean;
  hooks?: InboundHooks;
  /** Offer AUTH (PLAIN, LOGIN). Default true; plaintext AUTH only on loopback, otherwise after STARTTLS. */
  allowAuth?: boolean;
}

interface Route {
  kind: 'local' | 'relay';
  rcpt: string;
  users: string[];
}

/** Drops everything past `max` bytes (the SMTP reply will be 552); counts what it saw. */
class Limiter extends Transform {
  bytes = 0;
  private readonly max: number;
  constructor(max: number) {
    super();
    this.max = max;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const before = this.bytes;
    this.bytes += chunk.length;
    if (before >= this.max) return cb();
    cb(null, this.bytes > this.max ? chunk.subarray(0, this.max - before) : chunk);
  }
}

export async function startInboundSmtp(ctx: ServerContext, opts: InboundSmtpOptions): Promise<RunningSmtpListener> {
  const log = ctx.log.child({ svc: 'smtp' });
  const maxBytes = opts.maxMessageBytes ?? inboundSmtpLimits.maxMessageBytes;
  const loopbackOnly = isLoopback(opts.host);
  const verify = opts.verifyAuthentication ?? (!!opts.resolver || !loopbackOnly);
  const resolver = opts.resolver ?? undefined;
  if (verify && !resolver && loopbackOnly) log.warn('authentication checks enabled on a loopback listener with the system resolver');
  const routes = new WeakMap<SMTPServerSession, Route[]>();
  const hooks = opts.hooks ?? {};

  // Storage quotas (../users/quota.ts): a full mailbox refuses RCPT; at DATA, a message bigger than
  // a recipient's whole quota is refused for good, one that would only overfill it for now
  // (RFC 3463 X.2.2 mailbox full); deliverLocal stays all-or-none over the recipients.
  const usageOf = (users: readonly string[]) => Promise.all(users.map((u) => storageUsageOf(ctx.users, ctx.store, u)));
  const quotaRefusal = (usages: readonly StorageUsage[], bytes: number): SmtpReplyError | null => {
    if (usages.some((q) => q.limitBytes !== null && bytes > q.limitBytes))
      return new SmtpReplyError(552, '5.2.2', 'Message exceeds the mailbox quota', 'QUOTA');
    if (usages.some((q) => exceedsQuota(q, bytes))) return new SmtpReplyError(452, '4.2.2', 'Mailbox full', 'QUOTA');
    return null;
  };

  const tooBig = () => new SmtpReplyError(552, '5.3.4', `Message too big (limit ${maxBytes} bytes)`, 'MESSAGE_TOO_LARGE');

  const decide = async (address: SMTPServerAddress, session: SMTPServerSession): Promise<Route> => {
    const rcpt = address.address;
    const user = typeof session.user === 'string' ? session.user : null;
    if (hooks.onRcptTo) {
      const d = await hooks.onRcptTo({
        address: rcpt,
        authenticatedUser: user,
        remoteAddress: session.remoteAddress,
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        session,
      });
      if (d) {
        if (d.action === 'reject') throw SmtpReplyError.fromReply(d.code, d.message);
        if (d.action === 'relay') {
          if (!hooks.relay) throw new SmtpReplyError(451, '4.3.0', 'Relay is not available');
          return { kind: 'relay', rcpt, users: [] };
        }
        return { kind: 'local', rcpt, users: d.users };
      }
    }
    const domain = asciiDomainOf(rcpt);
    if (!ctx.users.isLocalDomain(domain)) {
      // make sure a domain added by `hearth domain add` is seen
      await ctx.users.resolveRecipient(`postmaster@${domain}`);
      if (!ctx.users.isLocalDomain(domain)) throw new SmtpReplyError(554, '5.7.1', 'Relay access denied', 'RELAY_DENIED');
    }
    const users = await ctx.users.resolveRecipient(`${rcpt.slice(0, rcpt.lastIndexOf('@'))}@${domain}`);
    if (!users || users.length === 0) throw new SmtpReplyError(550, '5.1.1', 'No such user here', 'BAD_ADDRESS');
    return { kind: 'local', rcpt, users };
  };

  const onData = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> => {
    const list = routes.get(session) ?? [];
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const locals = [...new Set(list.filter((r) => r.kind === 'local').flatMap((r) => r.users))];
    const relayRcpts = list.filter((r) => r.kind === 'relay').map((r) => r.rcpt);
    const id = randomBytes(8).toString('hex');
    const utf8 = (session.envelope as { smtpUtf8?: boolean }).smtpUtf8 === true;
    const proto = (utf8 ? 'UTF8' : '') + (session.transmissionType || 'SMTP');
    const helo = (session.hostNameAppearsAs || '').replace(/[^\x21-\x7e]/g, '').slice(0, 255) || 'unknown';
    const remote = session.remoteAddress;
    const tlsOptions = session.secure ? (session as { tlsOptions?: { version?: string; name?: string } }).tlsOptions : undefined;
    const received = receivedHeader({
      helo,
      clientAddress: remote,
      by: ctx.hostname,
      protocol: proto,
      tls: tlsOptions && { version: tlsOptions.version, cipher: tlsOptions.name },
      id,
      recipient: list.length === 1 ? list[0]!.rcpt : undefined,
      date: new Date(),
    });
    const returnPath = `Return-Path: <${mailFrom}>\r\n`;

    const limiter = new Limiter(maxBytes);
    stream.on('error', (e) => limiter.destroy(e));
    stream.pipe(limiter);
    const needBuffer = verify || relayRcpts.length > 0;

    if (!needBuffer) {
      const authResults = `Authentication-Results: ${ctx.hostname}; none\r\n`;
      const head = Buffer.from(returnPath + authResults + received, 'utf8');
      const message = Readable.from(
        (async function* () {
          yield head;
          for await (const c of limiter) yield c as Buffer;
        })(),
      );
      const usages = await usageOf(locals);
      const copies = await deliverLocal(ctx.store, locals, message, {
        beforeCommit: () => {
          if (stream.sizeExceeded || limiter.bytes > maxBytes) throw tooBig();
          const refusal = quotaRefusal(usages, head.length + limiter.bytes);
          if (refusal) throw refusal;
        },
      });
      log.info('delivered', { id, from: mailFrom, to: locals, size: limiter.bytes, uids: copies.map((c) => `${c.address}:${c.uid}`) });
      return `2.0.0 Ok: queued as ${id}`;
    }

    const chunks: Buffer[] = [];
    for await (const c of limiter) chunks.push(c as Buffer);
    if (stream.sizeExceeded || limiter.bytes > maxBytes) throw tooBig();
    const raw = Buffer.concat(chunks);
    let authHeaders = `Authentication-Results: ${ctx.hostname}; none\r\n`;
    if (verify) {
      try {
        const res = await Promise.race([
          mailauthAuthenticate(raw, {
            ip: remote,
            helo,
            sender: mailFrom,
            mta: ctx.hostname,
            resolver: resolver as never,
            disableArc: false,
            disableBimi: true,
          }),
          new Promise<never>((_, rej) => setTimeout(() => rej(new Error('authentication checks timed out')), inboundSmtpLimits.authCheckTimeoutMs).unref()),
        ]);
        authHeaders = res.headers;
      } catch (e) {
        log.warn('authentication checks failed', { id, err: e });
        authHeaders = `Authentication-Results: ${ctx.hostname}; spf=temperror; dkim=temperror; dmarc=temperror\r\n`;
      }
    }
    const stored = Buffer.concat([Buffer.from(returnPath + authHeaders + received, 'utf8'), raw]);
    // before relaying: a refusal now must not leave the relayed copies to be sent again on retry
    const refusal = locals.length > 0 ? quotaRefusal(await usageOf(locals), stored.length) : null;
    if (refusal) throw refusal;
    if (relayRcpts.length > 0) {
      await hooks.relay!({
        from: mailFrom,
        recipients: relayRcpts,
        authenticatedUser: typeof session.user === 'string' ? session.user : null,
        raw,
        received,
        trace: { clientAddress: remote, helo, protocol: proto },
        session,
      });
    }
    if (locals.length > 0) {
      const copies = await deliverLocal(ctx.store, locals, stored);
      log.info('delivered', { id, from: mailFrom, to: locals, size: raw.length, uids: copies.map((c) => `${c.address}:${c.uid}`) });
    }
    return `2.0.0 Ok: queued as ${id}`;
  };

  return startSmtpListener({
    name: 'smtp',
    ctx,
    listen: opts,
    log,
    banner: 'Hearth ESMTP',
    maxMessageBytes: maxBytes,
    maxClients: inboundSmtpLimits.maxClients,
    socketTimeoutMs: inboundSmtpLimits.socketTimeoutMs,
    authOptional: true,
    offerAuth: opts.allowAuth ?? true,
    allowInsecureAuth: loopbackOnly,
    greetWithoutPause: true,
    listeningDetail: { authChecks: verify },

    async onMailFrom(address, session) {
      routes.set(session, []);
      const user = session.user as string | undefined;
      // A logged-in household member sends as themselves (as on the submission port), never as someone else.
      if (user) await requireOwnSender(ctx, log, address, session, user);
    },

    async onRcptTo(address, session) {
      const list = routes.get(session) ?? [];
      if (list.length >= inboundSmtpLimits.maxRecipients) throw new SmtpReplyError(452, '4.5.3', 'Too many recipients');
      const route = await decide(address, session);
      if (route.kind === 'local' && (await usageOf(route.users)).some(quotaFull)) throw new SmtpReplyError(452, '4.2.2', 'Mailbox full', 'QUOTA');
      list.push(route);
      routes.set(session, list);
    },

    onData,

    replyForFailure(stage, err) {
      if (stage === 'mail') return new SmtpReplyError(451, '4.3.0', 'Temporary failure, try again later');
      if (stage === 'rcpt') {
        log.error('recipient check failed', { err });
        return new SmtpReplyError(451, '4.3.0', 'Temporary failure, try again later');
      }
      log.error('delivery failed', { err });
      if ((err as { code?: string })?.code === 'DISK_FULL') return new SmtpReplyError(452, '4.3.1', 'Insufficient system storage', 'DISK_FULL');
      return new SmtpReplyError(451, '4.3.0', 'Local delivery failed, try again later');
    },
  });
}

/** The StartListener-shaped entry point (inbound SMTP with default options). */
export function startSmtpServer(ctx: ServerContext, opts: ListenOptions & Partial<InboundSmtpOptions>): Promise<RunningSmtpListener> {
  return startInboundSmtp(ctx, opts);
}
