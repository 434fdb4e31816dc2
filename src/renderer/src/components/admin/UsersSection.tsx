// Users: who has a mailbox, how full it is, and the levers for each; the add form below.
import type { Transport } from '../../api/transport.ts';
import { AdminTable } from './AdminTable.tsx';
import { useAdminQuery } from './use-admin.ts';
import { UsageBar } from './UsageBar.tsx';
import { UserActions } from './UserActions.tsx';
import { AddUserForm } from './AddUserForm.tsx';
import { ErrorNote } from './ErrorNote.tsx';

export function UsersSection({ api, domain }: { api: Transport; domain: string | null }) {
  const users = useAdminQuery(api, 'server.users.list', {});
  return (
    <>
      <AdminTable label="Users" columns={['Address', 'Storage', 'Actions']}>
        {users.data?.map((u) => (
          <tr key={u.address} data-testid="user-row">
            <th scope="row">
              {u.address}
              {u.displayName && <div className="muted">{u.displayName}</div>}
            </th>
            <td>
              <UsageBar used={u.usedBytes} quota={u.quotaBytes} />
            </td>
            <td>
              <UserActions api={api} user={u} onChanged={users.reload} />
            </td>
          </tr>
        ))}
      </AdminTable>
      {users.data?.length === 0 && <p className="muted">No users yet.</p>}
      <ErrorNote error={users.error} />
      <AddUserForm api={api} domain={domain} onAdded={users.reload} />
    </>
  );
}
