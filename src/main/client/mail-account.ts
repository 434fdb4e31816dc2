// What HearthServices drives, whatever the incoming protocol: an IMAP account (mail stays on
// the server, client/imap/) or a POP3 account (mail downloaded into a local store, client/pop3/).
// Both keep main's cache in step with their mail and carry out the same actions on it.
import type { IncomingServerInput, MessageBody } from '../../shared/api.ts';
import type { ParsedQuery } from '../../shared/search-query.ts';
import type { MailboxRow } from './cache/mailboxes.ts';
import type { TransferFolder } from './transfer/transfer-folder.ts';

/** An account's incoming server as its protocol client needs it: the saved settings, password opened. */
export type IncomingSettings = Omit<IncomingServerInput, 'protocol'> & { protocol?: 'imap' | 'pop3' };

/** One attachment's content, for download or for forwarding. */
export interface AttachmentContent {
  filename: string | null;
  contentType: string;
  content: Buffer;
}

export interface MailAccount {
  // ------------------------------------------------------------------ sync
  /** Brings the cache in line with the server (and sends waiting actions); concurrent callers share one run. */
  sync(): Promise<void>;
  /** Resolves when the actions taken so far have reached the server (or the local store). */
  flush(): Promise<void>;
  /** Resolves when body downloads (IMAP: in the background; POP3: the check under way) are done. */
  bodiesDone(): Promise<void>;
  /** True while the inbox is watched for new mail between syncs (IMAP IDLE). */
  readonly idling: boolean;
  /** How each folder was last synced: diagnostics and tests. */
  readonly lastSyncMode: ReadonlyMap<string, string>;
  close(): Promise<void>;

  // ------------------------------------------------------------------ reading
  /** The raw message. */
  source(messageId: number): Promise<Buffer>;
  /** The message for reading. */
  body(messageId: number): Promise<MessageBody>;
  attachment(messageId: number, partId: string): Promise<AttachmentContent>;

  // ------------------------------------------------------------------ actions (the cache shows them at once)
  setFlags(messageIds: number[], add: string[], remove: string[]): void;
  move(messageIds: number[], target: MailboxRow): void;
  copy(messageIds: number[], target: MailboxRow): void;
  /** To Trash; in Trash (or without one) for good. */
  delete(messageIds: number[]): void;
  archive(messageIds: number[]): void;
  /** Puts a message from another account into one of this account's folders. */
  appendRaw(target: MailboxRow, raw: Buffer, flags: string[]): Promise<void>;
  /** Deletes for good, no Trash: the message now lives in another account. */
  removeForGood(messageIds: number[]): void;
  /** One of the account's folders for importing into and exporting from (exact bytes, flags, dates). */
  transferFolder(target: MailboxRow): Promise<TransferFolder>;

  // ------------------------------------------------------------------ folders
  createFolder(parent: MailboxRow | null, name: string): Promise<void>;
  renameFolder(mb: MailboxRow, newName: string): Promise<void>;
  deleteFolder(mb: MailboxRow): Promise<void>;
  subscribeFolder(mb: MailboxRow, subscribed: boolean): Promise<void>;

  // ------------------------------------------------------------------ for the outbox and search
  /** Files a sent message in Sent. */
  appendToSent(raw: Buffer): Promise<void>;
  /** Whether Sent holds this Message-ID; null when that cannot be known now. */
  foundInSent(messageId: string): Promise<boolean | null>;
  /** Replaces the copy of a draft in Drafts (same Message-ID). */
  saveDraftToServer(raw: Buffer, messageId: string): Promise<void>;
  deleteDraftFromServer(messageId: string): Promise<void>;
  /** Message ids the server finds for a search in a folder (bodies too); [] where all mail is local or nothing can be asked. */
  searchServer(mb: MailboxRow, query: ParsedQuery): Promise<number[]>;
}
