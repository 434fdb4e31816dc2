// A message file opened on its own (.eml from the file manager): read-only, sanitised exactly like
// the reader (remote content blocked until asked for, no scripts, sandboxed frame).
import { useEffect, useState } from 'react';
import type { ResultOf } from '../../../shared/api.ts';
import type { ConnectionState, Transport } from '../api/transport.ts';
import { PaperclipIcon } from './icons.tsx';
import { BodyFrame, bodyDocument, HeaderLines, RemoteBanner } from './MessageParts.tsx';
import { useDark } from '../use-theme.ts';

export function EmlReader({ api, fileId }: { api: Transport; fileId: string }) {
  const [file, setFile] = useState<ResultOf<'eml.read'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [allowRemote, setAllowRemote] = useState(false);
  const dark = useDark();
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
  const { doc, blocked } = bodyDocument(body, allowRemote, new Map(), false, dark);
  const attachments = body.attachments.filter((a) => !a.inline);

  return (
    <div className="eml-reader">
      <article className="reader" aria-label="Message file">
        <header className="reader-header">
          <h1 data-testid="reader-subject">{file.subject || '(no subject)'}</h1>
          <div className="meta">
            <HeaderLines from={file.from} to={file.to} cc={file.cc} date={file.date} />
            <div className="muted">
              <span className="label">File</span> {file.fileName}
            </div>
          </div>
        </header>
        {!allowRemote && <RemoteBanner blocked={blocked} onAllow={() => setAllowRemote(true)} />}
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
        <BodyFrame doc={doc} />
      </article>
    </div>
  );
}
