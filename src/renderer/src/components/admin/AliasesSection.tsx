// Aliases (an address delivering to users) and each domain's catch-all.
import { useState, type FormEvent } from 'react';
import type { Transport } from '../../api/transport.ts';
import { AdminTable } from './AdminTable.tsx';
import { useAdminAction, useAdminQuery } from './use-admin.ts';
import { ErrorNote } from './ErrorNote.tsx';

const split = (s: string) => s.split(/[\s,]+/).filter(Boolean);

export function AliasesSection({ api }: { api: Transport }) {
  const list = useAdminQuery(api, 'server.aliases.list', {});
  const domains = useAdminQuery(api, 'server.domains.list', {});
  const users = useAdminQuery(api, 'server.users.list', {});
  const [alias, setAlias] = useState('');
  const [targets, setTargets] = useState('');
  const [caDomain, setCaDomain] = useState('');
  const [caTarget, setCaTarget] = useState('');
  const action = useAdminAction();
  const addAlias = (e: FormEvent) => {
    e.preventDefault();
    void action.run(
      () => api.call('server.aliases.set', { alias: alias.trim(), targets: split(targets) }),
      () => {
        setAlias('');
        setTargets('');
        list.reload();
      },
    );
  };
  const setCatchAll = (e: FormEvent) => {
    e.preventDefault();
    const domain = caDomain || domains.data?.[0]?.name;
    if (!domain || !caTarget) return;
    void action.run(() => api.call('server.catchall.set', { domain, target: caTarget }), list.reload);
  };
  return (
    <>
      <AdminTable label="Aliases" columns={['Alias', 'Delivers to', 'Actions']}>
        {list.data?.aliases.map((a) => (
          <tr key={a.alias} data-testid="alias-row">
            <th scope="row">{a.alias}</th>
            <td>{a.targets.join(', ')}</td>
            <td>
              <button
                type="button"
                aria-label={`Remove alias ${a.alias}`}
                onClick={() => void action.run(() => api.call('server.aliases.remove', { alias: a.alias }), list.reload)}
              >
                Remove
              </button>
            </td>
          </tr>
        ))}
        {list.data?.catchAll.map((c) => (
          <tr key={`*@${c.domain}`}>
            <th scope="row">Anything else @{c.domain}</th>
            <td>{c.target}</td>
            <td>
              <button
                type="button"
                aria-label={`Clear catch-all of ${c.domain}`}
                onClick={() => void action.run(() => api.call('server.catchall.set', { domain: c.domain, target: null }), list.reload)}
              >
                Clear
              </button>
            </td>
          </tr>
        ))}
      </AdminTable>
      {list.data && list.data.aliases.length === 0 && list.data.catchAll.length === 0 && <p className="muted">No aliases or catch-all yet.</p>}
      <ErrorNote error={list.error ?? action.error} />
      <form className="admin-form" onSubmit={addAlias} aria-labelledby="add-alias-title">
        <h3 id="add-alias-title">Add an alias</h3>
        <div className="fields">
          <label>
            Alias address
            <input value={alias} onChange={(e) => setAlias(e.target.value)} placeholder={`family@${domains.data?.[0]?.name ?? 'home.arpa'}`} required />
          </label>
          <label>
            Delivers to (users, comma-separated)
            <input value={targets} onChange={(e) => setTargets(e.target.value)} list="admin-user-addresses" required />
          </label>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={!alias.trim() || !split(targets).length || action.busy}>
            Add alias
          </button>
        </div>
      </form>
      <form className="admin-form" onSubmit={setCatchAll} aria-labelledby="catchall-title">
        <h3 id="catchall-title">Catch-all</h3>
        <p className="muted">Mail to unknown addresses of a domain goes to one user instead of bouncing.</p>
        <div className="fields">
          <label>
            Domain
            <select value={caDomain} onChange={(e) => setCaDomain(e.target.value)}>
              {domains.data?.map((d) => (
                <option key={d.name} value={d.name}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            User
            <select value={caTarget} onChange={(e) => setCaTarget(e.target.value)}>
              <option value="">Choose…</option>
              {users.data?.map((u) => (
                <option key={u.address} value={u.address}>
                  {u.address}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="actions">
          <button type="submit" disabled={!caTarget || action.busy}>
            Set catch-all
          </button>
        </div>
      </form>
      <datalist id="admin-user-addresses">
        {users.data?.map((u) => (
          <option key={u.address} value={u.address} />
        ))}
      </datalist>
    </>
  );
}
