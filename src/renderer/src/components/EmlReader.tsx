// A message file opened on its own (.eml from the file manager): read-only, sanitised exactly like
// the reader (remote content blocked until asked for, no scripts, sandboxed frame).
import { useEffect, useState } from 'react';
import type { ResultOf } from '../../../shared/api.ts';
import type { ConnectionState, Transport } from '../api/transport.ts';
import { fullAddressList } from '../format.ts';
import { messageDocument, sanitizeMessageHtml, textToHtml } from '../sanitize.ts';
import { PaperclipIcon } from './icons.tsx';

const prefersDark = () => window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;

export function EmlReader({ api, fileId }: { api: Transport; fileId: string }) {
  const [file, setFile] = useState<ResultOf<'eml.read'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [allowRemote, setAllowRemote] = useState(false);
  const [connection, setConnection] = useState<ConnectionState>(api.state());
  useEffect(() => {
    const off = api.onState(setConnection);
    setConnection(api.state());
    return off;
  }, [api]);

  // Main parses the file once this window is connected to it.
  useEffect(() => {
    if (connection !== 'online') return;
    let cancelled = false;
    setError(null);
    api.call('eml.read', { fileId }).then(
      (f) => {
        if (cancelled) return;
        setFile(f);
        document.title = `${f.subject || f.fileName} — Hearth`;
      },
      (e: Error) => !cancelled && setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [api, fileId, connection]);

  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!file) return <p className="muted">Opening…</p>;

  const body = file.body;
  let doc: string;
  let blocked = 0;
  if (body.html) {
    const s = sanitizeMessageHtml(body.html, { allowRemote });
    doc = messageDocument(s.html, allowRemote, prefersDark());
    blocked = s.blockedRemote;
  } else doc = messageDocument(textToHtml(body.text ?? ''), false, prefersDark());
  const attachments = body.attachments.filter((a) => !a.inline);

  return (
    <div className="eml-reader">
      <article className="reader" aria-label="Message file">
        <header className="reader-header">
          <h1 data-testid="reader-subject">{file.subject || '(no subject)'}</h1>
          <div className="meta">
            <div>
              <span className="label">From</span> {fullAddressList(file.from)}
            </div>
            {file.to.length > 0 && (
              <div>
                <span className="label">To</span> {fullAddressList(file.to)}
              </div>
            )}
            {file.cc.length > 0 && (
              <div>
                <span className="label">Cc</span> {fullAddressList(file.cc)}
              </div>
            )}
            {file.date !== null && (
              <div>
                <span className="label">Date</span> {new Date(file.date).toLocaleString()}
              </div>
            )}
            <div className="muted">
              <span className="label">File</span> {file.fileName}
            </div>
          </div>
        </header>
        {blocked > 0 && !allowRemote && (
          <div className="remote-banner">
            Hearth blocked {blocked} remote {blocked === 1 ? 'resource' : 'resources'} in this message to protect your privacy.{' '}
            <button type="button" onClick={() => setAllowRemote(true)}>
              Load remote content
            </button>
          </div>
        )}
        {body.damaged && <div className="remote-banner">This message is damaged; Hearth shows what it could read.</div>}
        {attachments.length > 0 && (
          <ul className="attachments" aria-label="Attachments">
            {attachments.map((a) => (
              <li key={a.partId} className="attachment">
                <PaperclipIcon /> {a.filename ?? 'attachment'} <span className="muted">({Math.ceil(a.size / 1024)} KB)</span>
              </li>
            ))}
          </ul>
        )}
        {/* No allow-scripts and no allow-same-origin: the message runs nothing and reaches nothing. */}
        <iframe className="body-frame" title="Message body" sandbox="allow-popups allow-popups-to-escape-sandbox" srcDoc={doc} data-testid="body-frame" />
      </article>
    </div>
  );
}
