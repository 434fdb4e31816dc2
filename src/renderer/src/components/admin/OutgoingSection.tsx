// Outgoing mail: the smarthost (set, changed or removed here; a problem with it shown at once) and
// the queue with the reason each message waits, and the admin's levers (retry now, delete).
import type { Transport } from '../../api/transport.ts';
import { useAdminAction, useAdminQuery } from './use-admin.ts';
import { ErrorNote } from './ErrorNote.tsx';
import { SmarthostForm } from './SmarthostForm.tsx';

export function OutgoingSection({ api }: { api: Transport }) {
  const queue = useAdminQuery(api, 'server.queue.list', {}, 5000);
  const relay = useAdminQuery(api, 'server.relay.status', {}, 5000);
  const action = useAdminAction();
  const sh = relay.data?.smarthost ?? null;
  return (
    <>
      <h3>Smarthost</h3>
      <section aria-label="Smarthost" data-testid="smarthost-status">
        {relay.data &&
          (sh ? (
            <p>
              {sh.host}:{sh.port} · TLS {sh.tls}
              {sh.user ? ` · login ${sh.user}` : ''}
              {sh.customCa ? ' · own CA' : ''}
            </p>
          ) : (
            <p className="muted">No smarthost: mail to other domains goes straight to their MX.</p>
          ))}
        {sh?.warning && <p className="warning-note">Warning: {sh.warning}</p>}
        {relay.data?.problem && (
          <p className="error" role="alert" data-testid="smarthost-problem">
            {relay.data.problem}
          </p>
        )}
      </section>
      {relay.data && (
        // Starts again from the stored settings when they change (a save), not on every poll.
        <SmarthostForm key={JSON.stringify(sh)} api={api} current={sh} onSaved={relay.reload} />
      )}
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
      <ErrorNote error={queue.error ?? relay.error ?? action.error} />
    </>
  );
}
