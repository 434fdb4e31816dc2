// The API contract: the only seam between the UI and the services. Every method and event is
// declared once here with a runtime schema; the Electron IPC host and the WebSocket host both
// validate against it and call the same service objects.
import { z } from 'zod';
import { DiscoveryResult } from './discovery.ts';
import { DesktopIntent, HouseholdSetup, MailboxName, WelcomeStatus } from './desktop.ts';
import { SettingChange, SettingsSchema } from './settings.ts';
import { ListOrder, ListView } from './list-order.ts';

// ---------------------------------------------------------------------------------------------
// Domain types

export const TlsMode = z.enum(['tls', 'starttls', 'plain']);
export type TlsMode = z.infer<typeof TlsMode>;

const hostName = z
  .string()
  .trim()
  .min(1, 'Host is required')
  .max(253)
  .regex(/^[A-Za-z0-9.:\-[\]_]+$/, 'Host name has invalid characters');
const port = z.number().int().min(1).max(65535);
const emailAddress = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+$/, 'Not an email address');

/** A SHA-256 certificate fingerprint as Node and browsers show it: "AB:CD:…" (32 bytes). */
export const Fingerprint256 = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'Not a SHA-256 fingerprint');

export const IncomingServerInput = z.object({
  protocol: z.enum(['imap', 'pop3']).default('imap'),
  host: hostName,
  port,
  tls: TlsMode,
  user: z.string().min(1, 'User name is required').max(320),
  /** The password, or for `auth: 'xoauth2'` the OAuth2 access token. */
  password: z.string().max(4096),
  /** How to log in: a password (LOGIN / AUTH PLAIN) or an OAuth2 bearer token (SASL XOAUTH2). */
  auth: z.enum(['password', 'xoauth2']).default('password'),
  /** PEM of a CA to trust for this server only (e.g. a household server's self-signed cert). */
  caCert: z.string().max(65536).optional(),
  /**
   * A certificate the user trusted after seeing it ("Trust this certificate"): the server is
   * accepted when it presents exactly this certificate, whatever names it carries.
   */
  trustedFingerprint256: Fingerprint256.optional(),
  /** POP3 only: what happens to messages on the server after they are downloaded. */
  pop3: z
    .object({
      leaveOnServer: z.boolean().default(true),
      deleteAfterDays: z.number().int().min(0).max(3650).nullable().default(null),
      deleteWhenDeletedHere: z.boolean().default(true),
      /** How often to check for new mail, minutes. */
      checkEveryMinutes: z.number().int().min(1).max(1440).default(10),
    })
    .optional(),
});
export type IncomingServerInput = z.infer<typeof IncomingServerInput>;

export const OutgoingServerInput = z.object({
  host: hostName,
  port,
  tls: TlsMode,
  user: z.string().max(320).optional(),
  password: z.string().max(1024).optional(),
  caCert: z.string().max(65536).optional(),
  trustedFingerprint256: Fingerprint256.optional(),
});
export type OutgoingServerInput = z.infer<typeof OutgoingServerInput>;

/** Who the user writes as from an account: the first identity is the default. */
export const Identity = z.object({
  name: z.string().trim().max(200),
  email: emailAddress,
  replyTo: emailAddress.optional(),
  /** Plain text, added below new messages and replies. */
  signature: z.string().max(10_000).optional(),
});
export type Identity = z.infer<typeof Identity>;

export const AccountInput = z.object({
  name: z.string().trim().min(1).max(200),
  email: emailAddress,
  incoming: IncomingServerInput,
  outgoing: OutgoingServerInput.optional(),
  /** Defaults to one identity from `name` and `email`. */
  identities: z.array(Identity).min(1).max(20).optional(),
});
export type AccountInput = z.infer<typeof AccountInput>;

export const AccountState = z.enum(['connecting', 'syncing', 'online', 'offline', 'error']);
export type AccountState = z.infer<typeof AccountState>;

/** An account as the UI sees it: never with its password. */
export const Account = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  incoming: IncomingServerInput.omit({ password: true, caCert: true }),
  outgoing: OutgoingServerInput.omit({ password: true, caCert: true }).optional(),
  identities: z.array(Identity),
  state: AccountState,
  /** The last failure; `detail` says more where it helps fix it (the refused certificate's subject, issuer, fingerprint). */
  error: z.object({ code: z.string(), message: z.string(), detail: z.record(z.string(), z.unknown()).optional() }).optional(),
  /** Accounts are listed by this, ascending: the order they were added in until the user reorders them. */
  order: z.number().optional(),
});
export type Account = z.infer<typeof Account>;

/** Accounts in the user's order (`order`, then the id for a stable tie-break). */
export function inAccountOrder<T extends { id: string; order?: number | undefined }>(accounts: readonly T[]): T[] {
  return [...accounts].sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export const SpecialUse = z.enum(['inbox', 'sent', 'drafts', 'trash', 'junk', 'archive', 'all', 'flagged']);
export type SpecialUse = z.infer<typeof SpecialUse>;

export const Mailbox = z.object({
  id: z.number().int(),
  accountId: z.string(),
  path: z.string(),
  name: z.string(),
  delimiter: z.string().nullable(),
  parentPath: z.string().nullable(),
  specialUse: SpecialUse.nullable(),
  subscribed: z.boolean(),
  total: z.number().int(),
  unseen: z.number().int(),
});
export type Mailbox = z.infer<typeof Mailbox>;

export const Address = z.object({ name: z.string(), address: z.string() });
export type Address = z.infer<typeof Address>;

export const MessageSummary = z.object({
  id: z.number().int(),
  accountId: z.string(),
  mailboxId: z.number().int(),
  uid: z.number().int(),
  messageId: z.string().nullable(),
  subject: z.string(),
  from: z.array(Address),
  to: z.array(Address),
  cc: z.array(Address),
  /** Sent date (or internal date when the header is missing), ms since epoch. */
  date: z.number(),
  flags: z.array(z.string()),
  size: z.number().int(),
  snippet: z.string(),
  hasAttachments: z.boolean(),
  /** The conversation this message belongs to (computed locally from Message-ID/References). */
  threadId: z.number().int(),
});
export type MessageSummary = z.infer<typeof MessageSummary>;

export const AttachmentInfo = z.object({
  partId: z.string(),
  filename: z.string().nullable(),
  contentType: z.string(),
  size: z.number().int(),
  contentId: z.string().nullable(),
  inline: z.boolean(),
});
export type AttachmentInfo = z.infer<typeof AttachmentInfo>;

export const MessageBody = z.object({
  id: z.number().int(),
  /** Untrusted HTML as sent; the renderer sanitises it before showing it. */
  html: z.string().nullable(),
  text: z.string().nullable(),
  attachments: z.array(AttachmentInfo),
  /** True when the MIME could not be fully parsed; what could be read is still shown. */
  damaged: z.boolean(),
  /** For replies: the original's References (oldest first) and Reply-To. */
  references: z.array(z.string()).default([]),
  replyTo: z.array(Address).default([]),
});
export type MessageBody = z.infer<typeof MessageBody>;

/** One change in main's journal; the renderer cache applies these in seq order. */
export const Change = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('account'), seq: z.number(), account: Account }),
  z.object({ kind: z.literal('mailbox'), seq: z.number(), mailbox: Mailbox }),
  z.object({ kind: z.literal('message'), seq: z.number(), message: MessageSummary }),
  z.object({
    kind: z.literal('removed'),
    seq: z.number(),
    entity: z.enum(['account', 'mailbox', 'message']),
    id: z.union([z.string(), z.number()]),
  }),
]);
export type Change = z.infer<typeof Change>;

export const SyncProgress = z.object({
  accountId: z.string(),
  phase: z.enum(['connecting', 'folders', 'headers', 'bodies', 'idle', 'done']),
  mailbox: z.string().nullable(),
  done: z.number().int(),
  total: z.number().int(),
});
export type SyncProgress = z.infer<typeof SyncProgress>;

/** A message in the household server's outgoing queue, with each recipient's state. */
export const QueueItem = z.object({
  id: z.string(),
  from: z.string(),
  createdAt: z.number(),
  size: z.number(),
  submittedBy: z.string().optional(),
  recipients: z.array(
    z.object({
      address: z.string(),
      state: z.string(),
      attempts: z.number(),
      lastReply: z.string().nullable().optional(),
      nextAttemptAt: z.number().nullable().optional(),
    }),
  ),
});
export type QueueItem = z.infer<typeof QueueItem>;

export const ServerStatus = z.object({
  running: z.boolean(),
  domain: z.string().nullable(),
  listeners: z.array(
    z.object({
      protocol: z.string(),
      host: z.string(),
      port: z.number().int(),
      /** Bound to an address other machines reach (LAN), not only this computer's loopback. */
      reachableFromOutside: z.boolean().optional(),
    }),
  ),
});
export type ServerStatus = z.infer<typeof ServerStatus>;

/** The certificate the household server's TLS listeners present, and its ACME renewal. */
export const ServerCertificateStatus = z.object({
  /** acme: issued by a CA (RFC 8555); own: the household's own files; self-signed: Hearth's fallback. */
  source: z.enum(['acme', 'own', 'self-signed']),
  subjectNames: z.array(z.string()),
  issuer: z.string(),
  notBefore: z.number(),
  notAfter: z.number(),
  /** SHA-256 fingerprint ("AB:CD:…") for pinning the self-signed certificate on devices. */
  fingerprint256: z.string(),
  /** The self-signed fallback's fingerprint, served when no other certificate is valid. */
  fallbackFingerprint256: z.string(),
  acme: z
    .object({
      directoryUrl: z.string(),
      domains: z.array(z.string()),
      challenge: z.string(),
      renewing: z.boolean(),
      /** What an issuance under way is doing now, for the admin watching. */
      progress: z.string().nullable(),
      renewAt: z.number().nullable(),
      nextCheckAt: z.number().nullable(),
      lastAttemptAt: z.number().nullable(),
      lastError: z.string().nullable(),
    })
    .nullable(),
});
export type ServerCertificateStatus = z.infer<typeof ServerCertificateStatus>;

/** The outgoing relay's smarthost and whether it works: a problem the admin must fix shows at once. */
export const ServerRelayStatus = z.object({
  smarthost: z
    .object({
      host: z.string(),
      port: z.number().int(),
      tls: z.enum(['starttls', 'implicit', 'none']),
      user: z.string().nullable(),
      /** A password is stored (sealed); the password itself never leaves the server. */
      hasPassword: z.boolean(),
      /** Extra CA certificates are trusted for it (its own CA). */
      customCa: z.boolean(),
      /** Set for tls "none": the login and mail cross the network unencrypted. */
      warning: z.string().nullable(),
    })
    .nullable(),
  /** "smarthost problem: …" after a failed attempt for a reason the admin must fix; null after a success. */
  problem: z.string().nullable(),
  problemSince: z.number().nullable(),
});
export type ServerRelayStatus = z.infer<typeof ServerRelayStatus>;

/** An attachment of a message being written: its bytes (base64) or, from main's own code, a file path. */
export const OutgoingAttachment = z.object({
  filename: z.string().min(1).max(255),
  contentType: z.string().max(255).default('application/octet-stream'),
  contentBase64: z.string().optional(),
  /** Inline image referenced from the HTML as cid:<contentId> (sent in multipart/related). */
  contentId: z
    .string()
    .max(255)
    .regex(/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.@]+$/, 'A Content-ID is letters, digits and dot-atom signs, without <>')
    .optional(),
  /** Keeps an attachment of the original on forward: main copies it from there. */
  fromMessage: z.object({ messageId: z.number().int(), partId: z.string().max(64) }).optional(),
});
export type OutgoingAttachment = z.infer<typeof OutgoingAttachment>;

/** A message being written. Recipients are header text ("Ann <a@x>, b@y"); main parses them. */
export const ComposeMessage = z
  .object({
    accountId: z.string().min(1),
    /** Index into the account's identities (0 = default). */
    identity: z.number().int().min(0).max(19).default(0),
    to: z.string().max(20_000).default(''),
    cc: z.string().max(20_000).default(''),
    bcc: z.string().max(20_000).default(''),
    subject: z.string().max(2000).default(''),
    text: z
      .string()
      .max(10 * 1024 * 1024)
      .default(''),
    html: z
      .string()
      .max(20 * 1024 * 1024)
      .optional(),
    attachments: z.array(OutgoingAttachment).max(100).default([]),
    inReplyTo: z.string().max(998).optional(),
    references: z.array(z.string().max(998)).max(100).default([]),
    /** The message this replies to or forwards (to mark it answered). */
    replyToMessageId: z.number().int().optional(),
    /** Send at this time (ms since epoch) instead of now. */
    sendAt: z.number().int().optional(),
    /** The draft this message was saved as, replaced on save and deleted when sent. */
    draftId: z.string().max(100).optional(),
  })
  // Every cid: image of the HTML travels as a part of its own (else it arrives broken).
  .superRefine((m, ctx) => {
    const cids = new Set(m.attachments.flatMap((a) => (a.contentId ? [a.contentId.toLowerCase()] : [])));
    for (const cid of referencedContentIds(m.html))
      if (!cids.has(cid.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['html'], message: `The inline image cid:${cid} has no part` });
  });
export type ComposeMessage = z.infer<typeof ComposeMessage>;

/** Content-IDs the HTML of a message refers to (cid: images). */
export function referencedContentIds(html: string | undefined): string[] {
  return [...(html ?? '').matchAll(/\bsrc\s*=\s*["']cid:([^"']+)["']/gi)].map((m) => m[1]!);
}

export const OutboxState = z.enum(['held', 'scheduled', 'queued', 'sending', 'sent', 'failed']);
export type OutboxState = z.infer<typeof OutboxState>;

export const OutboxItem = z.object({
  id: z.string(),
  accountId: z.string(),
  messageId: z.string(),
  subject: z.string(),
  to: z.array(z.string()),
  state: OutboxState,
  /** Until when "undo" can pull it back (held), or when it is due (scheduled / queued retry). */
  until: z.number().nullable(),
  attempts: z.number().int(),
  /**
   * Why it waits or failed, with the server's reply where there was one; `detail` says more where
   * it helps fix it (an untrusted certificate's subject, issuer, expiry and fingerprint).
   */
  error: z.object({ code: z.string(), message: z.string(), response: z.string().optional(), detail: z.record(z.string(), z.unknown()).optional() }).nullable(),
  created: z.number(),
});
export type OutboxItem = z.infer<typeof OutboxItem>;

// ---------------------------------------------------------------------------------------------
// Methods

export interface MethodSpec<A extends z.ZodType, R extends z.ZodType> {
  args: A;
  result: R;
}
/** An import into a folder or an export of one, as it goes (also the result of starting one). */
export const TransferProgress = z.object({
  jobId: z.string(),
  kind: z.enum(['import', 'export']),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  mailboxId: z.number().int(),
  /** The file or folder read from (import) or written to (export). */
  path: z.string(),
  /** Messages handled so far (an import resumed after a crash counts those of earlier runs) of `total`. */
  done: z.number().int(),
  total: z.number().int(),
  /** Messages passed over (too large, refused by the server). */
  skipped: z.number().int(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type TransferProgress = z.infer<typeof TransferProgress>;

const method = <A extends z.ZodType, R extends z.ZodType>(args: A, result: R): MethodSpec<A, R> => ({ args, result });

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });
const accountRef = z.object({ accountId: z.string().min(1) }).strict();
/** Messages one action call takes; the UI sends bigger selections in chunks of this size. */
export const MAX_MESSAGE_IDS = 10_000;
const messageIds = z.array(z.number().int().nonnegative()).min(1).max(MAX_MESSAGE_IDS);
/** A move, archive or delete: the tokens that undo it with `messages.undo` (none when it cannot be undone). */
const Undoable = z.object({ ok: z.literal(true), undo: z.array(z.string()) });
const folderName = z
  .string()
  .trim()
  .min(1, 'Folder name is required')
  .max(200)
  .refine((s) => !/[/\\%*]/.test(s) && ![...s].some((c) => c.charCodeAt(0) < 32), 'Folder names cannot contain / \\ % * or control characters');

// ---------------------------------------------------------------------------------------------
// Household admin (the app's admin screen; the same code as the `hearth` CLI runs behind it)

export const AdminUser = z.object({
  address: z.string(),
  displayName: z.string().nullable(),
  /** The storage limit in bytes, null for none. */
  quotaBytes: z.number().int().nullable(),
  /** Bytes of all the user's messages. */
  usedBytes: z.number().int().nullable(),
});
export type AdminUser = z.infer<typeof AdminUser>;

/** What DNS says now about a record to publish: ok ✓, missing/wrong/error ✗ with what it returned. */
export const DnsRecordCheck = z.object({
  state: z.enum(['ok', 'missing', 'wrong', 'error']),
  found: z.array(z.string()),
  message: z.string().optional(),
});
export type DnsRecordCheck = z.infer<typeof DnsRecordCheck>;

export const DnsRecordToPublish = z.object({
  name: z.string(),
  type: z.string(),
  value: z.string(),
  why: z.string(),
  /** null when the check was not asked for. */
  check: DnsRecordCheck.nullable(),
});
export type DnsRecordToPublish = z.infer<typeof DnsRecordToPublish>;

const adminPassword = z.string().min(8, 'At least 8 characters').max(1024);
const adminDomain = z
  .string()
  .trim()
  .min(1, 'Domain is required')
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$/, 'Not a domain name');

export const SmarthostTlsMode = z.enum(['starttls', 'implicit', 'none']);

/**
 * The smarthost the relay sends all outgoing mail through (as `hearth smarthost set`). A password
 * left out keeps the stored one (same user); caCert null drops a CA given before, left out keeps it.
 */
export const SmarthostInput = z
  .object({
    host: hostName,
    port,
    /** starttls: STARTTLS required (587, 25); implicit: TLS from the first byte (465); none: plain text. */
    tls: SmarthostTlsMode,
    /** Required for tls "none": the login and the mail then cross the network unencrypted. */
    allowPlaintext: z.boolean().default(false),
    user: z.string().trim().max(320).optional(),
    password: z.string().min(1, 'Password is empty').max(1024).optional(),
    /** PEM of the CA that issued the smarthost's certificate, when it is not publicly trusted. */
    caCert: z
      .string()
      .max(65536)
      .regex(/-----BEGIN CERTIFICATE-----/, 'Not a PEM certificate')
      .nullable()
      .optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.tls === 'none' && !v.allowPlaintext)
      ctx.addIssue({ code: 'custom', path: ['allowPlaintext'], message: 'Without TLS the login and the mail cross the network in clear: allow it explicitly' });
    if (v.password !== undefined && !v.user) ctx.addIssue({ code: 'custom', path: ['user'], message: 'A password needs a user name' });
  });
export type SmarthostInput = z.infer<typeof SmarthostInput>;

/** One entry per admin action; each runs HouseholdAdmin (src/main/server/admin/), as the CLI does. */
const serverAdminMethods = {
  'server.users.list': method(Empty, z.array(AdminUser)),
  'server.users.add': method(
    z.object({ address: emailAddress, password: adminPassword, displayName: z.string().trim().max(200).optional() }).strict(),
    AdminUser,
  ),
  'server.users.setPassword': method(z.object({ address: emailAddress, password: adminPassword }).strict(), Ok),
  /** The mail stays on disk unless deleteMail. */
  'server.users.remove': method(z.object({ address: emailAddress, deleteMail: z.boolean().default(false) }).strict(), Ok),
  /** quota: "500M", "2G", bytes, or "none" (as `hearth user quota`). */
  'server.users.setQuota': method(
    z.object({ address: emailAddress, quota: z.string().trim().min(1, 'Quota is required').max(32) }).strict(),
    z.object({ quotaBytes: z.number().int().nullable() }),
  ),
  'server.aliases.list': method(
    Empty,
    z.object({
      aliases: z.array(z.object({ alias: z.string(), targets: z.array(z.string()) })),
      catchAll: z.array(z.object({ domain: z.string(), target: z.string() })),
    }),
  ),
  'server.aliases.set': method(z.object({ alias: emailAddress, targets: z.array(emailAddress).min(1).max(100) }).strict(), Ok),
  'server.aliases.remove': method(z.object({ alias: emailAddress }).strict(), Ok),
  /** target null clears the domain's catch-all. */
  'server.catchall.set': method(z.object({ domain: adminDomain, target: emailAddress.nullable() }).strict(), Ok),
  'server.domains.list': method(Empty, z.array(z.object({ name: z.string(), primary: z.boolean(), users: z.number().int() }))),
  'server.domains.add': method(z.object({ name: adminDomain }).strict(), Ok),
  'server.domains.remove': method(z.object({ name: adminDomain }).strict(), Ok),
  /** Issues a new ACME certificate now, due or not; answers at once (renewing), progress and outcome in server.certificate.status. */
  'server.certificate.renew': method(Empty, ServerCertificateStatus),
  /** Sends outgoing mail through this smarthost from now on (stored like `hearth smarthost set`). */
  'server.smarthost.set': method(SmarthostInput, ServerRelayStatus),
  /** Outgoing mail goes straight to each domain's MX again. */
  'server.smarthost.clear': method(Empty, ServerRelayStatus),
  /** The records `hearth dns` prints, each checked against DNS now when `check`. */
  'server.dns.records': method(
    z.object({ domain: adminDomain.optional(), check: z.boolean().default(true) }).strict(),
    z.object({ domain: z.string(), mailHost: z.string(), records: z.array(DnsRecordToPublish) }),
  ),
} as const;
export const serverAdminMethodNames = Object.keys(serverAdminMethods) as Array<keyof typeof serverAdminMethods>;

export const methods = {
  'app.info': method(
    Empty,
    // logFile: where this host's JSON log goes (DATA/logs/hearth.log), null when it logs nowhere on disk.
    z.object({ version: z.string(), host: z.enum(['electron', 'web']), dataDir: z.string(), logFile: z.string().nullable() }),
  ),

  'accounts.list': method(Empty, z.array(Account)),
  /** Finds incoming and outgoing settings for an address (autoconfig, ISPDB, SRV, MX, guesses), each probed. */
  'accounts.discover': method(z.object({ email: emailAddress }).strict(), DiscoveryResult),
  'accounts.add': method(AccountInput.strict(), Account),
  'accounts.remove': method(accountRef, Ok),
  /**
   * Changes an account's name, identities, incoming or outgoing server (a password left out keeps
   * the saved one). A changed incoming server or password reconnects the account at once; a
   * `trustedFingerprint256` pins the certificate the server presents now, if it is that one.
   */
  'accounts.update': method(
    z
      .object({
        accountId: z.string().min(1),
        name: z.string().trim().min(1).max(200).optional(),
        identities: z.array(Identity).min(1).max(20).optional(),
        incoming: IncomingServerInput.omit({ protocol: true, auth: true }).partial().strict().optional(),
        outgoing: OutgoingServerInput.nullable().optional(),
      })
      .strict(),
    Account,
  ),
  /** Puts the accounts in this order (every account, each once). */
  'accounts.reorder': method(z.object({ accountIds: z.array(z.string().min(1)).min(1).max(1000) }).strict(), z.array(Account)),

  'mailboxes.list': method(accountRef, z.array(Mailbox)),
  'mailboxes.create': method(z.object({ accountId: z.string().min(1), parentId: z.number().int().nullable().default(null), name: folderName }).strict(), Ok),
  'mailboxes.rename': method(z.object({ mailboxId: z.number().int(), name: folderName }).strict(), Ok),
  'mailboxes.delete': method(z.object({ mailboxId: z.number().int() }).strict(), Ok),
  'mailboxes.subscribe': method(z.object({ mailboxId: z.number().int(), subscribed: z.boolean() }).strict(), Ok),

  'messages.page': method(
    z.object({ mailboxId: z.number().int(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    z.object({ total: z.number().int(), messages: z.array(MessageSummary) }),
  ),
  /** A list's ids in order: a folder or a smart folder, sorted, flat or one row per conversation (its newest message). */
  'messages.list': method(z.object({ view: ListView, order: ListOrder }).strict(), z.object({ ids: z.array(z.number().int()) })),
  'messages.body': method(z.object({ messageId: z.number().int() }).strict(), MessageBody),
  /** One attachment, fetched on demand; content base64. */
  'messages.attachment': method(
    z.object({ messageId: z.number().int(), partId: z.string().min(1).max(64) }).strict(),
    z.object({ filename: z.string().nullable(), contentType: z.string(), contentBase64: z.string() }),
  ),
  'messages.setFlags': method(
    z.object({ messageIds, add: z.array(z.string().min(1).max(64)).default([]), remove: z.array(z.string().min(1).max(64)).default([]) }).strict(),
    Ok,
  ),
  'messages.move': method(z.object({ messageIds, targetMailboxId: z.number().int() }).strict(), Undoable),
  'messages.copy': method(z.object({ messageIds, targetMailboxId: z.number().int() }).strict(), Ok),
  /** To Trash; in Trash, deleted for good. */
  'messages.delete': method(z.object({ messageIds }).strict(), Undoable),
  'messages.archive': method(z.object({ messageIds }).strict(), Undoable),
  /** Puts the messages of earlier moves, archives or deletes (to Trash) back where they were. */
  'messages.undo': method(z.object({ tokens: z.array(z.string().min(1).max(64)).min(1).max(100) }).strict(), z.object({ restored: z.number().int() })),
  /** The conversation a message belongs to, oldest first. */
  'messages.thread': method(z.object({ messageId: z.number().int() }).strict(), z.array(MessageSummary)),
  /**
   * Searches every cached message (all accounts, or one account or folder) with the query language
   * of shared/search-query.ts; best matches first, paged by offset. A bad operator is INVALID_ARGUMENT.
   */
  'messages.search': method(
    z
      .object({
        accountId: z.string().optional(),
        mailboxId: z.number().int().optional(),
        query: z.string().min(1).max(1000),
        offset: z.number().int().min(0).max(100_000).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    z.array(MessageSummary),
  ),
  /** How far the local search index is. */
  'search.status': method(
    Empty,
    z.object({ messages: z.number().int(), documents: z.number().int(), bodiesIndexed: z.number().int(), bodiesPending: z.number().int() }),
  ),
  /** Empties the local search index and builds it again in the background. */
  'search.rebuild': method(Empty, Ok),

  /** Queues a message durably (fsync) and returns; the sender loop submits it after the undo hold. */
  'outbox.send': method(ComposeMessage.strict(), OutboxItem),
  'outbox.list': method(Empty, z.array(OutboxItem)),
  /** Pulls a held (or failed, or scheduled) message back; it becomes a draft again. */
  'outbox.unsend': method(z.object({ id: z.string().min(1) }).strict(), ComposeMessage),
  'outbox.retry': method(z.object({ id: z.string().min(1) }).strict(), Ok),
  'outbox.delete': method(z.object({ id: z.string().min(1) }).strict(), Ok),
  /** Saves a draft locally (durably) and to the server's Drafts folder, replacing its previous version. */
  'drafts.save': method(ComposeMessage.strict(), z.object({ draftId: z.string() })),
  'drafts.list': method(Empty, z.array(z.object({ draftId: z.string(), saved: z.number(), message: ComposeMessage }))),
  'drafts.delete': method(z.object({ draftId: z.string().min(1) }).strict(), Ok),
  /** Addresses seen in sent and received mail, best first, for autocomplete. */
  'contacts.suggest': method(z.object({ prefix: z.string().max(200), limit: z.number().int().min(1).max(50).default(8) }).strict(), z.array(Address)),

  /** Imports an mbox file, Apple Mail .mbox folder, Maildir or folder of .eml files into a folder; resumes where a crashed run of the same import stopped. */
  'transfer.import': method(
    z
      .object({
        mailboxId: z.number().int(),
        source: z.string().min(1).max(4096),
        /** How the mbox quoted ">From " lines: mboxrd (Hearth, newer tools) is unquoted, mboxo is kept as is. */
        mboxVariant: z.enum(['mboxrd', 'mboxo']).default('mboxrd'),
      })
      .strict(),
    TransferProgress,
  ),
  /** Exports a folder to an mbox file (mboxrd) or a folder of .eml files, byte for byte. */
  'transfer.export': method(
    z.object({ mailboxId: z.number().int(), target: z.string().min(1).max(4096), format: z.enum(['mbox', 'eml']) }).strict(),
    TransferProgress,
  ),
  'transfer.list': method(Empty, z.array(TransferProgress)),
  /** Stops a running import or export; an import can be started again and goes on where it stopped. */
  'transfer.cancel': method(z.object({ jobId: z.string().min(1) }).strict(), Ok),
  /** One message as an .eml file: its exact bytes and a file name from its date and subject. */
  'messages.source': method(z.object({ messageId: z.number().int() }).strict(), z.object({ filename: z.string(), contentBase64: z.string() })),

  'sync.now': method(z.object({ accountId: z.string().optional() }).strict(), Ok),
  /** Changes after `sinceSeq` in journal order. A different `epoch` means main's store was reset: drop the cache. */
  'sync.changes': method(
    z.object({ sinceSeq: z.number().int().min(0), limit: z.number().int().min(1).max(5000).default(1000) }).strict(),
    z.object({ epoch: z.string(), changes: z.array(Change), lastSeq: z.number().int(), more: z.boolean() }),
  ),

  'server.status': method(Empty, ServerStatus),
  /** The household server's certificate: issuer, expiry, fingerprint, ACME renewal state. */
  'server.certificate.status': method(Empty, ServerCertificateStatus),
  /** The outgoing relay's smarthost settings and any problem the admin must fix. */
  'server.relay.status': method(Empty, ServerRelayStatus),
  /** The embedded household server's outgoing queue: what waits, why, and the admin's levers. */
  'server.queue.list': method(Empty, z.array(QueueItem)),
  'server.queue.retry': method(z.object({ id: z.string().min(1).optional() }).strict(), z.object({ recipients: z.number().int() })),
  'server.queue.delete': method(
    z.object({ id: z.string().min(1), reason: z.string().max(500).default('deleted by the administrator'), bounce: z.boolean().default(false) }).strict(),
    Ok,
  ),

  /** Every setting with its current value (defaults filled in). */
  'settings.get': method(Empty, SettingsSchema),
  /** Changes one setting; `value` is validated by the key's schema (src/shared/settings.ts). */
  'settings.set': method(SettingChange, SettingsSchema),

  /** Whether to show the first-run welcome, and which of its choices can work here. */
  'welcome.status': method(Empty, WelcomeStatus),
  /** "Just look around": the demo mailbox on the household server, added as the first account. */
  'welcome.lookAround': method(Empty, z.object({ accountId: z.string() })),
  /** "Host mail for my household": the user's own mailbox on the household server, added as the first account. */
  'welcome.hostHousehold': method(
    z.object({ name: z.string().trim().min(1).max(200), mailbox: MailboxName, password: z.string().min(8, 'Use at least 8 characters').max(1024) }).strict(),
    HouseholdSetup,
  ),
  /** The welcome is done without a local mailbox (the user added their own account). */
  'welcome.dismiss': method(Empty, Ok),

  /** What the desktop shell asked for before this window listened (mailto: at launch, a notification click); each once. */
  'desktop.intents': method(Empty, z.array(DesktopIntent)),
  /** A message file the user opened (.eml), parsed like the reader's messages; the id comes from the window's address. */
  'eml.read': method(
    z.object({ fileId: z.string().min(1).max(64) }).strict(),
    z.object({
      fileName: z.string(),
      subject: z.string(),
      from: z.array(Address),
      to: z.array(Address),
      cc: z.array(Address),
      date: z.number().nullable(),
      body: MessageBody,
    }),
  ),
  ...serverAdminMethods,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ArgsOf<M extends MethodName> = z.input<Methods[M]['args']>;
export type ParsedArgsOf<M extends MethodName> = z.output<Methods[M]['args']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;
export const methodNames = Object.keys(methods) as MethodName[];

// ---------------------------------------------------------------------------------------------
// Events (main → UI)

export const events = {
  /** The journal has changes up to `lastSeq`; the UI pulls them with sync.changes. */
  'sync.changed': z.object({ epoch: z.string(), lastSeq: z.number().int() }),
  'sync.progress': SyncProgress,
  'account.state': z.object({
    accountId: z.string(),
    state: AccountState,
    error: z.object({ code: z.string(), message: z.string(), detail: z.record(z.string(), z.unknown()).optional() }).optional(),
  }),
  /** The outbox changed (queued, held, sent, failed…): its whole current list. */
  'outbox.changed': z.array(OutboxItem),
  /** An import or export advanced or ended. */
  'transfer.progress': TransferProgress,
  /** Something the user should know about that is not an error of their last action. */
  notice: z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string(), accountId: z.string().optional() }),
  /** The desktop shell asks the main window for something (compose, open a message, a menu command). */
  'desktop.intent': DesktopIntent,
  'settings.changed': SettingsSchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventOf<E extends EventName> = z.output<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];

/** The client-side view of the API every transport implements. */
export interface HearthApi {
  call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}
