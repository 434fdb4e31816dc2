// The household server at a glance: where it listens, and its outgoing queue with the reason each
// message waits, the admin's levers (retry now, delete), and where the log file is.
import { useEffect, useState } from 'react';
import type { QueueItem, ServerStatus } from '../../../shared/api.ts';
import type { Transport } from '../api/transport.ts';
import { ServerHealth } from './ServerHealth.tsx';

interface Props {
  api: Transport;
  onClose(): void;
}

export function ServerDialog({ api, onClose }: Props) {
  const [status, setStatus] = useState<ServerStatus | null>(null);
  const [queue, setQueue] = useState<QueueItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [logFile, setLogFile] = useState<string | null>(null);
  const refresh = () => {
    void api.call('server.status', {}).then(setStatus, (e: Error) => setError(e.message));
    void api.call('server.queue.list', {}).then(setQueue, () => setQueue([]));
  };
  useEffect(() => {
    void api.call('app.info', {}).then(
      (i) => setLogFile(i.logFile),
      () => {},
    );
    refresh();
    const t = setInterval(refresh, 5000);
    return () => clearInterval(t);
  }, []);
  const act = (p: Promise<unknown>) => void p.then(refresh, (e: Error) => setError(e.message));
  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="server-title">
        <h2 id="server-title">Household server</h2>
        {status && !status.running && <p className="muted">No household server runs in this app.</p>}
        {status?.running && (
          <>
            <p>
              Mail for <strong>{status.domain}</strong>. Listening on:
            </p>
            <ul className="listeners">
              {status.listeners.map((l) => (
                <li key={l.protocol}>
                  {l.protocol} — {l.host}:{l.port}{' '}
                  <span className="muted">{l.reachableFromOutside ? '· answers from outside this computer' : '· this computer only'}</span>
                </li>
              ))}
            </ul>
            <ServerHealth api={api} />
            <h3>Outgoing queue</h3>
            {queue.length === 0 && <p className="muted">Nothing waiting.</p>}
            <ul className="queue" data-testid="server-queue">
              {queue.map((q) => (
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
                  <button type="button" onClick={() => act(api.call('server.queue.retry', { id: q.id }))}>
                    Retry now
                  </button>{' '}
                  <button type="button" onClick={() => act(api.call('server.queue.delete', { id: q.id, reason: 'deleted by the administrator' }))}>
                    Delete
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
        {logFile && (
          <p className="muted log-file" data-testid="log-file">
            Log file: <code className="mono">{logFile}</code>
          </p>
        )}
        {error && (
          <div className="error" role="alert">
            {error}
          </div>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
