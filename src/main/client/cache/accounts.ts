// The accounts table of main's cache: settings (secrets sealed), identities and live state, all
// journaled so the renderer's mirror shows them. The user's own edits commit durably (fsync).
import type { Account, Identity } from '../../../shared/api.ts';
import { HearthError } from '../../../shared/errors.ts';
import type { CacheDb } from './cache-db.ts';

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

export type AccountChange = {
  name?: string;
  identities?: Identity[];
  config?: StoredAccount['config'];
  sealedPassword?: string;
  outgoing?: StoredAccount['outgoing'];
  sealedSmtpPassword?: string | null;
};

export class Accounts {
  private readonly c: CacheDb;

  constructor(cache: CacheDb) {
    this.c = cache;
  }

  insert(a: StoredAccount): void {
    this.c.durable(() => {
      this.c.db
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
          this.c.nextSeq(),
          // After every account there is, even one moved to the end by a reorder.
          Math.max(Date.now(), ((this.c.prepared('SELECT MAX(created) AS m FROM accounts').get() as { m: number | null }).m ?? 0) + 1),
        );
      this.c.prepared(`DELETE FROM tombstones WHERE entity='account' AND id=?`).run(a.id);
    });
  }

  update(id: string, change: AccountChange): void {
    this.c.durable(() => {
      const cur = this.stored(id);
      if (!cur) throw new HearthError('NOT_FOUND', 'No such account');
      this.c.db
        .prepare('UPDATE accounts SET name=?, identities=?, config=?, sealed_password=?, outgoing=?, sealed_smtp_password=?, seq=? WHERE id=?')
        .run(
          change.name ?? cur.name,
          JSON.stringify(change.identities ?? cur.identities ?? []),
          JSON.stringify(change.config ?? cur.config),
          change.sealedPassword ?? cur.sealedPassword,
          change.outgoing === undefined ? (cur.outgoing ? JSON.stringify(cur.outgoing) : null) : change.outgoing ? JSON.stringify(change.outgoing) : null,
          change.sealedSmtpPassword === undefined ? cur.sealedSmtpPassword : change.sealedSmtpPassword,
          this.c.nextSeq(),
          id,
        );
    });
  }

  updateConfig(id: string, config: StoredAccount['config']): void {
    this.c.durable(() => {
      this.c.prepared('UPDATE accounts SET config=?, seq=? WHERE id=?').run(JSON.stringify(config), this.c.nextSeq(), id);
    });
  }

  /**
   * Puts the accounts in the given order (every account, each once): they take the same set of
   * sort keys (`created`, the order added) in the new order, so an account added later still goes last.
   */
  reorder(ids: string[]): void {
    this.c.durable(() => {
      const rows = this.c.prepared('SELECT id, created FROM accounts ORDER BY created, id').all() as { id: string; created: number }[];
      const known = new Set(rows.map((r) => r.id));
      if (ids.length !== rows.length || new Set(ids).size !== ids.length || !ids.every((id) => known.has(id)))
        throw new HearthError('INVALID_ARGUMENT', 'Give every account once, in the new order', { field: 'accountIds' });
      // Distinct keys even where two accounts were added in the same millisecond.
      const keys = rows.map((r) => r.created);
      for (let i = 1; i < keys.length; i++) keys[i] = Math.max(keys[i]!, keys[i - 1]! + 1);
      ids.forEach((id, i) => {
        const current = rows.find((r) => r.id === id)!;
        if (current.created !== keys[i]) this.c.prepared('UPDATE accounts SET created=?, seq=? WHERE id=?').run(keys[i]!, this.c.nextSeq(), id);
      });
    });
  }

  /** The account as saved, secrets still sealed; null if there is none. */
  stored(id: string): StoredAccount | null {
    const r = this.c.prepared('SELECT * FROM accounts WHERE id=?').get(id) as Record<string, string> | undefined;
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

  list(): Account[] {
    return (this.c.prepared('SELECT * FROM accounts ORDER BY created, id').all() as Record<string, unknown>[]).map(rowToAccount);
  }

  setState(id: string, state: Account['state'], error?: NonNullable<Account['error']>): void {
    this.c.transaction(() => {
      this.c.prepared('UPDATE accounts SET state=?, error=?, seq=? WHERE id=?').run(state, error ? JSON.stringify(error) : null, this.c.nextSeq(), id);
    });
  }

  /** Removes the account with its folders and messages; false if there was none. */
  remove(id: string): boolean {
    return this.c.durable(() => {
      const mailboxIds = this.c.prepared('SELECT id FROM mailboxes WHERE account_id=?').all(id) as { id: number }[];
      for (const { id: mbId } of mailboxIds) this.c.mailboxes.remove(mbId);
      const res = this.c.prepared('DELETE FROM accounts WHERE id=?').run(id);
      if (res.changes === 0) return false;
      this.c.tombstone('account', id);
      return true;
    });
  }
}

/** An account as the UI sees it: never a password or a CA certificate. */
export function rowToAccount(r: Record<string, unknown>): Account {
  const config = JSON.parse(r.config as string) as Account['incoming'] & { caCert?: string };
  const { caCert: _ca, ...incoming } = config;
  const account: Account = {
    id: r.id as string,
    name: r.name as string,
    email: r.email as string,
    incoming: { ...incoming, auth: incoming.auth ?? 'password' },
    identities: accountIdentities(r),
    state: r.state as Account['state'],
    order: Number(r.created),
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
