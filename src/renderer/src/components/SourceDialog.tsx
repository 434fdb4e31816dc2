// "View source" and "Show all headers": the message as it came, fetched from main on demand and
// shown as text (never parsed as HTML), the header block alone or the whole of it.
import { useEffect, useState } from 'react';
import type { Transport } from '../api/transport.ts';
import { closeOnEscape } from './dialog-keys.ts';

/** Beyond this the source view shows the start only (a browser text area stays fast). */
const SHOWN_MAX_CHARS = 2 * 1024 * 1024;

/** The header block of a raw message (up to the first empty line). */
export function headerBlock(raw: string): string {
  const end = raw.search(/\r?\n\r?\n/);
  return end < 0 ? raw : raw.slice(0, end);
}

export function SourceDialog({ api, messageId, initial, onClose }: { api: Transport; messageId: number; initial: 'headers' | 'source'; onClose(): void }) {
  const [view, setView] = useState(initial);
  const [raw, setRaw] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api
      .call('messages.source', { messageId })
      .then((s) => {
        // UTF-8, what most mail is; a byte that is not shows as U+FFFD rather than hiding the line.
        const bytes = Uint8Array.from(atob(s.contentBase64), (c) => c.charCodeAt(0));
        if (!cancelled) setRaw(new TextDecoder('utf-8', { fatal: false }).decode(bytes));
      })
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [api, messageId]);
  const text = raw === null ? '' : view === 'headers' ? headerBlock(raw) : raw.slice(0, SHOWN_MAX_CHARS);
  return (
    <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => closeOnEscape(e, onClose)}>
      <div className="dialog source-dialog" role="dialog" aria-modal="true" aria-labelledby="source-title">
        <h2 id="source-title">{view === 'headers' ? 'All headers' : 'Message source'}</h2>
        <div role="tablist" className="segmented">
          <button type="button" role="tab" aria-selected={view === 'headers'} onClick={() => setView('headers')}>
            Headers
          </button>
          <button type="button" role="tab" aria-selected={view === 'source'} onClick={() => setView('source')}>
            Source
          </button>
        </div>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : raw === null ? (
          <p className="muted">Loading…</p>
        ) : (
          <pre className="source-text" data-testid="source-text" tabIndex={0}>
            {text}
            {view === 'source' && raw.length > SHOWN_MAX_CHARS && '\n… (the rest is not shown; save the message to see it all)'}
          </pre>
        )}
        <div className="actions">
          <button type="button" autoFocus onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
