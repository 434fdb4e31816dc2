// Local domains: the server takes mail for these; the first is the primary one.
import { useState, type FormEvent } from 'react';
import type { Transport } from '../../api/transport.ts';
import { AdminTable } from './AdminTable.tsx';
import { useAdminAction, useAdminQuery } from './use-admin.ts';
import { ErrorNote } from './ErrorNote.tsx';

export function DomainsSection({ api }: { api: Transport }) {
  const domains = useAdminQuery(api, 'server.domains.list', {});
  const [name, setName] = useState('');
  const action = useAdminAction();
  const add = (e: FormEvent) => {
    e.preventDefault();
    void action.run(
      () => api.call('server.domains.add', { name: name.trim() }),
      () => {
        setName('');
        domains.reload();
      },
    );
  };
  return (
    <>
      <AdminTable label="Domains" columns={['Domain', 'Users', 'Actions']}>
        {domains.data?.map((d) => (
          <tr key={d.name} data-testid="domain-row">
            <th scope="row">
              {d.name} {d.primary && <span className="badge">primary</span>}
            </th>
            <td>{d.users}</td>
            <td>
              <button
                type="button"
                aria-label={`Remove domain ${d.name}`}
                disabled={d.primary || d.users > 0}
                title={d.users > 0 ? 'Remove its users first' : d.primary ? 'The primary domain stays' : undefined}
                onClick={() => void action.run(() => api.call('server.domains.remove', { name: d.name }), domains.reload)}
              >
                Remove
              </button>
            </td>
          </tr>
        ))}
      </AdminTable>
      <ErrorNote error={domains.error ?? action.error} />
      <form className="admin-form" onSubmit={add} aria-labelledby="add-domain-title">
        <h3 id="add-domain-title">Add a domain</h3>
        <div className="fields">
          <label>
            Domain name
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="family.example" required />
          </label>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={!name.trim() || action.busy}>
            Add domain
          </button>
        </div>
      </form>
    </>
  );
}
