// The outgoing SMTP client: sends queued messages to one destination (the MX hosts of a domain,
// or the smarthost) over a few reused connections, with opportunistic STARTTLS, and reports the
// remote reply for every recipient.
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import type { Logger } from '../../base/log.ts';
import { relayLimits } from '../../base/limits.ts';
import type { RouteHost } from './router.ts';
import type { SmarthostTls } from './types.ts';
import { implicitPortMismatch, plainGreeting, plainPortMismatch, speaksTlsFirst, TlsModeMismatch } from './tls-mode-probe.ts';

export interface DeliveryJob {
  /** Queue id, for logs. */
  id: string;
  from: string;
  recipients: string[];
  size: number;
  open(): Readable;
}

export type OutcomeKind = 'delivered' | 'deferred' | 'failed';

export interface RecipientOutcome {
  address: string;
  kind: OutcomeKind;
  reply: string;
  status: string;
  remoteMta?: string;
}

export interface DestinationOptions {
  /** Our name in EHLO. */
  hostname: string;
  log: Logger;
  /** Connections opened to this destination at the same time. */
  connections?: number;
  /** Send several messages over one connection (false: one connection per message; benchmark). */
  reuse?: boolean;
  /** STARTTLS must succeed (smarthost); otherwise it is used when offered and not required. */
  requireTls?: boolean;
  /** TLS from the first byte (a smarthost on 465, RFC 8314). */
  implicitTls?: boolean;
  /** Never STARTTLS (a smarthost the admin allowed in plain text). */
  noTls?: boolean;
  /** Verify the server's certificate (smarthost); MX hosts are not verified (RFC 7435 opportunistic). */
  verifyCert?: boolean;
  ca?: string | Buffer;
  auth?: { user: string; pass: string };
  /**
   * The smarthost's configured TLS mode: a port that wants the other one is told apart at once
   * (tls-mode-probe.ts) and fails with a TlsModeMismatch naming the fix.
   */
  tlsModeProbe?: SmarthostTls;
  /** Each failed connection attempt (greeting, TLS, login), with the error; the smarthost's problems are shown to the admin. */
  onConnectFailure?(err: Error, host: RouteHost): void;
  /** A session is up (connected, TLS, logged in). */
  onConnected?(host: RouteHost): void;
}

interface SmtpError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  rejected?: string[];
  rejectedErrors?: SmtpError[];
  recipient?: string;
}

/** The RFC 3463 status in a reply, or one derived from its code. */
export function statusOf(reply: string): string {
  const m = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply);
  if (m) return m[1]!;
  const c = reply.charAt(0);
  return c === '2' ? '2.0.0' : c === '5' ? '5.0.0' : '4.0.0';
}

export function kindOf(reply: string): OutcomeKind {
  const c = reply.charAt(0);
  return c === '2' ? 'delivered' : c === '5' ? 'failed' : 'deferred';
}

function outcome(address: string, reply: string, remoteMta?: string): RecipientOutcome {
  const o: RecipientOutcome = { address, kind: kindOf(reply), reply, status: statusOf(reply) };
  if (remoteMta) o.remoteMta = remoteMta;
  return o;
}

function oneLine(s: string): string {
  return s.replace(/\r?\n/g, ' ').trim().slice(0, 500);
}

/** A reply for errors that carry no server reply (network, TLS, timeouts): a deferral. */
function networkReply(err: SmtpError, where: string): string {
  return `451 4.4.1 ${where}: ${oneLine(err.message || String(err.code ?? 'connection failed'))}`;
}

class Session {
  readonly host: RouteHost;
  readonly conn: SMTPConnection;
  sent = 0;
  broken = false;

  private constructor(host: RouteHost, conn: SMTPConnection) {
    this.host = host;
    this.conn = conn;
  }

  static async open(host: RouteHost, address: string, opts: DestinationOptions): Promise<Session> {
    const conn = new SMTPConnection({
      host: address,
      port: host.port,
      name: opts.hostname,
      ...(isIP(host.name) ? {} : { servername: host.name }),
      secure: opts.implicitTls ?? false,
      requireTLS: !opts.implicitTls && !opts.noTls && (opts.requireTls ?? false),
      opportunisticTLS: !opts.requireTls && !opts.noTls,
      ignoreTLS: opts.noTls ?? false,
      tls: { rejectUnauthorized: opts.verifyCert ?? false, ...(isIP(host.name) ? {} : { servername: host.name }), ...(opts.ca ? { ca: opts.ca } : {}) },
      connectionTimeout: relayLimits.connectTimeoutMs,
      greetingTimeout: relayLimits.greetingTimeoutMs,
      socketTimeout: relayLimits.socketTimeoutMs,
      socketCloseTimeout: 0,
      logger: false,
    });
    const session = new Session(host, conn);
    conn.on('error', () => {
      session.broken = true;
    });
    conn.on('end', () => {
      session.broken = true;
    });
    // Errors before the session is up arrive as 'error'/'end' events, not through the callbacks.
    let fail: (err: Error) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    failed.catch(() => {});
    const onError = (err: Error) => fail(err);
    const onEnd = () => fail(new Error('connection closed by the server'));
    conn.on('error', onError);
    conn.on('end', onEnd);
    // Not up after a short while: perhaps the port waits for our ClientHello (implicit TLS).
    const mode = opts.tlsModeProbe;
    const probeTimer =
      mode && mode !== 'implicit'
        ? setTimeout(() => {
            void speaksTlsFirst(address, host.port, isIP(host.name) ? undefined : host.name).then((tlsFirst) => {
              if (tlsFirst) fail(implicitPortMismatch(host.name, host.port, mode));
            });
          }, relayLimits.tlsModeProbeAfterMs)
        : undefined;
    try {
      await Promise.race([
        failed,
        new Promise<void>((resolve, reject) => {
          conn.connect((err?: Error | null) => (err ? reject(err) : resolve()));
        }),
      ]);
      if (opts.auth) {
        await Promise.race([
          failed,
          new Promise<void>((resolve, reject) => {
            conn.login({ user: opts.auth!.user, pass: opts.auth!.pass }, (err?: Error | null) => (err ? reject(err) : resolve()));
          }),
        ]);
      }
    } catch (err) {
      conn.close();
      const e = err as SmtpError;
      // Implicit TLS refused without an SMTP reply: does the port greet in plain text instead?
      if (mode === 'implicit' && !(err instanceof TlsModeMismatch) && !e.responseCode && e.code !== 'ECONNREFUSED') {
        const greeting = await plainGreeting(address, host.port);
        if (greeting) throw plainPortMismatch(host.name, host.port, greeting);
      }
      throw err;
    } finally {
      clearTimeout(probeTimer);
      conn.off('error', onError);
      conn.off('end', onEnd);
    }
    return session;
  }

  async send(job: DeliveryJob): Promise<RecipientOutcome[]> {
    const mta = this.host.name;
    const stream = job.open();
    try {
      let onError: (err: Error) => void = () => {};
      let onEnd: () => void = () => {};
      const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) => {
        // A connection that drops mid-message may report it only as an event.
        onError = (err: Error) => reject(err);
        onEnd = () => reject(new Error('connection closed by the server'));
        this.conn.once('error', onError);
        this.conn.once('end', onEnd);
        this.conn.send({ from: job.from, to: job.recipients, size: job.size } as SMTPConnection.Envelope, stream, (err, res) =>
          err ? reject(err) : resolve(res),
        );
      }).finally(() => {
        this.conn.off('error', onError);
        this.conn.off('end', onEnd);
      });
      this.sent++;
      const rejected = new Map<string, string>();
      for (const e of (info.rejectedErrors ?? []) as SmtpError[]) {
        if (e.recipient) rejected.set(e.recipient, oneLine(e.response ?? '550 5.0.0 Recipient rejected'));
      }
      const okReply = oneLine(info.response || '250 2.0.0 OK');
      return job.recipients.map((r) => outcome(r, rejected.get(r) ?? okReply, mta));
    } catch (e) {
      stream.destroy();
      const err = e as SmtpError;
      if (!err.responseCode || !err.response) {
        // No reply: the connection is unusable; every recipient waits for another try.
        this.broken = true;
        const reply = networkReply(err, `delivery to ${mta} interrupted`);
        return job.recipients.map((r) => outcome(r, reply, mta));
      }
      const perRecipient = new Map<string, string>();
      for (const re of err.rejectedErrors ?? []) {
        if (re.recipient && re.response) perRecipient.set(re.recipient, oneLine(re.response));
      }
      const reply = oneLine(err.response);
      await this.reset();
      return job.recipients.map((r) => outcome(r, perRecipient.get(r) ?? reply, mta));
    }
  }

  private async reset(): Promise<void> {
    if (this.broken) return;
    await new Promise<void>((resolve) => {
      this.conn.reset((err) => {
        if (err) this.broken = true;
        resolve();
      });
    });
  }

  close(): void {
    try {
      if (this.broken) this.conn.close();
      else this.conn.quit();
    } catch {
      /* already closed */
    }
  }
}

/** Opens a session to the first host/address that answers; null and the last error when none does. */
async function connectAny(hosts: RouteHost[], opts: DestinationOptions): Promise<{ session?: Session; reply: string; permanent: boolean }> {
  let reply = '451 4.4.1 No host to connect to';
  let permanent = false;
  for (const host of hosts) {
    for (const address of host.addresses) {
      try {
        const session = await Session.open(host, address, opts);
        opts.onConnected?.(host);
        return { session, reply: '', permanent: false };
      } catch (e) {
        const err = e as SmtpError;
        opts.onConnectFailure?.(err, host);
        opts.log.info('relay: connection failed', { host: host.name, address, port: host.port, error: err.message, response: err.response });
        if (err.response && err.responseCode) {
          // A refused greeting or login (a wrong smarthost password) is a problem of the
          // connection, not of the message: the mail waits in the queue (as a 4xx) until fixed.
          reply = oneLine(err.response);
          permanent = false;
        } else {
          reply = networkReply(err, `connection to ${host.name}[${address}]:${host.port} failed`);
          permanent = false;
        }
      }
    }
  }
  return { reply, permanent };
}

/**
 * Delivers jobs to one destination over up to `connections` sessions, each sending its share of
 * the jobs one after another. `onResult` is called as each job finishes, so the caller can
 * persist progress while the rest are still going out.
 */
export async function deliverToDestination(
  hosts: RouteHost[],
  jobs: DeliveryJob[],
  opts: DestinationOptions,
  onResult: (job: DeliveryJob, outcomes: RecipientOutcome[]) => Promise<void>,
): Promise<void> {
  let next = 0;
  let unreachable: { reply: string; permanent: boolean } | null = null;
  const failAll = async (job: DeliveryJob, reply: string, permanent: boolean) => {
    // The server's reply is kept as it was; a 5xx at connection level (refused greeting or
    // login) still only defers the message, with a 4.x.x status.
    const status = statusOf(reply);
    const deferredStatus = status.startsWith('5') ? '4' + status.slice(1) : status;
    await onResult(
      job,
      job.recipients.map((address): RecipientOutcome => (permanent ? outcome(address, reply) : { address, kind: 'deferred', reply, status: deferredStatus })),
    );
  };
  const worker = async () => {
    let session: Session | undefined;
    try {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        if (unreachable) {
          await failAll(job, unreachable.reply, unreachable.permanent);
          continue;
        }
        if (!session || session.broken || session.sent >= relayLimits.messagesPerConnection) {
          session?.close();
          const c = await connectAny(hosts, opts);
          if (!c.session) {
            // Every host failed: the rest of this destination's jobs wait for the next run.
            unreachable = { reply: c.reply, permanent: c.permanent };
            await failAll(job, c.reply, c.permanent);
            continue;
          }
          session = c.session;
        }
        const outcomes = await session.send(job);
        if (opts.reuse === false) {
          session.close();
          session = undefined;
        }
        await onResult(job, outcomes);
      }
    } finally {
      session?.close();
    }
  };
  const n = Math.max(1, Math.min(opts.connections ?? relayLimits.connectionsPerDestination, jobs.length));
  await Promise.all(Array.from({ length: n }, worker));
}
