// What the outbox is doing, with the one action each state allows: undo while held, retry or
// edit when it failed, and why a message waits.
import { useEffect, useState } from 'react';
import type { OutboxItem } from '../../../shared/api.ts';
import { CertificateTrust } from './CertificateTrust.tsx';

interface Props {
  items: OutboxItem[];
  onUndo(id: string): void;
  onRetry(id: string): void;
  onDelete(id: string): void;
  /** Trusts the outgoing server's certificate a failed message was refused by (then sends it again). */
  onTrustCertificate?(id: string, fingerprint256: string): void;
  /** The message whose certificate is being trusted. */
  trusting?: string | null;
}

export function OutboxBar({ items, onUndo, onRetry, onDelete, onTrustCertificate, trusting = null }: Props) {
  const [, tick] = useState(0);
  // Re-render each second so the undo countdown moves.
  useEffect(() => {
    if (!items.some((i) => i.state === 'held')) return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [items]);
  if (items.length === 0) return null;
  return (
    <ul className="outbox" aria-label="Outbox" data-testid="outbox">
      {items.map((i) => {
        const subject = `“${i.subject || '(no subject)'}”`;
        const left = i.until ? Math.max(0, Math.ceil((i.until - Date.now()) / 1000)) : 0;
        return (
          <li key={i.id} className={`outbox-item ${i.state}`} data-state={i.state}>
            {i.state === 'held' && (
              <>
                Sending {subject} in {left} s{' '}
                <button type="button" onClick={() => onUndo(i.id)} data-testid="undo-send">
                  Undo
                </button>
              </>
            )}
            {i.state === 'scheduled' && (
              <>
                {subject} will be sent {new Date(i.until ?? 0).toLocaleString()}{' '}
                <button type="button" onClick={() => onUndo(i.id)}>
                  Edit
                </button>
              </>
            )}
            {(i.state === 'queued' || i.state === 'sending') && (
              <>
                {i.state === 'sending' ? `Sending ${subject}…` : `${subject} is waiting to be sent`}
                {i.error && <span className="muted"> — {i.error.message}</span>}
              </>
            )}
            {i.state === 'sent' && <>{subject} was sent; filing a copy in Sent…</>}
            {i.state === 'failed' && (
              <>
                <strong>Not sent:</strong> {subject} — {i.error?.message}
                {i.error?.response && <span className="mono"> ({i.error.response})</span>}{' '}
                <button type="button" onClick={() => onUndo(i.id)}>
                  Edit
                </button>{' '}
                <button type="button" onClick={() => onRetry(i.id)}>
                  Retry
                </button>{' '}
                <button type="button" onClick={() => onDelete(i.id)}>
                  Delete
                </button>
                {i.error?.code === 'CERT_UNTRUSTED' && i.error.detail && onTrustCertificate && (
                  <div className="outbox-cert" data-testid="outbox-certificate">
                    <CertificateTrust detail={i.error.detail} onTrust={(f) => onTrustCertificate(i.id, f)} trusting={trusting === i.id} />
                  </div>
                )}
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
