// The outbox: "send" writes the message and its state durably before it returns, and a sender
// loop submits it after the undo hold (or at its "send at" time), retrying temporary failures
// with backoff and explaining permanent ones with the server's reply.
//
// At most once per successful attempt: before connecting, the attempt is recorded ('sending',
// stage 'connecting'); the moment the last byte of the message has been handed to the SMTP
// connection, stage 'data-sent' is recorded (fsync) — before the server can have accepted it.
// On restart, an attempt that never sent its data is safe to retry; one that did is retried only
// after the Sent folder shows the Message-ID is not there (or the provider's copy is).
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type { ComposeMessage, Identity, OutboxItem, OutboxState } from '../../../shared/api.ts';
import { HearthError, type ErrorCode } from '../../../shared/errors.ts';
import { atomicWriteFileSync } from '../../base/fs-durable.ts';
import type { Logger } from '../../base/log.ts';
import { sendLimits } from '../../base/limits.ts';
import { assertPlaintextAllowed } from '../../base/net.ts';
import { trustOptions } from '../../base/tls-trust.ts';
import { probeCertificate } from '../../base/tls-probe.ts';
import { composeMessage, identityOf, resolveAttachments, type AttachmentOf } from './compose.ts';

export interface SmtpSettings {
  host: string;
  port: number;
  tls: 'tls' | 'starttls' | 'plain';
  user?: string | undefined;
  password?: string | undefined;
  auth?: 'password' | 'xoauth2' | undefined;
  caCert?: string | undefined;
  trustedFingerprint256?: string | undefined;
}

export interface OutboxAccount {
  identities: Identity[];
  smtp: SmtpSettings | null;
  /** The provider files sent mail itself (Gmail and the like): no copy is appended. */
  providerStoresSent: boolean;
}

export interface OutboxDeps {
  dataDir: string;
  log: Logger;
  account(accountId: string): OutboxAccount;
  /** An attachment of an existing message (kept on forward). */
  attachmentOf: AttachmentOf;
  /** Appends the sent message to the account's Sent folder. Throws when the server cannot be reached. */
  appendToSent(accountId: string, raw: Buffer): Promise<void>;
  /** Is a message with this Message-ID in the Sent folder? null: cannot tell now (offline, no Sent folder). */
  foundInSent(accountId: string, messageId: string): Promise<boolean | null>;
  /** A message written from a draft is queued: the draft goes. */
  draftSent(draftId: string): void;
  /** Marks the original of a reply \Answered (forward: $Forwarded). */
  markAnswered(messageRowId: number): void;
  /** Recipients one writes to become autocomplete suggestions. */
  observeRecipients(list: { name: string; address: string }[]): void;
  onChange(items: OutboxItem[]): void;
  now?: () => number;
  /** Undo window, ms (default sendLimits.undoHoldMs). */
  holdMs?: number;
  /** Retry delays after temporary failures (default sendLimits.retryDelaysMs). */
  retryDelaysMs?: readonly number[];
}

interface StoredItem {
  id: string;
  accountId: string;
  messageId: string;
  subject: string;
  to: string[];
  envelope: { from: string; to: string[] };
  state: OutboxState;
  stage: 'connecting' | 'data-sent' | null;
  /** After an interrupted attempt that had sent its data: check Sent before trying again. */
  checkSentFirst: boolean;
  until: number | null;
  attempts: number;
  firstAttempt: number | null;
  error: OutboxItem['error'];
  created: number;
  sentCopy: 'pending' | 'done' | 'skipped' | null;
  compose: ComposeMessage;
}

export class Outbox {
  private readonly dir: string;
  private readonly items = new Map<string, StoredItem>();
  private readonly busyAccounts = new Set<string>();
  /** Messages whose Sent copy is being filed now (never two APPENDs of one message at once). */
  private readonly copying = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly d: OutboxDeps;

  constructor(deps: OutboxDeps) {
    this.d = deps;
    this.dir = path.join(deps.dataDir, 'outbox');
    mkdirSync(this.dir, { recursive: true });
    this.recover();
  }

  private now(): number {
    return this.d.now?.() ?? Date.now();
  }

  // ------------------------------------------------------------------------------ storage

  private json(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  private eml(id: string): string {
    return path.join(this.dir, `${id}.eml`);
  }

  private save(item: StoredItem): void {
    atomicWriteFileSync(this.json(item.id), JSON.stringify(item));
    this.items.set(item.id, item);
  }

  private forget(id: string): void {
    rmSync(this.json(id), { force: true });
    rmSync(this.eml(id), { force: true });
    this.items.delete(id);
  }

  /** Loads the outbox after a start; settles attempts a crash interrupted. */
  private recover(): void {
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith('.json')) continue;
      let item: StoredItem;
      try {
        item = JSON.parse(readFileSync(path.join(this.dir, f), 'utf8')) as StoredItem;
        readFileSync(this.eml(item.id), { flag: 'r' });
      } catch (e) {
        // A half-written pair (crash inside send()) was never acknowledged to the user.
        this.d.log.warn('outbox entry unreadable, moved aside', { file: f, message: (e as Error).message });
        rmSync(path.join(this.dir, f), { force: true });
        continue;
      }
      if (item.state === 'sending') {
        const dataSent = item.stage === 'data-sent';
        item = { ...item, state: 'queued', stage: null, until: null, checkSentFirst: dataSent || item.checkSentFirst };
        this.d.log.info('outbox: interrupted attempt', { id: item.id, dataSent });
        atomicWriteFileSync(this.json(item.id), JSON.stringify(item));
      }
      this.items.set(item.id, item);
    }
  }

  // ------------------------------------------------------------------------------ API

  list(): OutboxItem[] {
    return [...this.items.values()]
      .filter((i) => !(i.state === 'sent' && i.sentCopy !== 'pending'))
      .sort((a, b) => a.created - b.created)
      .map((i) => ({
        id: i.id,
        accountId: i.accountId,
        messageId: i.messageId,
        subject: i.subject,
        to: i.to,
        state: i.state,
        until: i.until,
        attempts: i.attempts,
        error: i.error,
        created: i.created,
      }));
  }

  private changed(): void {
    this.d.onChange(this.list());
  }

  /** Queues a message: on disk (fsync) before this returns; errors in the input throw before anything is written. */
  async send(m: ComposeMessage): Promise<OutboxItem> {
    const identity = identityOf(this.d.account(m.accountId).identities, m.identity);
    const composed = await composeMessage(m, identity, await resolveAttachments(m, this.d.attachmentOf));
    const id = randomUUID();
    const now = this.now();
    const hold = this.d.holdMs ?? sendLimits.undoHoldMs;
    const item: StoredItem = {
      id,
      accountId: m.accountId,
      messageId: composed.messageId,
      subject: m.subject,
      to: composed.envelope.to,
      envelope: composed.envelope,
      state: hold > 0 ? 'held' : m.sendAt && m.sendAt > now ? 'scheduled' : 'queued',
      stage: null,
      checkSentFirst: false,
      until: hold > 0 ? now + hold : m.sendAt && m.sendAt > now ? m.sendAt : null,
      attempts: 0,
      firstAttempt: null,
      error: null,
      created: now,
      sentCopy: null,
      compose: { ...m, attachments: m.attachments },
    };
    atomicWriteFileSync(this.eml(id), composed.raw);
    this.save(item);
    if (m.draftId) this.d.draftSent(m.draftId);
    this.d.observeRecipients([...composed.recipients.to, ...composed.recipients.cc, ...composed.recipients.bcc]);
    this.changed();
    this.schedule(0);
    return this.list().find((i) => i.id === id)!;
  }

  /** Pulls a message back before it went out; it becomes a draft (returned to the editor). */
  unsend(id: string): ComposeMessage {
    const item = this.items.get(id);
    if (!item) throw new HearthError('NOT_FOUND', 'That message is no longer in the outbox');
    if (item.state === 'sending' || item.state === 'sent')
      throw new HearthError('INVALID_ARGUMENT', 'Too late: the message is already on its way', { field: 'id' });
    this.forget(id);
    this.changed();
    return item.compose;
  }

  retry(id: string): void {
    const item = this.items.get(id);
    if (!item) throw new HearthError('NOT_FOUND', 'That message is no longer in the outbox');
    if (item.state !== 'failed' && item.state !== 'queued' && item.state !== 'scheduled')
      throw new HearthError('INVALID_ARGUMENT', 'Only waiting or failed messages can be retried', { field: 'id' });
    this.save({ ...item, state: 'queued', until: null, error: null, firstAttempt: null });
    this.changed();
    this.schedule(0);
  }

  delete(id: string): void {
    const item = this.items.get(id);
    if (!item) throw new HearthError('NOT_FOUND', 'That message is no longer in the outbox');
    if (item.state === 'sending') throw new HearthError('INVALID_ARGUMENT', 'The message is being sent right now', { field: 'id' });
    this.forget(id);
    this.changed();
  }

  /** Tries due messages now (the app calls this when an account comes online). */
  kick(): void {
    this.schedule(0);
  }

  // ------------------------------------------------------------------------------ the sender loop

  private schedule(delay: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), Math.max(0, delay));
    this.timer.unref?.();
  }

  /** Advances every message whose time has come; returns when this round's attempts are done. */
  async tick(): Promise<void> {
    this.timer = null;
    if (this.closed) return;
    const now = this.now();
    const work: Promise<void>[] = [];
    for (const item of [...this.items.values()]) {
      if (item.state === 'held' && item.until !== null && item.until <= now) {
        const sendAt = item.compose.sendAt;
        this.save({ ...item, state: sendAt && sendAt > now ? 'scheduled' : 'queued', until: sendAt && sendAt > now ? sendAt : null });
        this.changed();
      } else if (item.state === 'scheduled' && item.until !== null && item.until <= now) {
        this.save({ ...item, state: 'queued', until: null });
        this.changed();
      }
    }
    for (const item of [...this.items.values()]) {
      if (item.state === 'queued' && (item.until === null || item.until <= now) && !this.busyAccounts.has(item.accountId)) work.push(this.attempt(item.id));
      else if (item.state === 'sent' && item.sentCopy === 'pending') work.push(this.copyToSent(item.id));
    }
    await Promise.all(work);
    // Next wake-up: the earliest due time, else a slow poll for copies still waiting for the network.
    const dues = [...this.items.values()].filter((i) => i.state !== 'failed' && i.until !== null).map((i) => i.until!);
    const pending = [...this.items.values()].some((i) => (i.state === 'queued' && i.until === null) || (i.state === 'sent' && i.sentCopy === 'pending'));
    if (dues.length) this.schedule(Math.min(...dues) - this.now());
    else if (pending) this.schedule(30_000);
  }

  private async attempt(id: string): Promise<void> {
    let item = this.items.get(id);
    if (!item) return;
    this.busyAccounts.add(item.accountId);
    try {
      if (item.checkSentFirst) {
        const found = await this.d.foundInSent(item.accountId, item.messageId).catch(() => null);
        if (found === null) {
          this.save({
            ...item,
            until: this.now() + (this.d.retryDelaysMs ?? sendLimits.retryDelaysMs)[0]!,
            error: { code: 'OFFLINE', message: 'Hearth was interrupted while sending this; it waits to check the Sent folder before trying again' },
          });
          this.changed();
          return;
        }
        if (found) {
          this.d.log.info('outbox: interrupted message was delivered (found in Sent)', { id });
          this.save({ ...item, state: 'sent', stage: null, error: null, sentCopy: 'done' });
          this.forget(id);
          this.changed();
          return;
        }
        item = { ...item, checkSentFirst: false };
      }
      const account = this.d.account(item.accountId);
      if (!account.smtp) {
        this.save({ ...item, state: 'failed', error: { code: 'INVALID_ARGUMENT', message: 'This account has no outgoing (SMTP) server set up' } });
        this.changed();
        return;
      }
      const now = this.now();
      item = { ...item, state: 'sending', stage: 'connecting', attempts: item.attempts + 1, firstAttempt: item.firstAttempt ?? now, error: null };
      this.save(item);
      this.changed();
      const raw = readFileSync(this.eml(id));
      try {
        await submit(account.smtp, item.envelope, raw, () => {
          // The last byte is with the connection; the server has not answered yet.
          this.save({ ...this.items.get(id)!, stage: 'data-sent' });
        });
      } catch (e) {
        let err = classify(e);
        // An untrusted certificate: what it is, so the user can trust exactly that one (as for IMAP).
        if (err.payload.code === 'CERT_UNTRUSTED') {
          const detail = await certificateDetail(account.smtp);
          if (detail) err = { ...err, payload: { ...err.payload, detail } };
        }
        const cur = this.items.get(id)!;
        const expired = this.now() - (cur.firstAttempt ?? now) > sendLimits.giveUpAfterMs;
        if (err.temporary && !expired) {
          const delays = this.d.retryDelaysMs ?? sendLimits.retryDelaysMs;
          const delay = delays[Math.min(cur.attempts - 1, delays.length - 1)]!;
          this.save({ ...cur, state: 'queued', stage: null, until: this.now() + delay, error: err.payload });
        } else {
          this.save({ ...cur, state: 'failed', stage: null, until: null, error: err.payload });
        }
        this.d.log.info('outbox: attempt failed', { id, code: err.payload.code, temporary: err.temporary });
        this.changed();
        return;
      }
      const done: StoredItem = {
        ...this.items.get(id)!,
        state: 'sent',
        stage: null,
        until: null,
        sentCopy: account.providerStoresSent ? 'skipped' : 'pending',
      };
      this.save(done);
      if (done.compose.replyToMessageId !== undefined) {
        try {
          this.d.markAnswered(done.compose.replyToMessageId);
        } catch {
          // The original may be gone; the reply went out all the same.
        }
      }
      this.changed();
      // The server has answered: the account is free for the next message now, not once the Sent
      // copy (bookkeeping on another server, however slow) is filed.
      this.release(item.accountId);
      if (done.sentCopy === 'pending') await this.copyToSent(id);
      else this.forget(id);
    } finally {
      this.release(item.accountId);
    }
  }

  /** The account may submit again; a message that waited for it goes at once (not at the next slow poll). */
  private release(accountId: string): void {
    if (!this.busyAccounts.delete(accountId)) return;
    const now = this.now();
    if ([...this.items.values()].some((i) => i.accountId === accountId && i.state === 'queued' && (i.until === null || i.until <= now))) this.schedule(0);
  }

  private async copyToSent(id: string): Promise<void> {
    const item = this.items.get(id);
    if (!item || this.copying.has(id)) return;
    this.copying.add(id);
    try {
      await this.d.appendToSent(item.accountId, readFileSync(this.eml(id)));
    } catch (e) {
      this.d.log.info('outbox: Sent copy waits for the server', { id, message: (e as Error).message });
      return;
    } finally {
      this.copying.delete(id);
    }
    this.forget(id);
    this.changed();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

/** One SMTP submission with nodemailer; `onDataWritten` runs once the whole message is with the connection. */
async function submit(s: SmtpSettings, envelope: { from: string; to: string[] }, raw: Buffer, onDataWritten: () => void): Promise<void> {
  assertPlaintextAllowed(s.host, s.tls);
  const transport = nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.tls === 'tls',
    requireTLS: s.tls === 'starttls',
    ignoreTLS: s.tls === 'plain',
    ...(s.user
      ? { auth: s.auth === 'xoauth2' ? { type: 'OAuth2' as const, user: s.user, accessToken: s.password ?? '' } : { user: s.user, pass: s.password ?? '' } }
      : {}),
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...trustOptions(s) },
    connectionTimeout: sendLimits.connectTimeoutMs,
    greetingTimeout: sendLimits.connectTimeoutMs,
    socketTimeout: sendLimits.socketTimeoutMs,
    name: 'hearth.localhost',
  });
  let sentAll = false;
  const body = new Readable({
    read() {
      if (sentAll) return;
      sentAll = true;
      this.push(raw);
      // Recorded before end-of-data reaches the wire, so a crash after this point is "maybe sent".
      onDataWritten();
      this.push(null);
    },
  });
  try {
    await transport.sendMail({ envelope, raw: body, size: raw.length } as Parameters<typeof transport.sendMail>[0]);
  } finally {
    transport.close();
  }
}

interface Classified {
  temporary: boolean;
  payload: { code: string; message: string; response?: string; detail?: Record<string, unknown> };
}

/** The certificate an outgoing server presents (looked at again after it was refused), as account errors show one. */
async function certificateDetail(s: { host: string; port: number; tls: 'tls' | 'starttls' | 'plain' }): Promise<Record<string, unknown> | null> {
  if (s.tls === 'plain') return null;
  const cert = await probeCertificate(s.host, s.port, s.tls === 'starttls' ? 'smtp' : null).catch(() => null);
  return cert ? { subject: cert.subject, issuer: cert.issuer, validTo: cert.validTo, fingerprint256: cert.fingerprint256 } : null;
}

/** Sorts a submission failure into "try again later" and "tell the user", keeping the server's words. */
export function classify(e: unknown): Classified {
  const err = e as { code?: string; responseCode?: number; response?: string; message?: string; command?: string };
  const response = err.response?.trim();
  const withResponse = (code: ErrorCode, message: string): Classified['payload'] => ({ code, message, ...(response ? { response } : {}) });
  if (e instanceof HearthError) return { temporary: false, payload: { code: e.code, message: e.message } };
  if (err.code === 'EAUTH')
    return { temporary: false, payload: withResponse('AUTH_FAILED', `The outgoing server refused the login${response ? `: ${response}` : ''}`) };
  const rc = err.responseCode;
  if (rc && rc >= 500) {
    if (rc === 552 || rc === 523 || /size|too (big|large)/i.test(response ?? ''))
      return { temporary: false, payload: withResponse('MESSAGE_TOO_LARGE', `The server refused the message as too large: ${response ?? rc}`) };
    if (err.command === 'RCPT TO' || /RCPT/i.test(err.command ?? '') || rc === 550 || rc === 553)
      return { temporary: false, payload: withResponse('BAD_ADDRESS', `The server refused a recipient: ${response ?? rc}`) };
    return { temporary: false, payload: withResponse('DELIVERY_FAILED', `The server refused the message: ${response ?? rc}`) };
  }
  if (rc && rc >= 400) return { temporary: true, payload: withResponse('DELIVERY_DEFERRED', `The server asked to try again later: ${response ?? rc}`) };
  if (err.code === 'EENVELOPE' && /recipient/i.test(err.message ?? ''))
    return { temporary: false, payload: withResponse('BAD_ADDRESS', err.message ?? 'The server refused the recipients') };
  if (err.code === 'ETLS' || /certificate|self.signed/i.test(err.message ?? ''))
    // (Node's own advice after a ";", about --use-system-ca, is not for the person using the app.)
    return {
      temporary: false,
      payload: { code: 'CERT_UNTRUSTED', message: `The outgoing server's certificate is not trusted: ${(err.message ?? '').split(';')[0]}` },
    };
  // Network trouble (refused, reset, timeout, DNS): wait and try again.
  return { temporary: true, payload: { code: 'OFFLINE', message: `Waiting for the outgoing server (${err.message ?? String(e)})` } };
}
