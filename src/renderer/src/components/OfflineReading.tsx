// The browser's offline copy in the status bar ("Offline copy: 1,204 messages, 38 MB"); a click
// opens its settings (Settings › Checking & offline): how far back bodies are kept and how much
// room they may take.
import { countOf } from '../format.ts';
import { useEffect, useState } from 'react';
import type { OfflineMirror, OfflineState } from '../offline-mirror.ts';

const MB = 1024 * 1024;

export function OfflineReading({ mirror, onOpenSettings }: { mirror: OfflineMirror; onOpenSettings(): void }) {
  const [state, setState] = useState<OfflineState | null>(null);
  useEffect(() => mirror.onState(setState), [mirror]);
  if (!state) return null;
  return (
    <button type="button" className="link offline-copy" onClick={onOpenSettings} data-testid="offline-copy" title="Offline reading settings">
      {state.phase === 'filling' ? 'Keeping mail for offline reading: ' : 'Offline copy: '}
      {countOf(state.kept, 'message', 'messages')}, {Math.ceil(state.bytes / MB)} MB
    </button>
  );
}
