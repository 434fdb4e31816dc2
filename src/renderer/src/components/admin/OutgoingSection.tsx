// Outgoing mail: the smarthost (and a problem with it at once) and the queue with the
// reason each message waits, and the admin's levers (retry now, delete).
import type { Transport } from '../../api/transport.ts';
import { useAdminAction, useAdminQuery } from './use-admin.ts';
import { ErrorNote } from './ErrorNote.tsx';
import { SmarthostStatus } from '../ServerHealth.tsx';

export function OutgoingSection({ api }: { api: Transport }) {
  const queue = useAdminQuery(api, 'server.queue.list', {}, 5000);
  const action = useAdminAction();
  return (
    <>
      <h3>Smarthost</h3>
      <SmarthostStatus api={api} />
      <h3>Queue</h3>
      {queue.data?.length === 0 && <p className="muted">Nothing waiting.</p>}
      <ul className="queue" data-testid="server-queue">
        {queue.data?.map((q) => (
          <li key={q.id}>
            <div>
              From {q.from} · {new Date(q.createdAt).toLocaleString()} · {Math.ceil(q.size / 1024)} KB
            </div>
            {q.recipients.map((r) => (
              <div key={r.address} className="muted">
                {r.address}: {r.state}
                {r.attempts ? `, ${r.attempts} attempts` : ''}
                {r.lastReply ? ` — ${r.lastReply}` : ''}
                {r.nextAttemptAt ? ` (next ${new Date(r.nextAttemptAt).toLocaleTimeString()})` : ''}
              </div>
            ))}
            <button type="button" onClick={() => void action.run(() => api.call('server.queue.retry', { id: q.id }), queue.reload)}>
              Retry now
            </button>{' '}
            <button
              type="button"
              onClick={() => void action.run(() => api.call('server.queue.delete', { id: q.id, reason: 'deleted by the administrator' }), queue.reload)}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      <ErrorNote error={queue.error ?? action.error} />
    </>
  );
}
