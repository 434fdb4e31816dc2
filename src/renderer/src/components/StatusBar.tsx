import type { ReactNode } from 'react';
import type { Account, SyncProgress } from '../../../shared/api.ts';
import type { ConnectionState } from '../api/transport.ts';

interface Props {
  connection: ConnectionState;
  progress: SyncProgress | null;
  notice: string | null;
  accounts: Account[];
  onDismiss(): void;
  /** Opens what fixes an account's error (its settings, at the password or the certificate). */
  onFixAccount?(account: Account): void;
  /** More state shown after the connection (the browser's offline copy). */
  children?: ReactNode;
}

export function StatusBar({ connection, progress, notice, accounts, onDismiss, onFixAccount, children }: Props) {
  const syncing = progress && progress.phase !== 'done' && progress.phase !== 'idle';
  const failing = accounts.filter((a) => a.state === 'error' || a.state === 'offline');
  return (
    <footer className="status" role="status">
      <span className={`dot ${connection}`} aria-hidden="true" />
      <span data-testid="connection">
        {connection === 'online' ? 'Connected' : connection === 'connecting' ? 'Connecting…' : 'Offline — showing cached mail'}
      </span>
      {children}
      {syncing && (
        <span className="progress">
          {progress.phase === 'headers'
            ? `Syncing ${progress.mailbox ?? ''}: ${progress.done} / ${progress.total}`
            : progress.phase === 'bodies'
              ? `Downloading ${progress.mailbox ?? ''} for offline reading: ${progress.done} / ${progress.total}`
              : progress.phase === 'folders'
                ? progress.total > 0
                  ? `Synced ${progress.done} of ${progress.total} folders`
                  : 'Syncing folders…'
                : 'Connecting to server…'}
          {progress.total > 0 && <progress max={progress.total} value={progress.done} />}
        </span>
      )}
      {failing.map((a) => (
        <span key={a.id} className="warn" data-testid="account-warning">
          {a.name}: {a.error?.message ?? a.state}
          {onFixAccount && a.state === 'error' && (a.error?.code === 'AUTH_FAILED' || a.error?.code === 'CERT_UNTRUSTED') && (
            <>
              {' '}
              <button type="button" className="link" onClick={() => onFixAccount(a)} data-testid="fix-account">
                {a.error.code === 'AUTH_FAILED' ? 'Re-enter password' : 'Review certificate'}
              </button>
            </>
          )}
        </span>
      ))}
      {notice && (
        <span className="notice">
          {notice}{' '}
          <button type="button" onClick={onDismiss} aria-label="Dismiss">
            ×
          </button>
        </span>
      )}
    </footer>
  );
}
