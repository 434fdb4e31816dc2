// One folder of an account as import and export see it, whatever the account keeps its mail in:
// the local store of a POP3 account (local-transfer-folder.ts) or an IMAP server's folder
// (imap-transfer-folder.ts). Messages go in and come out as their exact bytes.

/** A stored message, one at a time. */
export interface StoredMessage {
  uid: number;
  flags: string[];
  internalDate: Date;
  raw: Buffer;
}

export interface TransferFolder {
  /** The UID the next message appended will get at least: a resumed import looks from here for one it may already have added. */
  uidNext(): Promise<number>;
  /** Adds a message with its flags and arrival date; resolves once the folder holds it durably, with its UID when known. */
  append(raw: Buffer, flags: readonly string[], internalDate: Date | null): Promise<number | null>;
  /** How many messages the folder holds (for export progress). */
  count(): Promise<number>;
  /** The messages with UID ≥ fromUid (all by default), ascending, one at a time. */
  messages(fromUid?: number): AsyncGenerator<StoredMessage>;
  /** Tells the account its folder changed (the cache shows the imported mail). */
  changed(): Promise<void>;
}

/** How far an import or export is. */
export interface TransferCounts {
  done: number;
  total: number;
  skipped: number;
  bytesDone: number;
  bytesTotal: number;
}
