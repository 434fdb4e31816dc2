// Shapes shared by the relay's parts: the queued message's envelope and per-recipient state, the
// injectable clock and DNS resolver, and the local delivery hook into the mailbox store.
import type { Readable } from 'node:stream';
import type { MxRecord } from 'node:dns';

export type RecipientState = 'pending' | 'deferred' | 'delivered' | 'failed';

export interface QueuedRecipient {
  address: string;
  state: RecipientState;
  attempts: number;
  /** Last reply from the remote server or the reason (e.g. "451 4.3.0 Try again"). */
  lastReply?: string;
  /** RFC 3463 status for the DSN (e.g. "5.1.1"), derived from lastReply. */
  status?: string;
  lastAttemptAt?: number;
  /** Epoch ms of the next attempt (pending recipients are due at once). */
  nextAttemptAt: number;
  /** The host that gave the last reply, for the DSN's Remote-MTA. */
  remoteMta?: string;
  /** A failure DSN went out for this recipient. */
  reported?: boolean;
}

export interface QueueEnvelope {
  version: 1;
  id: string;
  /** Envelope sender; '' is the null sender <> (bounces), never bounced itself. */
  from: string;
  recipients: QueuedRecipient[];
  createdAt: number;
  /** Headers prepended to the stored body when the message is read (Received, DKIM-Signature...). */
  prepend: string;
  /** Size and SHA-256 of the body file, so a truncated or damaged file is recognised. */
  bodySize: number;
  bodySha256: string;
  /** Who submitted it (authenticated user) and from where; for logs and `queue list`. */
  submittedBy?: string;
  clientAddress?: string;
  /** A delay warning DSN went out for this message. */
  delayWarned?: boolean;
  /** This message is itself a DSN (never gets another DSN). */
  isDsn?: boolean;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The parts of node:dns/promises Resolver the router uses; tests pass a fake. */
export interface MxResolver {
  resolveMx(domain: string): Promise<MxRecord[]>;
  resolve4(host: string): Promise<string[]>;
  resolve6(host: string): Promise<string[]>;
  resolveTxt?(name: string): Promise<string[][]>;
}

export type LocalDeliveryResult = { ok: true } | { ok: false; permanent: boolean; reply: string };

/** Delivers one message to one local recipient (a delivery transaction in the mailbox store). */
export interface LocalDelivery {
  isLocal(address: string): Promise<boolean> | boolean;
  deliver(recipient: string, from: string, body: () => Readable, size: number): Promise<LocalDeliveryResult>;
}

/** How the relay talks to the smarthost: STARTTLS on 587/25, TLS from the first byte on 465 (RFC 8314), or no TLS. */
export type SmarthostTls = 'starttls' | 'implicit' | 'none';
export const SMARTHOST_TLS_MODES: readonly SmarthostTls[] = ['starttls', 'implicit', 'none'];

export interface SmarthostOptions {
  host: string;
  port: number;
  user?: string;
  password?: string;
  /** Default starttls (required, certificate verified). */
  tls?: SmarthostTls;
  /** tls "none" sends the login and the mail in clear: only with this set (--smarthost-allow-plaintext). */
  allowPlaintext?: boolean;
  /** With starttls: false = STARTTLS only when offered, certificate not verified (a loopback test relay). */
  requireTls?: boolean;
  /** Extra CA certificates (PEM) to trust for the smarthost. */
  ca?: string | Buffer;
}

/** A queued message as the relay holds it: the envelope and the chain its state writes go through. */
export interface QueueEntry {
  env: QueueEnvelope;
  chain: Promise<void>;
}
