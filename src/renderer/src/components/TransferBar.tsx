// Imports and exports under way or just ended: messages and bytes done, a cancel button while
// running, the outcome when done.
import type { TransferProgress } from '../../../shared/api.ts';
import { countOf } from '../format.ts';

interface Props {
  transfers: TransferProgress[];
  onCancel(jobId: string): void;
  onDismiss(jobId: string): void;
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

function outcome(t: TransferProgress): string {
  const verb = t.kind === 'import' ? 'Imported' : 'Exported';
  const skipped = t.skipped ? ` (${t.skipped} passed over)` : '';
  if (t.state === 'done') return `${verb} ${countOf(t.done, 'message', 'messages')}${skipped}`;
  if (t.state === 'cancelled')
    return `${t.kind === 'import' ? 'Import' : 'Export'} stopped at ${t.done} of ${t.total}${t.kind === 'import' ? ' — import again to go on' : ''}`;
  if (t.state === 'failed') return `${t.kind === 'import' ? 'Import' : 'Export'} failed: ${t.error?.message ?? 'unknown error'}`;
  return `${t.kind === 'import' ? 'Importing' : 'Exporting'} ${t.done} of ${t.total}${t.bytesTotal ? ` · ${mb(t.bytesDone)} of ${mb(t.bytesTotal)}` : ''}`;
}

export function TransferBar({ transfers, onCancel, onDismiss }: Props) {
  if (transfers.length === 0) return null;
  return (
    <ul className="transfers" aria-label="Imports and exports" data-testid="transfers">
      {transfers.map((t) => (
        <li key={t.jobId} className={`transfer ${t.state}`}>
          <span className="transfer-path" title={t.path}>
            {t.path.split(/[\\/]/).filter(Boolean).pop() ?? t.path}
          </span>
          {t.state === 'running' && <progress max={Math.max(t.total, 1)} value={t.done} aria-label={`${t.kind} progress`} />}
          <span role={t.state === 'failed' ? 'alert' : 'status'}>{outcome(t)}</span>
          {t.state === 'running' ? (
            <button type="button" onClick={() => onCancel(t.jobId)}>
              Stop
            </button>
          ) : (
            <button type="button" aria-label="Dismiss" onClick={() => onDismiss(t.jobId)}>
              ×
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
