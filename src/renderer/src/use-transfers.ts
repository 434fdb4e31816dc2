// The imports and exports main is running or has run: the list on connect, then each
// `transfer.progress` event replaces its job's entry. Dismissed finished jobs stay hidden.
import { useCallback, useEffect, useState } from 'react';
import type { TransferProgress } from '../../shared/api.ts';
import type { Transport } from './api/transport.ts';

export function useTransfers(api: Transport): { transfers: TransferProgress[]; dismiss(jobId: string): void } {
  const [byId, setById] = useState<Map<string, TransferProgress>>(new Map());
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  useEffect(() => {
    const put = (p: TransferProgress) => setById((m) => new Map(m).set(p.jobId, p));
    const off = api.on('transfer.progress', put);
    void api.call('transfer.list', {}).then(
      (list) => list.forEach(put),
      () => {},
    );
    return off;
  }, [api]);
  const dismiss = useCallback((jobId: string) => setDismissed((d) => new Set(d).add(jobId)), []);
  return { transfers: [...byId.values()].filter((t) => !dismissed.has(t.jobId)), dismiss };
}
