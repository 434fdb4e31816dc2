// The account editor's behaviour: the form's fields from the saved account, the change to send
// (only what differs; an empty password keeps the saved one), trusting the certificate the
// account's error shows, and removal.
import { useEffect, useState } from 'react';
import type { Account, ArgsOf, TlsMode } from '../../../../shared/api.ts';
import type { Transport } from '../../api/transport.ts';
import { useSave } from './use-save.ts';

export interface ServerFields {
  host: string;
  port: number;
  tls: TlsMode;
  user: string;
  password: string;
}

/** What a POP3 account does with mail on the server, and how often it looks. */
export interface Pop3Fields {
  leaveOnServer: boolean;
  /** Days as typed; empty: never. */
  deleteAfterDays: string;
  deleteWhenDeletedHere: boolean;
  checkEveryMinutes: number;
}

export interface AccountFields {
  name: string;
  incoming: ServerFields;
  /** POP3 accounts only. */
  pop3: Pop3Fields | null;
  /** null: no outgoing server. */
  outgoing: ServerFields | null;
}

export function fieldsOf(a: Account): AccountFields {
  return {
    name: a.name,
    incoming: { host: a.incoming.host, port: a.incoming.port, tls: a.incoming.tls, user: a.incoming.user, password: '' },
    pop3:
      a.incoming.protocol === 'pop3'
        ? {
            leaveOnServer: a.incoming.pop3?.leaveOnServer ?? true,
            deleteAfterDays: a.incoming.pop3?.deleteAfterDays != null ? String(a.incoming.pop3.deleteAfterDays) : '',
            deleteWhenDeletedHere: a.incoming.pop3?.deleteWhenDeletedHere ?? true,
            checkEveryMinutes: a.incoming.pop3?.checkEveryMinutes ?? 10,
          }
        : null,
    outgoing: a.outgoing ? { host: a.outgoing.host, port: a.outgoing.port, tls: a.outgoing.tls, user: a.outgoing.user ?? '', password: '' } : null,
  };
}

/** The accounts.update call for the form: what changed, nothing else. */
export function changeOf(a: Account, f: AccountFields): ArgsOf<'accounts.update'> {
  const change: ArgsOf<'accounts.update'> = { accountId: a.id };
  if (f.name.trim() !== a.name) change.name = f.name.trim();
  const i = f.incoming;
  const incoming: NonNullable<ArgsOf<'accounts.update'>['incoming']> = {};
  if (i.host.trim() !== a.incoming.host) incoming.host = i.host.trim();
  if (i.port !== a.incoming.port) incoming.port = i.port;
  if (i.tls !== a.incoming.tls) incoming.tls = i.tls;
  if (i.user.trim() !== a.incoming.user) incoming.user = i.user.trim();
  if (i.password) incoming.password = i.password;
  if (f.pop3) {
    const p = f.pop3;
    const pop3 = {
      leaveOnServer: p.leaveOnServer,
      deleteAfterDays: p.deleteAfterDays.trim() ? Number(p.deleteAfterDays) : null,
      deleteWhenDeletedHere: p.deleteWhenDeletedHere,
      checkEveryMinutes: p.checkEveryMinutes,
    };
    const before = fieldsOf(a).pop3;
    if (JSON.stringify(p) !== JSON.stringify(before)) incoming.pop3 = pop3;
  }
  if (Object.keys(incoming).length) change.incoming = incoming;
  const o = f.outgoing;
  if (o === null) {
    if (a.outgoing) change.outgoing = null;
  } else {
    const before = a.outgoing;
    const differs =
      !before || o.host.trim() !== before.host || o.port !== before.port || o.tls !== before.tls || o.user.trim() !== (before.user ?? '') || o.password;
    if (differs)
      change.outgoing = {
        host: o.host.trim(),
        port: o.port,
        tls: o.tls,
        ...(o.user.trim() ? { user: o.user.trim() } : {}),
        ...(o.password ? { password: o.password } : {}),
        ...(before?.trustedFingerprint256 && before.host === o.host.trim() && before.port === o.port
          ? { trustedFingerprint256: before.trustedFingerprint256 }
          : {}),
      };
  }
  return change;
}

export function useAccountForm(api: Transport, account: Account) {
  const [fields, setFields] = useState<AccountFields>(() => fieldsOf(account));
  // Another account picked: its own fields.
  useEffect(() => setFields(fieldsOf(account)), [account.id]);
  const save = useSave();
  const trust = useSave();
  const change = changeOf(account, fields);
  const dirty = Object.keys(change).length > 1;
  return {
    fields,
    setFields,
    dirty,
    save,
    trust,
    submit: () =>
      save.run(async () => {
        const updated = await api.call('accounts.update', changeOf(account, fields));
        setFields(fieldsOf(updated));
      }),
    /** Trusts exactly the certificate the account's error shows (main checks the server still presents it). */
    trustCertificate: (fingerprint256: string) =>
      trust.run(() => api.call('accounts.update', { accountId: account.id, incoming: { trustedFingerprint256: fingerprint256 } })),
    remove: () => api.call('accounts.remove', { accountId: account.id }),
  };
}
