// Main's durable cache of accounts, folders and message summaries, with a change journal.
// Every row carries the `seq` of its last change (one global counter), and deletions leave a
// tombstone, so "changes since N" is an indexed range scan and a fresh renderer asking from 0
// gets a full snapshot. The renderer's IndexedDB is only a mirror of this.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Account, Change, Identity, Mailbox, MessageSummary, SpecialUse } from '../../../shared/api.ts';
import { HearthError } from '../../../shared/errors.ts';
import { baseSubject, isReplySubject } from '../../../shared/threads.ts';

const SCHEMA_VERSION = 3;

export interface StoredAccount {
  id: string;
  name: string;
  email: string;
  /** Account settings without secrets, as JSON. */
  config: Account['incoming'] & { caCert?: string };
  outgoing: (NonNullable<Account['outgoing']> & { caCert?: string }) | null;
  /** Password, sealed by the SecretBox. */
  sealedPassword: string;
  sealedSmtpPassword: string | null;
  identities?: Identity[];
}

export interface MailboxRow extends Mailbox {
  uidValidity: number | null;
  uidNext: number | null;
  highestModseq: string | null;
}

export type MessageInput = Omit<MessageSummary, 'id' | 'threadId'> & {
  /** Message-IDs from In-Reply-To and References, oldest first, for threading. */
  parentIds?: string[];
};

/** An action made in the UI, waiting to reach the server (survives restarts). */
export interface PendingOp {
  id: number;
  accountId: string;
  kind: 'flags' | 'move' | 'copy' | 'expunge';
  mailboxId: number;
  /** The folder's UIDVALIDITY when the op was made: a different one means the UIDs are void. */
  uidValidity: number | null;
  uids: number[];
  payload: { add?: string[]; remove?: string[]; targetPath?: string; messageIds?: (string | null)[] };
  attempts: number;
}

/** Where the journal stands: what a `sync.changed` event tells the renderer's mirror. */
export interface JournalPosition {
  epoch: string;
  lastSeq: number;
}

export class CacheDb {
  readonly db: DatabaseSync;
  readonly epoch: string;
  private readonly statements = new Map<string, StatementSync>();
  /** The journal counter, kept in memory and written with each transaction (one writer: this process). */
  private seq = 0;
  private seqWritten = 0;
  private readonly journalListeners = new Set<(at: JournalPosition) => void>();
  /** The notice due at the end of this turn of the event loop, if any. */
  private noticeDue: NodeJS.Immediate | null = null;

  /** A prepared statement, compiled once per SQL text. */
  private q(sql: string): StatementSync {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new DatabaseSync(path.join(dataDir, 'cache.sqlite'));
    // WAL + FULL: a row is on disk when the statement returns, and readers never block the writer.
    // WAL + NORMAL: a commit survives the process being killed; the user's own actions (accounts,
    // pending operations) additionally commit with FULL so they survive a power cut too (durable()).
    this.db.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;');
    this.migrate();
    this.seq = this.seqWritten = Number((this.q("SELECT value FROM meta WHERE key='seq'").get() as { value: string }).value);
    this.epoch = (this.q("SELECT value FROM meta WHERE key='epoch'").get() as { value: string }).value;
  }

  private migrate(): void {
    this.db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const row = this.q("SELECT value FROM meta WHERE key='schema'").get() as { value: string } | undefined;
    const version = row ? Number(row.value) : 0;
    if (version > SCHEMA_VERSION) throw new HearthError('STORAGE', `cache.sqlite is from a newer Hearth (schema ${version})`);
    if (version < 1) {
      this.db.exec(`
        BEGIN;
        CREATE TABLE accounts (
          id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, config TEXT NOT NULL, outgoing TEXT,
          sealed_password TEXT NOT NULL, sealed_smtp_password TEXT, state TEXT NOT NULL DEFAULT 'offline',
          error TEXT, seq INTEGER NOT NULL, created INTEGER NOT NULL);
        CREATE TABLE mailboxes (
          id INTEGER PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
          path TEXT NOT NULL, name TEXT NOT NULL, delimiter TEXT, parent_path TEXT, special_use TEXT,
          subscribed INTEGER NOT NULL, total INTEGER NOT NULL DEFAULT 0, unseen INTEGER NOT NULL DEFAULT 0,
          uid_validity INTEGER, uid_next INTEGER, highest_modseq TEXT, seq INTEGER NOT NULL,
          UNIQUE (account_id, path));
        CREATE TABLE messages (
          id INTEGER PRIMARY KEY, account_id TEXT NOT NULL, mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
          uid INTEGER NOT NULL, message_id TEXT, subject TEXT NOT NULL, addrs TEXT NOT NULL, date INTEGER NOT NULL,
          flags TEXT NOT NULL, size INTEGER NOT NULL, snippet TEXT NOT NULL, has_attachments INTEGER NOT NULL,
          seq INTEGER NOT NULL, UNIQUE (mailbox_id, uid));
        CREATE INDEX messages_by_date ON messages (mailbox_id, date DESC);
        CREATE INDEX messages_seq ON messages (seq);
        CREATE INDEX mailboxes_seq ON mailboxes (seq);
        CREATE INDEX accounts_seq ON accounts (seq);
        CREATE TABLE tombstones (entity TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (entity, id));
        CREATE INDEX tombstones_seq ON tombstones (seq);
        INSERT INTO meta (key, value) VALUES ('schema', '1'), ('seq', '0'), ('epoch', '${randomUUID()}');
        COMMIT;`);
    }
    if (version < 2) {
      // v2: threads (Message-ID graph per account), pending offline operations, cached bodies.
      this.db.exec(`
        BEGIN;
        ALTER TABLE messages ADD COLUMN thread_id INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN parent_ids TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE messages ADD COLUMN body_cached INTEGER NOT NULL DEFAULT 0;
        UPDATE messages SET thread_id = id;
        CREATE INDEX messages_thread ON messages (thread_id);
        CREATE TABLE thread_refs (account_id TEXT NOT NULL, msgid TEXT NOT NULL, thread_id INTEGER NOT NULL, PRIMARY KEY (account_id, msgid));
        CREATE INDEX thread_refs_thread ON thread_refs (thread_id);
        CREATE TABLE ops (
          id INTEGER PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, kind TEXT NOT NULL,
          mailbox_id INTEGER NOT NULL, uid_validity INTEGER, uids TEXT NOT NULL, payload TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);
        UPDATE meta SET value='2' WHERE key='schema';
        COMMIT;`);
    }
    if (version < 3) {
      // v3: identities per account (name, address, reply-to, signature).
      this.db.exec(`
        BEGIN;
        ALTER TABLE accounts ADD COLUMN identities TEXT NOT NULL DEFAULT '[]';
        CREATE TABLE contacts (address TEXT PRIMARY KEY COLLATE NOCASE, name TEXT NOT NULL, uses INTEGER NOT NULL, last INTEGER NOT NULL);
        CREATE TABLE pop3_uidl (account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, uidl TEXT NOT NULL,
          seen_at INTEGER NOT NULL, local_uid INTEGER, delete_requested INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (account_id, uidl));
        UPDATE meta SET value='3' WHERE key='schema';
        COMMIT;`);
    }
  }

  /** Runs `fn` in one transaction; the journal counter moves only if it commits, and then listeners hear of it. */
  transaction<T>(fn: () => T): T {
    if (this.db.isTransaction) return fn();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      const advanced = this.seq !== this.seqWritten;
      if (advanced) this.q("UPDATE meta SET value=? WHERE key='seq'").run(String(this.seq));
      this.db.exec('COMMIT');
      this.seqWritten = this.seq;
      if (advanced) this.scheduleJournalNotice();
      return result;
    } catch (e) {
      this.db.exec('ROLLBACK');
      this.seq = this.seqWritten;
      throw e;
    }
  }

  /** A transaction that is on disk (fsync) when it returns: for what only the user has, not the server. */
  durable<T>(fn: () => T): T {
    if (this.db.isTransaction) return fn();
    this.db.exec('PRAGMA synchronous=FULL');
    try {
      return this.transaction(fn);
    } finally {
      this.db.exec('PRAGMA synchronous=NORMAL');
    }
  }

  private nextSeq(): number {
    if (!this.db.isTransaction) throw new Error('nextSeq outside a transaction');
    return ++this.seq;
  }

  lastSeq(): number {
    return this.seqWritten;
  }

  /**
   * Calls `listener` after commits that moved the journal, so no writer has to remember to tell
   * the renderer. Once per turn of the event loop, however many transactions committed in it: an
   * action that writes several times in one go (rows, then counts, then its op) wakes the mirror once.
   * Returns the unsubscribe function.
   */
  onJournalAdvanced(listener: (at: JournalPosition) => void): () => void {
    this.journalListeners.add(listener);
    return () => this.journalListeners.delete(listener);
  }

  private scheduleJournalNotice(): void {
    if (this.noticeDue || this.journalListeners.size === 0) return;
    this.noticeDue = setImmediate(() => this.notifyJournalListeners());
  }

  private notifyJournalListeners(): void {
    if (this.noticeDue) clearImmediate(this.noticeDue);
    this.noticeDue = null;
    const at: JournalPosition = { epoch: this.epoch, lastSeq: this.seqWritten };
    for (const listener of this.journalListeners) listener(at);
  }

  // -------------------------------------------------------------------------------- accounts

  insertAccount(a: StoredAccount): void {
    this.durable(() => {
      this.db
        .prepare(
          `INSERT INTO accounts (id, name, email, config, outgoing, sealed_password, sealed_smtp_password, identities, state, seq, created) VALUES (?,?,?,?,?,?,?,?,'offline',?,?)`,
        )
        .run(
          a.id,
          a.name,
          a.email,
          JSON.stringify(a.config),
          a.outgoing ? JSON.stringify(a.outgoing) : null,
          a.sealedPassword,
          a.sealedSmtpPassword,
          JSON.stringify(a.identities ?? []),
          this.nextSeq(),
          Date.now(),
        );
      this.q(`DELETE FROM tombstones WHERE entity='account' AND id=?`).run(a.id);
    });
  }

  updateAccount(
    id: string,
    change: { name?: string; identities?: Identity[]; outgoing?: StoredAccount['outgoing']; sealedSmtpPassword?: string | null },
  ): void {
    this.durable(() => {
      const cur = this.getStoredAccount(id);
      if (!cur) throw new HearthError('NOT_FOUND', 'No such account');
      this.db
        .prepare('UPDATE accounts SET name=?, identities=?, outgoing=?, sealed_smtp_password=?, seq=? WHERE id=?')
        .run(
          change.name ?? cur.name,
          JSON.stringify(change.identities ?? cur.identities ?? []),
          change.outgoing === undefined ? (cur.outgoing ? JSON.stringify(cur.outgoing) : null) : change.outgoing ? JSON.stringify(change.outgoing) : null,
          change.sealedSmtpPassword === undefined ? cur.sealedSmtpPassword : change.sealedSmtpPassword,
          this.nextSeq(),
          id,
        );
    });
  }

  updateAccountConfig(id: string, config: StoredAccount['config']): void {
    this.durable(() => {
      this.q('UPDATE accounts SET config=?, seq=? WHERE id=?').run(JSON.stringify(config), this.nextSeq(), id);
    });
  }

  getStoredAccount(id: string): StoredAccount | null {
    const r = this.q('SELECT * FROM accounts WHERE id=?').get(id) as Record<string, string> | undefined;
    if (!r) return null;
    return {
      id: r.id!,
      name: r.name!,
      email: r.email!,
      config: JSON.parse(r.config!),
      outgoing: r.outgoing ? JSON.parse(r.outgoing) : null,
      sealedPassword: r.sealed_password!,
      sealedSmtpPassword: r.sealed_smtp_password ?? null,
      identities: JSON.parse(r.identities ?? '[]') as Identity[],
    };
  }

  listAccounts(): Account[] {
    return (this.q('SELECT * FROM accounts ORDER BY created').all() as Record<string, unknown>[]).map(rowToAccount);
  }

  setAccountState(id: string, state: Account['state'], error?: { code: string; message: string }): void {
    this.transaction(() => {
      this.q('UPDATE accounts SET state=?, error=?, seq=? WHERE id=?').run(state, error ? JSON.stringify(error) : null, this.nextSeq(), id);
    });
  }

  removeAccount(id: string): boolean {
    return this.durable(() => {
      const mailboxIds = this.q('SELECT id FROM mailboxes WHERE account_id=?').all(id) as { id: number }[];
      for (const { id: mbId } of mailboxIds) this.removeMailboxRow(mbId);
      const res = this.q('DELETE FROM accounts WHERE id=?').run(id);
      if (res.changes === 0) return false;
      this.tombstone('account', id);
      return true;
    });
  }

  private tombstone(entity: 'account' | 'mailbox' | 'message', id: string | number): void {
    this.q('INSERT OR REPLACE INTO tombstones (entity, id, seq) VALUES (?,?,?)').run(entity, String(id), this.nextSeq());
  }

  // -------------------------------------------------------------------------------- mailboxes

  upsertMailbox(m: Omit<Mailbox, 'id'> & { uidValidity?: number | null; uidNext?: number | null }): Mailbox {
    return this.transaction(() => {
      const seq = this.nextSeq();
      const row = this.db
        .prepare(
          `INSERT INTO mailboxes (account_id, path, name, delimiter, parent_path, special_use, subscribed, total, unseen, seq)
           VALUES (?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT (account_id, path) DO UPDATE SET name=excluded.name, delimiter=excluded.delimiter, parent_path=excluded.parent_path,
             special_use=excluded.special_use, subscribed=excluded.subscribed, total=excluded.total, unseen=excluded.unseen, seq=excluded.seq
           RETURNING id`,
        )
        .get(m.accountId, m.path, m.name, m.delimiter, m.parentPath, m.specialUse, m.subscribed ? 1 : 0, m.total, m.unseen, seq) as { id: number };
      return { ...m, id: row.id };
    });
  }

  getMailbox(id: number): MailboxRow | null {
    const r = this.q('SELECT * FROM mailboxes WHERE id=?').get(id) as Record<string, unknown> | undefined;
    return r ? rowToMailbox(r) : null;
  }

  listMailboxes(accountId: string): MailboxRow[] {
    return (this.q('SELECT * FROM mailboxes WHERE account_id=? ORDER BY path').all(accountId) as Record<string, unknown>[]).map(rowToMailbox);
  }

  /** Records the server state a folder was last synced at; not a user-visible change. */
  setMailboxSyncState(id: number, s: { uidValidity: number | null; uidNext: number | null; highestModseq: string | null }): void {
    this.q('UPDATE mailboxes SET uid_validity=?, uid_next=?, highest_modseq=? WHERE id=?').run(s.uidValidity, s.uidNext, s.highestModseq, id);
  }

  /** Recounts a folder's total and unread from the cached messages; a journal change only if they moved. */
  updateMailboxCounts(id: number): void {
    this.transaction(() => {
      const r = this.db
        .prepare(`SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN flags LIKE '%"\\\\Seen"%' THEN 0 ELSE 1 END), 0) AS unseen FROM messages WHERE mailbox_id=?`)
        .get(id) as { total: number; unseen: number };
      this.db
        .prepare('UPDATE mailboxes SET total=?, unseen=?, seq=? WHERE id=? AND (total<>? OR unseen<>?)')
        .run(r.total, r.unseen, this.nextSeq(), id, r.total, r.unseen);
    });
  }

  /** A folder (and its subfolders) renamed on the server: same rows, same messages, new paths. */
  renameMailboxTree(accountId: string, oldPath: string, newPath: string, delimiter: string): void {
    this.transaction(() => {
      for (const mb of this.listMailboxes(accountId)) {
        if (mb.path !== oldPath && !mb.path.startsWith(oldPath + delimiter)) continue;
        const path = newPath + mb.path.slice(oldPath.length);
        const parentPath =
          mb.parentPath && (mb.parentPath === oldPath || mb.parentPath.startsWith(oldPath + delimiter))
            ? newPath + mb.parentPath.slice(oldPath.length)
            : mb.parentPath;
        const name = path.split(delimiter).pop() ?? path;
        this.q('UPDATE mailboxes SET path=?, parent_path=?, name=?, seq=? WHERE id=?').run(path, parentPath, name, this.nextSeq(), mb.id);
      }
      // Pending ops that target the old path follow the folder.
      for (const op of this.q("SELECT id, payload FROM ops WHERE account_id=? AND payload LIKE '%targetPath%'").all(accountId) as {
        id: number;
        payload: string;
      }[]) {
        const p = JSON.parse(op.payload) as { targetPath?: string };
        if (p.targetPath && (p.targetPath === oldPath || p.targetPath.startsWith(oldPath + delimiter))) {
          p.targetPath = newPath + p.targetPath.slice(oldPath.length);
          this.q('UPDATE ops SET payload=? WHERE id=?').run(JSON.stringify(p), op.id);
        }
      }
    });
  }

  removeMailbox(id: number): void {
    this.transaction(() => this.removeMailboxRow(id));
  }

  private removeMailboxRow(id: number): void {
    // Message tombstones are implied by the mailbox tombstone; the renderer drops children with it.
    this.q('DELETE FROM messages WHERE mailbox_id=?').run(id);
    this.q('DELETE FROM mailboxes WHERE id=?').run(id);
    this.tombstone('mailbox', id);
  }

  /** Drops every cached message of a folder (UIDVALIDITY changed): tombstones each, keeps the folder. */
  clearMailboxMessages(id: number): void {
    this.transaction(() => {
      for (const { id: msgId } of this.q('SELECT id FROM messages WHERE mailbox_id=?').all(id) as { id: number }[]) this.tombstone('message', msgId);
      this.q('DELETE FROM messages WHERE mailbox_id=?').run(id);
    });
  }

  // -------------------------------------------------------------------------------- messages

  upsertMessages(list: MessageInput[]): number[] {
    if (list.length === 0) return [];
    return this.transaction(() => {
      const stmt = this.q(
        `INSERT INTO messages (account_id, mailbox_id, uid, message_id, subject, addrs, date, flags, size, snippet, has_attachments, parent_ids, seq)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
         ON CONFLICT (mailbox_id, uid) DO UPDATE SET message_id=excluded.message_id, subject=excluded.subject, addrs=excluded.addrs,
           date=excluded.date, flags=excluded.flags, size=excluded.size,
           snippet=CASE WHEN excluded.snippet <> '' THEN excluded.snippet ELSE messages.snippet END,
           has_attachments=excluded.has_attachments, parent_ids=excluded.parent_ids, seq=excluded.seq
         RETURNING id, thread_id`,
      );
      return list.map((m) => {
        const addrs = JSON.stringify({ from: m.from, to: m.to, cc: m.cc });
        const r = stmt.get(
          m.accountId,
          m.mailboxId,
          m.uid,
          m.messageId,
          m.subject,
          addrs,
          m.date,
          JSON.stringify(m.flags),
          m.size,
          m.snippet,
          m.hasAttachments ? 1 : 0,
          JSON.stringify(m.parentIds ?? []),
          this.nextSeq(),
        ) as { id: number; thread_id: number };
        if (r.thread_id === 0) {
          this.assignThread(r.id, m);
          // Senders of mail one receives are people one may write to.
          this.observeContacts(m.from, 1, m.date);
        }
        return r.id;
      });
    });
  }

  // -------------------------------------------------------------------------------- POP3 download records

  /** UIDLs already downloaded for a POP3 account, with when and whether deletion from the server was asked for. */
  pop3Seen(accountId: string): Map<string, { seenAt: number; localUid: number | null; deleteRequested: boolean }> {
    const out = new Map<string, { seenAt: number; localUid: number | null; deleteRequested: boolean }>();
    for (const r of this.q('SELECT uidl, seen_at, local_uid, delete_requested FROM pop3_uidl WHERE account_id=?').all(accountId) as {
      uidl: string;
      seen_at: number;
      local_uid: number | null;
      delete_requested: number;
    }[])
      out.set(r.uidl, { seenAt: r.seen_at, localUid: r.local_uid, deleteRequested: r.delete_requested === 1 });
    return out;
  }

  /**
   * Records a download. Not fsynced on its own: the stored message carries its UIDL, and a record
   * lost in a power cut is rebuilt from it at the next start (Pop3Account.healCrashWindow).
   */
  recordPop3(accountId: string, uidl: string, seenAt: number, localUid: number | null): void {
    this.transaction(() => {
      this.q('INSERT OR IGNORE INTO pop3_uidl (account_id, uidl, seen_at, local_uid) VALUES (?,?,?,?)').run(accountId, uidl, seenAt, localUid);
    });
  }

  requestPop3Delete(accountId: string, localUid: number): void {
    this.durable(() => {
      this.q('UPDATE pop3_uidl SET delete_requested=1 WHERE account_id=? AND local_uid=?').run(accountId, localUid);
    });
  }

  forgetPop3(accountId: string, uidls: string[]): void {
    this.durable(() => {
      for (const u of uidls) this.q('DELETE FROM pop3_uidl WHERE account_id=? AND uidl=?').run(accountId, u);
    });
  }

  maxPop3LocalUid(accountId: string): number {
    return (this.q('SELECT COALESCE(MAX(local_uid), 0) AS m FROM pop3_uidl WHERE account_id=?').get(accountId) as { m: number }).m;
  }

  // -------------------------------------------------------------------------------- contacts

  /** Counts addresses seen (weight 1 received, 3 written to) for autocomplete. */
  observeContacts(list: { name: string; address: string }[], weight: number, when: number): void {
    const stmt = this.q(
      `INSERT INTO contacts (address, name, uses, last) VALUES (?,?,?,?)
       ON CONFLICT (address) DO UPDATE SET uses=uses+excluded.uses, last=MAX(last, excluded.last),
         name=CASE WHEN excluded.name <> '' THEN excluded.name ELSE contacts.name END`,
    );
    for (const a of list) if (a.address.includes('@')) stmt.run(a.address.toLowerCase(), a.name, weight, when);
  }

  suggestContacts(prefix: string, limit: number): { name: string; address: string }[] {
    const like = `${prefix.trim().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    const wordLike = `% ${like}`;
    return this.db
      .prepare(
        `SELECT name, address FROM contacts WHERE address LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\' OR name LIKE ?2 ESCAPE '\\'
         ORDER BY uses DESC, last DESC LIMIT ?3`,
      )
      .all(like, wordLike, limit) as { name: string; address: string }[];
  }

  /**
   * Puts a new message into a conversation (JWZ-style, incrementally): every Message-ID it names
   * (its own, In-Reply-To, References) joins one thread; if those IDs were in different threads,
   * the threads merge. Only a message with no reference headers at all may join by subject.
   */
  private assignThread(rowId: number, m: MessageInput): void {
    const ids = [...new Set([m.messageId, ...(m.parentIds ?? [])].filter((x): x is string => !!x))];
    const found = new Set<number>();
    const lookup = this.q('SELECT thread_id FROM thread_refs WHERE account_id=? AND msgid=?');
    for (const id of ids) {
      const r = lookup.get(m.accountId, id) as { thread_id: number } | undefined;
      if (r) found.add(r.thread_id);
    }
    if (found.size === 0 && (m.parentIds ?? []).length === 0 && isReplySubject(m.subject)) {
      const base = baseSubject(m.subject);
      const r = this.db
        .prepare(`SELECT thread_id, subject FROM messages WHERE account_id=? AND id<>? AND date BETWEEN ? AND ? ORDER BY date DESC LIMIT 200`)
        .all(m.accountId, rowId, m.date - 60 * 86_400_000, m.date + 86_400_000) as { thread_id: number; subject: string }[];
      const hit = r.find((x) => x.thread_id !== 0 && baseSubject(x.subject) === base);
      if (hit) found.add(hit.thread_id);
    }
    const thread = found.size ? Math.min(...found) : rowId;
    for (const other of found) {
      if (other === thread) continue;
      this.q('UPDATE messages SET thread_id=?, seq=? WHERE thread_id=?').run(thread, this.nextSeq(), other);
      this.q('UPDATE thread_refs SET thread_id=? WHERE thread_id=?').run(thread, other);
    }
    const ins = this.q('INSERT INTO thread_refs (account_id, msgid, thread_id) VALUES (?,?,?) ON CONFLICT DO UPDATE SET thread_id=excluded.thread_id');
    for (const id of ids) ins.run(m.accountId, id, thread);
    this.q('UPDATE messages SET thread_id=? WHERE id=?').run(thread, rowId);
  }

  /** Messages of one conversation, oldest first. */
  threadMessages(threadId: number): MessageSummary[] {
    return (this.q('SELECT * FROM messages WHERE thread_id=? ORDER BY date, id').all(threadId) as Record<string, unknown>[]).map(rowToMessage);
  }

  /** The thread a message belongs to, with the parent IDs used to build it. */
  messageParents(id: number): string[] {
    const r = this.q('SELECT parent_ids FROM messages WHERE id=?').get(id) as { parent_ids: string } | undefined;
    return r ? (JSON.parse(r.parent_ids) as string[]) : [];
  }

  // -------------------------------------------------------------------------------- bodies

  setBodyCached(id: number, cached: boolean): void {
    this.q('UPDATE messages SET body_cached=? WHERE id=?').run(cached ? 1 : 0, id);
  }

  /** Marks many messages' bodies as kept offline, in one transaction. */
  setBodiesCached(ids: number[]): void {
    if (ids.length === 0) return;
    this.transaction(() => {
      const stmt = this.q('UPDATE messages SET body_cached=1 WHERE id=?');
      for (const id of ids) stmt.run(id);
    });
  }

  isBodyCached(id: number): boolean {
    const r = this.q('SELECT body_cached FROM messages WHERE id=?').get(id) as { body_cached: number } | undefined;
    return r?.body_cached === 1;
  }

  /** Messages of a folder whose bodies should be kept offline: newer than `since`, at most `maxSize`, newest first. */
  bodiesWanted(mailboxId: number, since: number, maxSize: number, limit: number): { id: number; uid: number; size: number }[] {
    return this.db
      .prepare('SELECT id, uid, size FROM messages WHERE mailbox_id=? AND body_cached=0 AND date>=? AND size<=? ORDER BY date DESC LIMIT ?')
      .all(mailboxId, since, maxSize, limit) as { id: number; uid: number; size: number }[];
  }

  // -------------------------------------------------------------------------------- pending operations

  addOp(op: Omit<PendingOp, 'id' | 'attempts'>): number {
    const r = this.db
      .prepare('INSERT INTO ops (account_id, kind, mailbox_id, uid_validity, uids, payload, created) VALUES (?,?,?,?,?,?,?) RETURNING id')
      .get(op.accountId, op.kind, op.mailboxId, op.uidValidity, JSON.stringify(op.uids), JSON.stringify(op.payload), Date.now()) as { id: number };
    return r.id;
  }

  listOps(accountId: string): PendingOp[] {
    return (this.q('SELECT * FROM ops WHERE account_id=? ORDER BY id').all(accountId) as Record<string, unknown>[]).map((r) => ({
      id: Number(r.id),
      accountId: r.account_id as string,
      kind: r.kind as PendingOp['kind'],
      mailboxId: Number(r.mailbox_id),
      uidValidity: r.uid_validity == null ? null : Number(r.uid_validity),
      uids: JSON.parse(r.uids as string) as number[],
      payload: JSON.parse(r.payload as string) as PendingOp['payload'],
      attempts: Number(r.attempts),
    }));
  }

  markOpAttempt(id: number): void {
    this.q('UPDATE ops SET attempts=attempts+1 WHERE id=?').run(id);
  }

  removeOp(id: number): void {
    this.q('DELETE FROM ops WHERE id=?').run(id);
  }

  /** UIDs of a folder that have an operation waiting: a sync must not undo what the user just did. */
  pendingUids(mailboxId: number): Set<number> {
    const out = new Set<number>();
    for (const r of this.q('SELECT uids FROM ops WHERE mailbox_id=?').all(mailboxId) as { uids: string }[])
      for (const uid of JSON.parse(r.uids) as number[]) out.add(uid);
    return out;
  }

  countOps(accountId: string): number {
    return (this.q('SELECT COUNT(*) AS n FROM ops WHERE account_id=?').get(accountId) as { n: number }).n;
  }

  getMessage(id: number): MessageSummary | null {
    const r = this.q('SELECT * FROM messages WHERE id=?').get(id) as Record<string, unknown> | undefined;
    return r ? rowToMessage(r) : null;
  }

  pageMessages(mailboxId: number, offset: number, limit: number): { total: number; messages: MessageSummary[] } {
    const total = (this.q('SELECT COUNT(*) AS n FROM messages WHERE mailbox_id=?').get(mailboxId) as { n: number }).n;
    const rows = this.db
      .prepare('SELECT * FROM messages WHERE mailbox_id=? ORDER BY date DESC, uid DESC LIMIT ? OFFSET ?')
      .all(mailboxId, limit, offset) as Record<string, unknown>[];
    return { total, messages: rows.map(rowToMessage) };
  }

  /** One cached message of a folder by UID (id and flags), or null. */
  messageByUid(mailboxId: number, uid: number): { id: number; flags: string[] } | null {
    const r = this.q('SELECT id, flags FROM messages WHERE mailbox_id=? AND uid=?').get(mailboxId, uid) as { id: number; flags: string } | undefined;
    return r ? { id: r.id, flags: JSON.parse(r.flags) as string[] } : null;
  }

  countMessages(mailboxId: number): number {
    return (this.q('SELECT COUNT(*) AS n FROM messages WHERE mailbox_id=?').get(mailboxId) as { n: number }).n;
  }

  /** UIDs cached for a folder, for diffing against the server. */
  mailboxUids(mailboxId: number): Map<number, { id: number; flags: string[] }> {
    const out = new Map<number, { id: number; flags: string[] }>();
    for (const r of this.q('SELECT id, uid, flags FROM messages WHERE mailbox_id=?').all(mailboxId) as { id: number; uid: number; flags: string }[]) {
      out.set(r.uid, { id: r.id, flags: JSON.parse(r.flags) });
    }
    return out;
  }

  setMessageFlags(id: number, flags: string[]): void {
    this.transaction(() => {
      this.q('UPDATE messages SET flags=?, seq=? WHERE id=?').run(JSON.stringify(flags), this.nextSeq(), id);
    });
  }

  removeMessages(ids: number[]): void {
    if (ids.length === 0) return;
    this.transaction(() => {
      const del = this.q('DELETE FROM messages WHERE id=?');
      for (const id of ids) {
        del.run(id);
        this.tombstone('message', id);
      }
    });
  }

  searchMessages(q: { accountId?: string; mailboxId?: number; query: string; limit: number }): MessageSummary[] {
    const like = `%${q.query.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    const where = ["(subject LIKE ?1 ESCAPE '\\' OR addrs LIKE ?1 ESCAPE '\\' OR snippet LIKE ?1 ESCAPE '\\')"];
    const params: (string | number)[] = [like];
    if (q.accountId) {
      params.push(q.accountId);
      where.push(`account_id = ?${params.length}`);
    }
    if (q.mailboxId !== undefined) {
      params.push(q.mailboxId);
      where.push(`mailbox_id = ?${params.length}`);
    }
    params.push(q.limit);
    const sql = `SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY date DESC LIMIT ?${params.length}`;
    return (this.q(sql).all(...params) as Record<string, unknown>[]).map(rowToMessage);
  }

  // -------------------------------------------------------------------------------- journal

  changesSince(sinceSeq: number, limit: number): { changes: Change[]; lastSeq: number; more: boolean } {
    // Pull up to `limit` of each kind above sinceSeq, merge by seq, cut at `limit`; anything cut
    // has a higher seq than everything returned, so the next call resumes at the returned lastSeq.
    const accounts = this.q('SELECT * FROM accounts WHERE seq > ? ORDER BY seq LIMIT ?').all(sinceSeq, limit) as Record<string, unknown>[];
    const mailboxes = this.q('SELECT * FROM mailboxes WHERE seq > ? ORDER BY seq LIMIT ?').all(sinceSeq, limit) as Record<string, unknown>[];
    const messages = this.q('SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?').all(sinceSeq, limit) as Record<string, unknown>[];
    const tombs = this.q('SELECT * FROM tombstones WHERE seq > ? ORDER BY seq LIMIT ?').all(sinceSeq, limit) as {
      entity: string;
      id: string;
      seq: number;
    }[];
    const all: Change[] = [
      ...accounts.map((r): Change => ({ kind: 'account', seq: Number(r.seq), account: rowToAccount(r) })),
      ...mailboxes.map((r): Change => ({ kind: 'mailbox', seq: Number(r.seq), mailbox: rowToMailboxPublic(r) })),
      ...messages.map((r): Change => ({ kind: 'message', seq: Number(r.seq), message: rowToMessage(r) })),
      ...tombs.map((t): Change => ({
        kind: 'removed',
        seq: t.seq,
        entity: t.entity as 'account' | 'mailbox' | 'message',
        id: t.entity === 'account' ? t.id : Number(t.id),
      })),
    ].sort((a, b) => a.seq - b.seq);
    const more = all.length > limit;
    const changes = all.slice(0, limit);
    const lastSeq = more ? changes[changes.length - 1]!.seq : Math.max(sinceSeq, this.lastSeq());
    return { changes, lastSeq, more };
  }

  close(): void {
    // A change committed in this last turn is still reported.
    if (this.noticeDue) this.notifyJournalListeners();
    this.db.close();
  }
}

function rowToAccount(r: Record<string, unknown>): Account {
  const config = JSON.parse(r.config as string) as Account['incoming'] & { caCert?: string };
  const { caCert: _ca, ...incoming } = config;
  const account: Account = {
    id: r.id as string,
    name: r.name as string,
    email: r.email as string,
    incoming: { ...incoming, auth: incoming.auth ?? 'password' },
    identities: accountIdentities(r),
    state: r.state as Account['state'],
  };
  if (r.outgoing) {
    const {
      caCert: _oca,
      password: _p,
      ...outgoing
    } = JSON.parse(r.outgoing as string) as NonNullable<Account['outgoing']> & { caCert?: string; password?: string };
    account.outgoing = outgoing;
  }
  if (r.error) account.error = JSON.parse(r.error as string);
  return account;
}

/** The saved identities, or the one implied by the account's name and address. */
function accountIdentities(r: Record<string, unknown>): Identity[] {
  const saved = JSON.parse((r.identities as string | undefined) ?? '[]') as Identity[];
  return saved.length ? saved : [{ name: r.name as string, email: r.email as string }];
}

function rowToMailboxPublic(r: Record<string, unknown>): Mailbox {
  return {
    id: Number(r.id),
    accountId: r.account_id as string,
    path: r.path as string,
    name: r.name as string,
    delimiter: (r.delimiter as string | null) ?? null,
    parentPath: (r.parent_path as string | null) ?? null,
    specialUse: (r.special_use as SpecialUse | null) ?? null,
    subscribed: Boolean(r.subscribed),
    total: Number(r.total),
    unseen: Number(r.unseen),
  };
}

function rowToMailbox(r: Record<string, unknown>): MailboxRow {
  return {
    ...rowToMailboxPublic(r),
    uidValidity: r.uid_validity == null ? null : Number(r.uid_validity),
    uidNext: r.uid_next == null ? null : Number(r.uid_next),
    highestModseq: (r.highest_modseq as string | null) ?? null,
  };
}

function rowToMessage(r: Record<string, unknown>): MessageSummary {
  const addrs = JSON.parse(r.addrs as string) as Pick<MessageSummary, 'from' | 'to' | 'cc'>;
  return {
    id: Number(r.id),
    accountId: r.account_id as string,
    mailboxId: Number(r.mailbox_id),
    uid: Number(r.uid),
    messageId: (r.message_id as string | null) ?? null,
    subject: r.subject as string,
    from: addrs.from,
    to: addrs.to,
    cc: addrs.cc,
    date: Number(r.date),
    flags: JSON.parse(r.flags as string),
    size: Number(r.size),
    snippet: r.snippet as string,
    hasAttachments: Boolean(r.has_attachments),
    threadId: Number(r.thread_id ?? r.id),
  };
}
