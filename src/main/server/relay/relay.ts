// The outgoing relay: accepts messages into the on-disk queue, then delivers each recipient
// locally (mailbox store) or remotely (MX hosts or the smarthost), retries deferrals on the retry
// policy, and bounces permanent failures and expiries with a DSN. Queue control (list, retry,
// delete) is control.ts, reached from other processes through control-channel.ts.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Logger } from '../../base/log.ts';
import { silentLogger } from '../../base/log.ts';
import { relayLimits } from '../../base/limits.ts';
import { HearthError } from '../../../shared/errors.ts';
import { MessageQueue } from './queue.ts';
import type { WrittenBody } from './queue.ts';
import { domainOf } from '../../mail/addresses.ts';
import { createResolver, routeDomain, routeHostOnly } from './router.ts';
import type { RouteHost } from './router.ts';
import { deliverToDestination, kindOf, statusOf } from './delivery.ts';
import type { DeliveryJob, RecipientOutcome } from './delivery.ts';
import { defaultRetryPolicy, hasExpired, needsDelayWarning, nextAttemptAt } from './retry.ts';
import type { RetryPolicy } from './retry.ts';
import { buildDsn, hasHeader } from './dsn.ts';
import { rfc5322Date } from '../../mail/dates.ts';
import { receivedHeader } from '../../mail/received.ts';
import type { DsnRecipient } from './dsn.ts';
import { fromHeaderDomain, readHeaderBlock } from './headers.ts';
import { QueueControl, runControlRequest } from './control.ts';
import type { QueueListItem } from './control.ts';
import { openControlChannel } from './control-channel.ts';
import type { ControlChannel } from './control-channel.ts';
import { dkimSignatureFor, loadOrCreateDkimKey } from './dkim.ts';
import type { DkimKey } from './dkim.ts';
import { systemClock } from './types.ts';
import { SmarthostHealth } from './smarthost-health.ts';
import type { ServerRelayStatus } from '../../../shared/api.ts';
import type { Clock, LocalDelivery, MxResolver, QueueEntry, QueueEnvelope, QueuedRecipient, SmarthostOptions } from './types.ts';

export interface RelayOptions {
  dataDir: string;
  /** Our host name: EHLO, Received, Message-ID, Reporting-MTA. */
  hostname: string;
  /** Domain of MAILER-DAEMON@ in DSNs (the household's primary domain); defaults to hostname. */
  postmasterDomain?: string;
  log?: Logger;
  clock?: Clock;
  resolver?: MxResolver;
  /** SMTP port of remote MX hosts (25). */
  smtpPort?: number;
  /** Per MX host name port override (tests). */
  portOverrides?: Record<string, number>;
  smarthost?: SmarthostOptions;
  retry?: Partial<RetryPolicy>;
  /** Local recipients; without it every recipient is delivered remotely. */
  local?: LocalDelivery;
  /**
   * Sign messages whose From domain is the key's domain. 'auto' (default): the postmasterDomain's
   * key from DATA/dkim, generated on first start; null: no signing.
   */
  dkim?: DkimKey | 'auto' | null;
  /** Deliver on timers by itself (default). Tests with an injected clock call runDue() instead. */
  autoRun?: boolean;
  connectionsPerDestination?: number;
  /** Reuse one connection for several messages (default true; false for the benchmark's baseline). */
  reuseConnections?: boolean;
  random?: () => number;
  /** Accept queue control requests from `hearth queue` in another process (default true). */
  control?: boolean;
}

export interface SubmitTrace {
  /** Authenticated submitter (Received "authenticated user"). */
  authUser?: string;
  clientAddress?: string;
  helo?: string;
  /** ESMTPSA / ESMTPS / ESMTP... */
  protocol?: string;
}

export interface SubmitInput {
  from: string;
  recipients: string[];
  body: Readable | Buffer;
  trace?: SubmitTrace;
  /** Checked once the body is written, before it is queued (e.g. the SMTP size limit). */
  refuse?: () => HearthError | null;
}

export class Relay {
  readonly queue: MessageQueue;
  private readonly opts: RelayOptions;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly resolver: MxResolver;
  private readonly policy: RetryPolicy;
  private readonly entries = new Map<string, QueueEntry>();
  /** Delivery rounds under way, and the messages and destinations they are working on. */
  private readonly rounds = new Set<Promise<void>>();
  private readonly busyEntries = new Set<string>();
  private readonly busyDestinations = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private dkimKey: DkimKey | null = null;
  private channel: ControlChannel | null = null;
  /** Queue control (list, retry, delete) for the app's API and `hearth queue`. */
  readonly control: QueueControl;
  private smarthostHealth: SmarthostHealth;
  /** Where remote mail goes: this smarthost, or each domain's MX when undefined (setSmarthost changes it). */
  private smarthost: SmarthostOptions | undefined;

  constructor(opts: RelayOptions) {
    this.opts = opts;
    this.log = (opts.log ?? silentLogger).child({ component: 'relay' });
    this.clock = opts.clock ?? systemClock;
    this.resolver = opts.resolver ?? createResolver();
    this.policy = { ...defaultRetryPolicy, ...opts.retry };
    this.queue = new MessageQueue(opts.dataDir, this.log);
    checkPlaintext(opts.smarthost);
    this.smarthost = opts.smarthost;
    this.smarthostHealth = new SmarthostHealth(opts.smarthost, this.clock, this.log);
    this.control = new QueueControl({
      queue: this.queue,
      entries: this.entries,
      log: this.log,
      now: () => this.clock.now(),
      persist: (entry) => this.persist(entry),
      bounce: (env, recipients) => this.bounce(env, recipients),
      kick: () => this.kick(),
    });
  }

  /** Loads the queue (moving damaged files aside) and starts delivering what is due. */
  async start(): Promise<void> {
    const dkim = this.opts.dkim === undefined ? 'auto' : this.opts.dkim;
    if (dkim === 'auto') {
      if (this.opts.postmasterDomain) this.dkimKey = await loadOrCreateDkimKey(this.opts.dataDir, this.opts.postmasterDomain);
    } else this.dkimKey = dkim;
    for (const env of await this.queue.load()) this.entries.set(env.id, { env, chain: Promise.resolve() });
    this.log.info('relay: queue loaded', { messages: this.entries.size, dkim: this.dkimKey?.domain });
    if (this.smarthost?.tls === 'none') {
      this.log.warn('relay: smarthost without TLS; the login and the mail cross the network unencrypted', { smarthost: this.smarthost.host });
    }
    if (this.opts.control !== false) this.channel = await openControlChannel(this.opts.dataDir, (req) => runControlRequest(this.control, req), this.log);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.channel?.stopWatching();
    while (this.rounds.size) await Promise.all([...this.rounds]);
    await Promise.all([...this.entries.values()].map((e) => e.chain));
    await this.channel?.release();
    this.channel = null;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Queues a message durably: when this resolves the body and envelope are fsynced and renamed
   * into the queue directory (the caller may answer 250). Adds Received, and Message-ID/Date when
   * missing, as prepended headers, and a DKIM signature for the household domain.
   */
  async submit(input: SubmitInput): Promise<QueueEnvelope> {
    if (!input.recipients.length) throw new HearthError('INVALID_ARGUMENT', 'no recipients');
    const body = await this.queue.writeBody(toStream(input.body), relayLimits.maxMessageBytes);
    try {
      const refusal = input.refuse?.();
      if (refusal) throw refusal;
      return await this.commitBody(body, input.from, input.recipients, input.trace, false);
    } catch (err) {
      await this.queue.discardBody(body);
      throw err;
    }
  }

  private async commitBody(body: WrittenBody, from: string, recipients: string[], trace: SubmitTrace | undefined, isDsn: boolean): Promise<QueueEnvelope> {
    const now = this.clock.now();
    const id = body.id;
    const headerBlock = await readHeaderBlock(body.tmpPath, relayLimits.maxHeaderBytes);
    let prepend = '';
    if (trace) prepend += submissionReceived(this.opts.hostname, id, trace, recipients, now);
    if (!hasHeader(headerBlock, 'message-id')) prepend += `Message-ID: <${id}.${randomBytes(4).toString('hex')}@${this.opts.hostname}>\r\n`;
    if (!hasHeader(headerBlock, 'date')) prepend += `Date: ${rfc5322Date(now)}\r\n`;
    const key = this.dkimKey;
    if (key && fromHeaderDomain(headerBlock) === key.domain) {
      const whole = Readable.from(
        (async function* () {
          yield Buffer.from(prepend);
          yield* createReadStream(body.tmpPath);
        })(),
      );
      prepend = (await dkimSignatureFor(key, whole, new Date(now))) + prepend;
    }
    const env: QueueEnvelope = {
      version: 1,
      id,
      from,
      recipients: dedupe(recipients).map((address) => ({ address, state: 'pending', attempts: 0, nextAttemptAt: now })),
      createdAt: now,
      prepend,
      bodySize: body.size,
      bodySha256: body.sha256,
    };
    if (trace?.authUser) env.submittedBy = trace.authUser;
    if (trace?.clientAddress) env.clientAddress = trace.clientAddress;
    if (isDsn) env.isDsn = true;
    await this.queue.commit(body, env);
    this.entries.set(id, { env, chain: Promise.resolve() });
    this.log.info('relay: queued', { id, from, recipients: env.recipients.length, size: body.size, submittedBy: env.submittedBy });
    this.kick();
    return env;
  }

  /** Schedules a delivery round soon (autoRun), or does nothing (tests drive runDue). */
  kick(): void {
    if (this.opts.autoRun === false || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runDue();
    }, 0);
  }

  /**
   * Delivers what is due now and not already under way; resolves when this round is done.
   * Rounds may overlap: a message or a destination that an earlier round is still working on is
   * left to it, so one slow destination never holds up the others, and mail for a destination
   * that is being delivered to waits and then goes out over that destination's next connections.
   */
  runDue(): Promise<void> {
    const round = this.round()
      .catch((err: Error) => this.log.error('relay: delivery round failed', { error: err }))
      .finally(() => {
        this.rounds.delete(round);
        this.scheduleNext();
      });
    this.rounds.add(round);
    return round;
  }

  private destinationOf(address: string): string {
    return this.smarthost ? '@smarthost' : domainOf(address);
  }

  /**
   * Sends remote mail through `smarthost` from now on, or straight to each domain's MX when
   * undefined (the admin screen's smarthost settings). A problem seen with the old one is
   * forgotten, and what waits in the queue is tried again at once over the new route.
   */
  async setSmarthost(smarthost: SmarthostOptions | undefined): Promise<void> {
    checkPlaintext(smarthost);
    this.smarthost = smarthost;
    this.smarthostHealth = new SmarthostHealth(smarthost, this.clock, this.log);
    this.log.info(
      'relay: smarthost changed',
      smarthost ? { smarthost: `${smarthost.host}:${smarthost.port}`, tls: smarthost.tls ?? 'starttls', user: smarthost.user } : { smarthost: null },
    );
    if (smarthost?.tls === 'none')
      this.log.warn('relay: smarthost without TLS; the login and the mail cross the network unencrypted', { smarthost: smarthost.host });
    if (this.entries.size) await this.control.retryNow();
  }

  /** Earliest attempt among recipients no round is working on (busy ones trigger a round when done). */
  private nextIdleDue(): number {
    let next = Infinity;
    for (const { env } of this.entries.values()) {
      if (this.busyEntries.has(env.id)) continue;
      for (const r of env.recipients) {
        if ((r.state === 'pending' || r.state === 'deferred') && !this.busyDestinations.has(this.destinationOf(r.address)))
          next = Math.min(next, r.nextAttemptAt);
      }
    }
    return next;
  }

  private scheduleNext(): void {
    if (this.opts.autoRun === false || this.stopped) return;
    const wait = Math.min(Math.max(this.nextIdleDue() - this.clock.now(), 0), relayLimits.maxIdleScanMs);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runDue();
    }, wait);
    this.timer.unref();
  }

  /** Epoch ms of the earliest pending attempt, or null when nothing waits (tests advance clocks to it). */
  nextDue(): number | null {
    let next = Infinity;
    for (const { env } of this.entries.values()) {
      for (const r of env.recipients) if (r.state === 'pending' || r.state === 'deferred') next = Math.min(next, r.nextAttemptAt);
    }
    return next === Infinity ? null : next;
  }

  private async round(): Promise<void> {
    const now = this.clock.now();
    const localTasks: Array<{ entry: QueueEntry; rcpt: QueuedRecipient }> = [];
    // destination key -> (entry id -> recipients)
    const remote = new Map<string, Map<string, { entry: QueueEntry; rcpts: QueuedRecipient[] }>>();
    const touched = new Set<QueueEntry>();
    for (const entry of this.entries.values()) {
      if (this.busyEntries.has(entry.env.id)) continue;
      // Finished before a crash cut off the clean-up: bounce what is unreported, then remove.
      if (entry.env.recipients.every((r) => r.state === 'delivered' || r.state === 'failed')) touched.add(entry);
      for (const rcpt of entry.env.recipients) {
        if ((rcpt.state !== 'pending' && rcpt.state !== 'deferred') || rcpt.nextAttemptAt > now) continue;
        if (this.opts.local && (await this.opts.local.isLocal(rcpt.address))) {
          touched.add(entry);
          localTasks.push({ entry, rcpt });
          continue;
        }
        const dest = this.destinationOf(rcpt.address);
        if (this.busyDestinations.has(dest)) continue;
        touched.add(entry);
        let byEntry = remote.get(dest);
        if (!byEntry) remote.set(dest, (byEntry = new Map()));
        let group = byEntry.get(entry.env.id);
        if (!group) byEntry.set(entry.env.id, (group = { entry, rcpts: [] }));
        group.rcpts.push(rcpt);
      }
    }
    if (!touched.size) return;
    for (const entry of touched) this.busyEntries.add(entry.env.id);
    for (const dest of remote.keys()) this.busyDestinations.add(dest);
    // Tasks left per message in this round: the last one to finish bounces/removes at once, so a
    // delivered message leaves the queue without another state write.
    const tasksLeft = new Map<QueueEntry, number>();
    for (const { entry } of localTasks) tasksLeft.set(entry, (tasksLeft.get(entry) ?? 0) + 1);
    for (const byEntry of remote.values()) for (const { entry } of byEntry.values()) tasksLeft.set(entry, (tasksLeft.get(entry) ?? 0) + 1);
    // Released early (when done) so a later round may take them; the finally below must then
    // leave them alone, since that later round may have claimed them again.
    const released = new Set<QueueEntry>();
    const releasedDestinations = new Set<string>();
    const taskDone = async (entry: QueueEntry) => {
      const left = (tasksLeft.get(entry) ?? 1) - 1;
      tasksLeft.set(entry, left);
      if (left > 0) await this.persist(entry);
      else {
        await this.finish(entry);
        released.add(entry);
        this.busyEntries.delete(entry.env.id);
      }
    };
    try {
      const localRun = runLimited(localTasks, relayLimits.parallelLocalDeliveries, async ({ entry, rcpt }) => {
        if (!this.entries.has(entry.env.id)) return taskDone(entry);
        const result = await this.opts
          .local!.deliver(rcpt.address, entry.env.from, () => this.queue.openMessage(entry.env), this.queue.messageSize(entry.env))
          .catch((err: Error) => ({ ok: false as const, permanent: false, reply: `451 4.3.0 Local delivery failed: ${err.message}` }));
        const reply = result.ok ? '250 2.0.0 Delivered to local mailbox' : result.reply;
        this.apply(entry, [{ address: rcpt.address, kind: result.ok ? 'delivered' : kindOf(reply), reply, status: statusOf(reply) }]);
        await taskDone(entry);
      });
      const remoteRun = runLimited([...remote.entries()], relayLimits.parallelDestinations, async ([dest, byEntry]) => {
        try {
          await this.deliverRemote(dest, [...byEntry.values()], taskDone);
        } finally {
          releasedDestinations.add(dest);
          this.busyDestinations.delete(dest);
          // mail for this destination that arrived meanwhile goes now, not when the round ends
          this.kick();
        }
      });
      await Promise.all([localRun, remoteRun]);
      // Messages with no task this round (finished before a crash cut off their clean-up).
      for (const entry of touched) if (!tasksLeft.has(entry)) await this.finish(entry);
    } finally {
      for (const entry of touched) if (!released.has(entry)) this.busyEntries.delete(entry.env.id);
      for (const dest of remote.keys()) if (!releasedDestinations.has(dest)) this.busyDestinations.delete(dest);
    }
  }

  private async deliverRemote(
    dest: string,
    groups: Array<{ entry: QueueEntry; rcpts: QueuedRecipient[] }>,
    taskDone: (entry: QueueEntry) => Promise<void>,
  ): Promise<void> {
    const jobs: DeliveryJob[] = [];
    const byJob = new Map<DeliveryJob, QueueEntry>();
    for (const { entry, rcpts } of groups) {
      const job: DeliveryJob = {
        id: entry.env.id,
        from: entry.env.from,
        recipients: rcpts.map((r) => r.address),
        size: this.queue.messageSize(entry.env),
        open: () => this.queue.openMessage(entry.env),
      };
      jobs.push(job);
      byJob.set(job, entry);
    }
    const onResult = async (job: DeliveryJob, outcomes: RecipientOutcome[]) => {
      const entry = byJob.get(job)!;
      this.apply(entry, outcomes);
      for (const o of outcomes) this.log.info('relay: delivery attempt', { id: job.id, rcpt: o.address, result: o.kind, reply: o.reply, host: o.remoteMta });
      await taskDone(entry);
    };
    let hosts: RouteHost[];
    const sh = this.smarthost;
    if (sh) {
      const route = await routeHostOnly(sh.host, sh.port, this.resolver);
      if (!route.ok) {
        for (const job of jobs)
          await onResult(
            job,
            job.recipients.map((address) => ({ address, kind: 'deferred', reply: route.reply, status: statusOf(route.reply) })),
          );
        return;
      }
      hosts = route.hosts;
    } else {
      const route = await routeDomain(dest, {
        resolver: this.resolver,
        port: this.opts.smtpPort ?? 25,
        ...(this.opts.portOverrides ? { portOverrides: this.opts.portOverrides } : {}),
        ...(this.opts.random ? { random: this.opts.random } : {}),
      });
      if (!route.ok) {
        const kind = route.permanent ? 'failed' : 'deferred';
        for (const job of jobs)
          await onResult(
            job,
            job.recipients.map((address) => ({ address, kind, reply: route.reply, status: route.status })),
          );
        return;
      }
      hosts = route.hosts;
    }
    await deliverToDestination(
      hosts,
      jobs,
      {
        hostname: this.opts.hostname,
        log: this.log,
        connections: this.opts.connectionsPerDestination ?? relayLimits.connectionsPerDestination,
        reuse: this.opts.reuseConnections ?? true,
        requireTls: sh ? sh.tls !== 'none' && (sh.requireTls ?? true) : false,
        verifyCert: sh ? sh.tls !== 'none' && (sh.requireTls ?? true) : false,
        ...(sh?.tls === 'implicit' ? { implicitTls: true } : {}),
        ...(sh?.tls === 'none' ? { noTls: true } : {}),
        ...(sh ? { tlsModeProbe: sh.tls ?? 'starttls' } : {}),
        ...(sh ? { onConnectFailure: (err: Error) => this.smarthostHealth.failed(err), onConnected: () => this.smarthostHealth.ok() } : {}),
        ...(sh?.ca ? { ca: sh.ca } : {}),
        ...(sh?.user ? { auth: { user: sh.user, pass: sh.password ?? '' } } : {}),
      },
      onResult,
    );
  }

  /** Records outcomes on the recipients: delivered, failed, or deferred with the next attempt time (or expired). */
  private apply(entry: QueueEntry, outcomes: RecipientOutcome[]): void {
    const now = this.clock.now();
    for (const o of outcomes) {
      const r = entry.env.recipients.find((x) => x.address === o.address && (x.state === 'pending' || x.state === 'deferred'));
      if (!r) continue;
      r.attempts++;
      r.lastAttemptAt = now;
      r.lastReply = o.reply;
      r.status = o.status;
      if (o.remoteMta) r.remoteMta = o.remoteMta;
      else delete r.remoteMta;
      if (o.kind === 'delivered') r.state = 'delivered';
      else if (o.kind === 'failed') r.state = 'failed';
      else if (hasExpired(this.policy, entry.env.createdAt, now)) {
        r.state = 'failed';
        r.status = '5.4.7';
        r.lastReply = `Gave up after ${Math.round((now - entry.env.createdAt) / 3_600_000)} hours; last reply: ${o.reply}`;
      } else {
        r.state = 'deferred';
        // The last try happens when the message expires, not a whole interval later.
        r.nextAttemptAt = Math.min(nextAttemptAt(this.policy, r.attempts, now), entry.env.createdAt + this.policy.giveUpAfterMs);
      }
    }
  }

  /** Writes the entry's state; writes of one entry are serialised so the newest state wins. */
  private persist(entry: QueueEntry): Promise<void> {
    const run = entry.chain.then(async () => {
      if (this.entries.get(entry.env.id) !== entry) return;
      await this.queue.update(entry.env);
    });
    entry.chain = run.catch((err: Error) => this.log.error('relay: could not save queue state', { id: entry.env.id, error: err }));
    return entry.chain;
  }

  /** After a round: bounces new failures, warns about long delays, removes finished messages. */
  private async finish(entry: QueueEntry): Promise<void> {
    if (this.entries.get(entry.env.id) !== entry) return;
    const env = entry.env;
    const now = this.clock.now();
    const newlyFailed = env.recipients.filter((r) => r.state === 'failed' && !reported(r));
    if (newlyFailed.length) {
      await this.bounce(
        env,
        newlyFailed.map((r) => dsnRecipient(r, 'failed')),
      );
      for (const r of newlyFailed) markReported(r);
    }
    const deferred = env.recipients.filter((r) => r.state === 'deferred');
    if (deferred.length && needsDelayWarning(this.policy, env.createdAt, now, env.delayWarned ?? false)) {
      await this.bounce(
        env,
        deferred.map((r) => ({ ...dsnRecipient(r, 'delayed'), willRetryUntil: env.createdAt + this.policy.giveUpAfterMs })),
      );
      env.delayWarned = true;
    }
    if (env.recipients.every((r) => r.state === 'delivered' || r.state === 'failed')) {
      await entry.chain;
      this.entries.delete(env.id);
      await this.queue.remove(env.id);
      this.log.info('relay: message done', {
        id: env.id,
        delivered: env.recipients.filter((r) => r.state === 'delivered').length,
        failed: env.recipients.filter((r) => r.state === 'failed').length,
      });
    } else {
      await this.persist(entry);
    }
  }

  /** Queues a DSN to the message's sender; never for the null sender or for a DSN. */
  private async bounce(env: QueueEnvelope, recipients: DsnRecipient[]): Promise<void> {
    if (env.from === '' || env.isDsn) {
      this.log.warn('relay: not bouncing a message with the null sender', { id: env.id, recipients: recipients.map((r) => r.address) });
      return;
    }
    const originalHeaders = env.prepend + (await readHeaderBlock(this.queue.bodyPath(env.id), relayLimits.maxHeaderBytes).catch(() => ''));
    const dsn = buildDsn({
      reportingMta: this.opts.hostname,
      fromAddress: `MAILER-DAEMON@${this.opts.postmasterDomain ?? this.opts.hostname}`,
      to: env.from,
      queueId: env.id,
      arrivalDate: env.createdAt,
      recipients,
      originalHeaders,
      now: this.clock.now(),
    });
    const body = await this.queue.writeBody(toStream(dsn));
    const q = await this.commitBody(body, '', [env.from], undefined, true);
    this.log.info('relay: DSN queued', { id: env.id, dsn: q.id, to: env.from, action: recipients[0]?.action, recipients: recipients.map((r) => r.address) });
  }

  // ---- queue control (control.ts) ----

  /** The smarthost and any problem with it the admin must fix (the app's Server panel). */
  status(): ServerRelayStatus {
    return this.smarthostHealth.status();
  }

  list(): QueueListItem[] {
    return this.control.list();
  }

  retryNow(id?: string): Promise<number> {
    return this.control.retryNow(id);
  }

  delete(id: string, reason: string, opts: { bounce?: boolean } = {}): Promise<void> {
    return this.control.delete(id, reason, opts);
  }
}

function checkPlaintext(smarthost: SmarthostOptions | undefined): void {
  if (smarthost?.tls === 'none' && !smarthost.allowPlaintext) {
    throw new HearthError(
      'INVALID_ARGUMENT',
      'A smarthost without TLS sends the password and mail in clear: allow it explicitly (--smarthost-allow-plaintext)',
    );
  }
}

function reported(r: QueuedRecipient): boolean {
  return r.reported === true;
}

function markReported(r: QueuedRecipient): void {
  r.reported = true;
}

function dsnRecipient(r: QueuedRecipient, action: 'failed' | 'delayed'): DsnRecipient {
  const d: DsnRecipient = { address: r.address, action, status: r.status ?? (action === 'failed' ? '5.0.0' : '4.0.0') };
  if (action === 'failed' && !d.status.startsWith('5')) d.status = '5' + d.status.slice(1);
  if (r.lastReply) d.diagnostic = r.lastReply;
  if (r.remoteMta) d.remoteMta = r.remoteMta;
  if (r.lastAttemptAt) d.lastAttemptAt = r.lastAttemptAt;
  return d;
}

function dedupe(list: string[]): string[] {
  const seen = new Set<string>();
  return list.filter((a) => {
    const k = a.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function toStream(body: Readable | Buffer): Readable | AsyncIterable<Buffer> {
  if (Buffer.isBuffer(body))
    return (async function* () {
      yield body;
    })();
  return body;
}

/** The Received header of a submission, from what the submission server saw of the client. */
function submissionReceived(hostname: string, id: string, t: SubmitTrace, recipients: string[], now: number): string {
  return receivedHeader({
    helo: sanitize(t.helo || 'unknown'),
    clientAddress: t.clientAddress || null,
    authenticatedUser: t.authUser && sanitize(t.authUser),
    by: hostname,
    protocol: t.protocol ?? 'ESMTPSA',
    id,
    recipient: recipients.length === 1 ? sanitize(recipients[0]!) : undefined,
    date: now,
  });
}

function sanitize(s: string): string {
  return s.replace(/[^\x21-\x7e]/g, '?').slice(0, 200);
}

/** Runs `fn` over items with at most `limit` at a time. */
async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async () => {
    while (i < items.length) await fn(items[i++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
