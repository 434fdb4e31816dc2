// Where the server listens, and whether each listener answers from outside this computer.
import type { ServerStatus } from '../../../../shared/api.ts';
import { AdminTable } from './AdminTable.tsx';

export function ListenersSection({ status }: { status: ServerStatus | null }) {
  return (
    <AdminTable label="Listeners" columns={['Service', 'Address', 'Port', 'Reachable']}>
      {status?.listeners.map((l) => (
        <tr key={l.protocol}>
          <th scope="row">{l.protocol}</th>
          <td>{l.host}</td>
          <td>{l.port}</td>
          <td>{l.reachableFromOutside ? 'answers from outside this computer' : 'this computer only'}</td>
        </tr>
      ))}
    </AdminTable>
  );
}
