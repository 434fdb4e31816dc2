// The household server's mail store: the one interface the SMTP, IMAP, POP3 and submission servers
// share. Everything here is per user (keyed by the user's full address, lower-cased) and in-process.
//
// Implemented by MaildirStore (./maildir-store.ts): Maildir++ on disk in Dovecot's layout, with a
// per-user SQLite index (UIDs, flags, MODSEQ, vanished UIDs). See docs/server.md.
//
// Conventions
// - Mailbox names are UTF-8 with '/' as the hierarchy delimiter ("Archive/2024"). "INBOX" is
//   case-insensitive and always spelled "INBOX" in results. The store encodes names to modified
//   UTF-7 on disk itself; callers never see the encoded form.
// - Flags are IMAP flag strings: system flags with a backslash ('\\Seen', '\\Answered', '\\Flagged',
//   '\\Deleted', '\\Draft') and keywords without ('$Forwarded', '$Junk', 'work'). \Recent is not
//   a stored flag: it is per IMAP session. What the store keeps is Dovecot's mark for it, the
//   mailbox's first recent UID (see MailboxHandle.claimRecent).
// - UIDs and MODSEQs are plain numbers (safe integers). A UidSet is a list of UIDs or UID ranges.
// - Errors are HearthError (src/shared/errors.ts): MAILBOX_NOT_FOUND, MAILBOX_EXISTS,
//   MESSAGE_GONE, INVALID_ARGUMENT, STORAGE, DISK_FULL.

import type { Readable } from 'node:stream';

/** RFC 6154 special-use attributes the store knows about. */
export type SpecialUse = '\\Sent' | '\\Drafts' | '\\Trash' | '\\Junk' | '\\Archive' | '\\All' | '\\Flagged';

/** The standard IMAP system flags (without \Recent). */
export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;

/** Mailboxes every new user gets. */
export const DEFAULT_MAILBOXES: ReadonlyArray<{ name: string; specialUse: SpecialUse | null }> = [
  { name: 'INBOX', specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Archive', specialUse: '\\Archive' },
];

/** The hierarchy delimiter of mailbox names as callers see them. */
export const MAILBOX_DELIMITER = '/';

/** UIDs: single UIDs or inclusive ranges [from, to]. `'*'` is not accepted: resolve it against UIDNEXT-1 first. */
export type UidSet = ReadonlyArray<number | readonly [number, number]>;

export interface MailboxStatus {
  /** UTF-8 name, '/' delimited, "INBOX" for the inbox. */
  name: string;
  specialUse: SpecialUse | null;
  subscribed: boolean;
  uidValidity: number;
  uidNext: number;
  /** RFC 7162 HIGHESTMODSEQ; starts at 1 for an empty mailbox and only grows. */
  highestModseq: number;
  messages: number;
  unseen: number;
  /** Messages no IMAP session has claimed as \Recent yet (UID at or above the first recent UID). */
  recent: number;
  /** Total size in bytes of all messages (for POP3 STAT and quota display). */
  size: number;
}

export interface MailboxListEntry extends MailboxStatus {
  /** True when the mailbox has children ("Archive" when "Archive/2024" exists). */
  hasChildren: boolean;
}

export interface MessageMeta {
  uid: number;
  /** System flags and keywords, in a stable order. */
  flags: string[];
  modseq: number;
  /** Size in bytes of the stored RFC 5322 message (the exact bytes readMessage returns; CRLF line ends as received). */
  size: number;
  /** IMAP INTERNALDATE. */
  internalDate: Date;
  /**
   * A stable, unique id for this message in this mailbox (never reused). Suitable for POP3 UIDL and
   * as an RFC 8474 EMAILID. Contains only [A-Za-z0-9._-].
   */
  guid: string;
}

export interface ByteRange {
  /** First byte, 0-based, inclusive. */
  start: number;
  /** Last byte + 1 (exclusive). Omitted = to the end. */
  end?: number;
}

export type FlagMode = 'add' | 'remove' | 'replace';

export interface SetFlagsOptions {
  mode: FlagMode;
  flags: readonly string[];
  /** RFC 7162 UNCHANGEDSINCE: messages whose modseq is greater are not changed and are reported in `failed`. */
  unchangedSince?: number;
  /** Echoed in the change event so a session can tell its own changes apart. */
  origin?: unknown;
}

export interface SetFlagsResult {
  /** Messages whose flags were looked at and are now as given (changed or already so), with their current modseq. */
  updated: MessageMeta[];
  /** UIDs that failed the UNCHANGEDSINCE test (RFC 7162 MODIFIED response). */
  failed: number[];
}

export interface CopyResult {
  /** UIDVALIDITY of the destination mailbox (for COPYUID). */
  uidValidity: number;
  /** Pairs [sourceUid, destinationUid] in ascending source order; UIDs that no longer exist are left out. */
  mapping: Array<[number, number]>;
}

export interface AppendOptions {
  flags?: readonly string[];
  internalDate?: Date;
  origin?: unknown;
}

export interface AppendResult {
  uidValidity: number;
  uid: number;
}

export interface ChangesSince {
  /** Messages whose modseq is greater than the one asked about (new or flag-changed), ascending UID. */
  changed: MessageMeta[];
  /** UIDs expunged with a modseq greater than the one asked about (QRESYNC VANISHED (EARLIER)). */
  vanished: number[];
}

/** Change events, delivered in-process (EventEmitter) to everyone watching the mailbox. */
export type MailboxEvent =
  | {
      type: 'exists';
      mailbox: string;
      uids: number[];
      uidNext: number;
      messages: number;
      highestModseq: number;
      /** The keywords the new messages carry, so that IMAP sessions can announce new ones first (RFC 3501 7.2.6). */
      keywords?: string[];
      origin?: unknown;
    }
  | { type: 'flags'; mailbox: string; messages: MessageMeta[]; highestModseq: number; origin?: unknown }
  | { type: 'expunge'; mailbox: string; uids: number[]; highestModseq: number; origin?: unknown }
  /** The mailbox was deleted or renamed away (or recreated with a new UIDVALIDITY): sessions that selected it must drop it. */
  | { type: 'gone'; mailbox: string; origin?: unknown };

export type MailboxListener = (event: MailboxEvent) => void;

/** An open mailbox. Cheap to obtain; holds no lock. Every method sees the latest state. */
export interface MailboxHandle {
  readonly name: string;
  readonly uidValidity: number;
  status(): Promise<MailboxStatus>;
  /** All messages (or those in `uids`), ascending UID. */
  listMessages(uids?: UidSet): Promise<MessageMeta[]>;
  getMessage(uid: number): Promise<MessageMeta | null>;
  /** The raw message bytes; throws MESSAGE_GONE if the UID does not exist (any more). */
  readMessage(uid: number, range?: ByteRange): Promise<Readable>;
  /** The whole message in memory; convenient for header parsing. Throws MESSAGE_GONE. */
  readMessageBuffer(uid: number): Promise<Buffer>;
  /**
   * Copies the whole message (`target` needs room for its size + 1), or bytes [start, end) of it,
   * into `target` at `offset` without going async; the byte count, or null when only readMessage
   * can get it. Throws MESSAGE_GONE. For servers answering many small reads in a row (FETCH 1:*).
   */
  readMessageInto(uid: number, target: Buffer, offset: number, range?: { start: number; end: number }): number | null;
  setFlags(uids: UidSet, options: SetFlagsOptions): Promise<SetFlagsResult>;
  copy(uids: UidSet, destination: string, options?: { origin?: unknown }): Promise<CopyResult>;
  /** Copy, then expunge the source messages (RFC 6851 MOVE). */
  move(uids: UidSet, destination: string, options?: { origin?: unknown }): Promise<CopyResult & { expunged: number[] }>;
  /**
   * Remove messages flagged \Deleted (all of them, or only those in `uids` for UID EXPUNGE).
   * Returns the UIDs removed. Expunged UIDs are remembered with their modseq for QRESYNC.
   */
  expunge(uids?: UidSet, options?: { origin?: unknown }): Promise<number[]>;
  /** Remove the given messages whatever their flags (POP3 DELE+QUIT); same bookkeeping as expunge. */
  remove(uids: UidSet, options?: { origin?: unknown }): Promise<number[]>;
  changesSince(modseq: number): Promise<ChangesSince>;
  append(content: Readable | Buffer, options?: AppendOptions): Promise<AppendResult>;
  /** Subscribe to changes of this mailbox; returns the unsubscribe function. */
  watch(listener: MailboxListener): () => void;
  /**
   * \Recent (RFC 3501 2.3.2) as Dovecot keeps it: messages from this UID up have not been claimed
   * by any IMAP session yet. Every new message (delivered, appended, copied or moved in) gets a
   * UID at or above it, so it is recent until a session claims it.
   */
  firstRecentUid(): number;
  /**
   * Claims the unclaimed messages below `upTo` for the caller (an IMAP session that selected the
   * mailbox read-write, or was the first to be told of new mail): moves the first recent UID up to
   * `upTo` and returns where it was, so the caller's recent messages are its UIDs from there up to
   * upTo - 1. Survives a restart (it is in the index).
   */
  claimRecent(upTo: number): number;
}

/** One user's mail. */
export interface UserMailStore {
  readonly address: string;
  listMailboxes(): Promise<MailboxListEntry[]>;
  /** MAILBOX_NOT_FOUND if it does not exist. */
  status(name: string): Promise<MailboxStatus>;
  exists(name: string): Promise<boolean>;
  /** Creates missing parents too (IMAP CREATE semantics). MAILBOX_EXISTS if it exists. */
  createMailbox(name: string, options?: { specialUse?: SpecialUse | null; subscribed?: boolean }): Promise<MailboxStatus>;
  /** Deletes the mailbox and its messages (not its children) but not its subscription. INBOX cannot be deleted. */
  deleteMailbox(name: string): Promise<void>;
  /** Renames the mailbox and its children. Renaming INBOX moves its messages to the new mailbox and leaves INBOX empty (RFC 3501). */
  renameMailbox(from: string, to: string): Promise<void>;
  /** Subscribing needs the mailbox; unsubscribing does not (a deleted mailbox stays subscribed until then). */
  setSubscribed(name: string, subscribed: boolean): Promise<void>;
  /** Every subscribed name, including those whose mailbox was deleted (RFC 3501 6.3.9), ascending. */
  listSubscriptions(): Promise<string[]>;
  openMailbox(name: string): Promise<MailboxHandle>;
  /** Append without opening (IMAP APPEND, saving to Sent). */
  append(mailbox: string, content: Readable | Buffer, options?: AppendOptions): Promise<AppendResult>;
  /** Subscribe to changes of a mailbox by name (it need not be open); returns the unsubscribe function. */
  watch(mailbox: string, listener: MailboxListener): () => void;
  /** Total size in bytes of the user's messages in every mailbox (the storage a quota counts, RFC 9208 5.1). */
  storageUsed(): Promise<number>;
}

export interface DeliveryRecipientOptions {
  /** Target mailbox; default INBOX. Created if missing. */
  mailbox?: string;
  flags?: readonly string[];
}

export interface DeliveredCopy {
  address: string;
  mailbox: string;
  uidValidity: number;
  uid: number;
}

/**
 * One message delivered to one or more local users, as a transaction (like maddy's delivery target):
 *   const d = store.beginDelivery();
 *   d.addRecipient('alice@home.arpa'); d.addRecipient('bob@home.arpa');
 *   await d.body(stream);            // written once to tmp/ and fsynced
 *   const copies = await d.commit(); // linked into each recipient's new/, directories fsynced, UIDs recorded durably
 * After commit resolves the message is durable in every recipient's mailbox (say 250 only then).
 * abort() (or a failed body/commit) leaves nothing behind. A recipient address is a local user's
 * address (resolve aliases with UserDirectory.resolveRecipient first); adding the same user twice
 * delivers once.
 */
export interface Delivery {
  addRecipient(address: string, options?: DeliveryRecipientOptions): void;
  body(content: Readable | Buffer, options?: { internalDate?: Date }): Promise<void>;
  commit(): Promise<DeliveredCopy[]>;
  abort(): Promise<void>;
}

export interface MailStore {
  /** A user's mail (created on first use with the default mailboxes). Address is lower-cased. */
  user(address: string): Promise<UserMailStore>;
  /** Create the user's folders now (with the default mailboxes); idempotent. */
  ensureUser(address: string): Promise<void>;
  /** Remove a user's mail entirely (the user directory calls this when `removeMail` is asked for). */
  deleteUser(address: string): Promise<void>;
  beginDelivery(): Delivery;
  /** Flush and close indexes; further calls fail. */
  close(): Promise<void>;
}
