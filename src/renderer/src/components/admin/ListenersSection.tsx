// Where the server listens. Reachability from outside the machine plugs in here once the
// status API reports it.
import type { ServerStatus } from '../../../../shared/api.ts';
import { AdminTable } from './AdminTable.tsx';
import { PendingSlot } from './PendingSlot.tsx';

export function ListenersSection({ status }: { status: ServerStatus | null }) {
  return (
    <>
      <AdminTable label="Listeners" columns={['Service', 'Address', 'Port']}>
        {status?.listeners.map((l) => (
          <tr key={l.protocol}>
            <th scope="row">{l.protocol}</th>
            <td>{l.host}</td>
            <td>{l.port}</td>
          </tr>
        ))}
      </AdminTable>
      <PendingSlot title="Reachability from outside">
        <p className="muted">Whether each port answers from the network is not reported by the status API yet; it will appear here per listener.</p>
      </PendingSlot>
    </>
  );
}
