// Who the user writes as from each account: name, address, Reply-To and signature per identity
// (the first is the default, and its signature goes below new messages and replies).
import { useEffect, useState } from 'react';
import type { Account, Identity } from '../../../../shared/api.ts';
import type { Transport } from '../../api/transport.ts';
import { useSave } from './use-save.ts';
import { SaveStatus } from './SaveStatus.tsx';

export function IdentitiesSection({ api, accounts }: { api: Transport; accounts: Account[] }) {
  const [accountId, setAccountId] = useState(accounts[0]?.id ?? '');
  const account = accounts.find((a) => a.id === accountId) ?? accounts[0];
  const [list, setList] = useState<Identity[]>(account?.identities ?? []);
  useEffect(() => setList(account?.identities ?? []), [account?.id]);
  const save = useSave();
  if (!account) return <p>No accounts yet.</p>;
  const edit = (i: number, patch: Partial<Identity>) => setList(list.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const cleaned = list.map((x) => {
    const { replyTo, signature, ...rest } = x;
    return { ...rest, ...(replyTo?.trim() ? { replyTo: replyTo.trim() } : {}), ...(signature?.trim() ? { signature } : {}) };
  });
  return (
    <form
      className="identities"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run(() => api.call('accounts.update', { accountId: account.id, identities: cleaned }));
      }}
    >
      <label>
        Account
        <select value={account.id} onChange={(e) => setAccountId(e.target.value)}>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.email})
            </option>
          ))}
        </select>
      </label>
      {list.map((x, i) => (
        <fieldset key={i} className="identity" data-testid="identity">
          <legend>{i === 0 ? 'Default identity' : `Identity ${i + 1}`}</legend>
          <label>
            Name
            <input value={x.name} onChange={(e) => edit(i, { name: e.target.value })} />
          </label>
          <label>
            Email address
            <input type="email" required value={x.email} onChange={(e) => edit(i, { email: e.target.value })} />
          </label>
          <label>
            Reply-To (optional)
            <input type="email" value={x.replyTo ?? ''} onChange={(e) => edit(i, { replyTo: e.target.value })} />
          </label>
          <label className="wide">
            Signature
            <textarea rows={3} value={x.signature ?? ''} onChange={(e) => edit(i, { signature: e.target.value })} />
          </label>
          {list.length > 1 && (
            <button type="button" className="danger" onClick={() => setList(list.filter((_, j) => j !== i))}>
              Remove this identity
            </button>
          )}
        </fieldset>
      ))}
      <div className="actions">
        <SaveStatus error={save.error} saved={save.saved} />
        <button type="button" disabled={list.length >= 20} onClick={() => setList([...list, { name: account.name, email: account.email }])}>
          Add identity
        </button>
        <button type="submit" className="primary" disabled={save.busy}>
          Save identities
        </button>
      </div>
    </form>
  );
}
