import { useEffect, useState } from 'react';
import type { Mailbox, MessageBody, MessageSummary } from '../../../shared/api.ts';
import type { Transport } from '../api/transport.ts';
import type { HearthDb } from '../db.ts';
import { PaperclipIcon } from './icons.tsx';
import { MessageActions, type MessageAction } from './MessageActions.tsx';
import { useLive } from '../use-live.ts';
import { displayAddress, listDate } from '../format.ts';
import { BodyFrame, bodyDocument, HeaderLines, RemoteBanner } from './MessageParts.tsx';
import { inlineImageUrls, keepBody } from '../offline-mirror.ts';
import { remoteContentAllowed } from '../../../shared/settings.ts';

interface Props {
  api: Transport;
  db: HearthDb;
  message: MessageSummary | null;
  mailboxes: Mailbox[];
  online: boolean;
  onAction(action: MessageAction): void;
  onOpen(messageId: number): void;
  /** Senders (addresses or domains) whose remote content loads without asking (Settings). */
  remoteContentFrom?: readonly string[];
  /** "Always load from this sender": adds the sender to that list. */
  onAlwaysAllowRemote?(sender: string): void;
}

export function Reader({ api, db, message, mailboxes, online, onAction, onOpen, remoteContentFrom = [], onAlwaysAllowRemote }: Props) {
  const [body, setBody] = useState<MessageBody | null>(null);
  const conversation = useLive<MessageSummary[]>(
    () => (message ? db.messages.where('threadId').equals(message.threadId).sortBy('date') : Promise.resolve([])),
    [db, message?.threadId],
    [],
  );
  const [error, setError] = useState<string | null>(null);
  const [allowRemote, setAllowRemote] = useState(false);
  const [cidUrls, setCidUrls] = useState<Map<string, string>>(new Map());

  useEffect(() => {
    setBody(null);
    setError(null);
    setAllowRemote(false);
    setCidUrls(new Map());
    if (!message) return;
    let cancelled = false;
    (async () => {
      // The offline mirror makes mail readable with main away; fetch from main (and keep) otherwise.
      let found: MessageBody | null = (await db.bodies.get(message.id)) ?? null;
      if (!found) {
        try {
          found = await api.call('messages.body', { messageId: message.id });
        } catch (e) {
          if (!cancelled) setError(e instanceof Error ? e.message : String(e));
          return;
        }
        // Keeping it (with its inline images) may fail offline halfway: the body still shows.
        await keepBody(db, api, found, message.date).catch(() => {});
      }
      const images = await inlineImageUrls(db, api, found);
      if (cancelled) return;
      setCidUrls(images);
      setBody(found);
    })();
    return () => {
      cancelled = true;
    };
  }, [api, db, message?.id, online]);

  if (!message) return <article className="reader empty muted">Select a message to read it.</article>;

  const sender = message.from[0]?.address;
  const remote = allowRemote || remoteContentAllowed(remoteContentFrom, sender);
  const { doc, blocked } = bodyDocument(body, remote, cidUrls);

  return (
    <article className="reader" aria-label="Message">
      <MessageActions message={message} mailboxes={mailboxes} onAction={onAction} />
      <header className="reader-header">
        <h1 data-testid="reader-subject">{message.subject || '(no subject)'}</h1>
        <div className="meta">
          <HeaderLines from={message.from} to={message.to} cc={message.cc} date={message.date} />
        </div>
      </header>
      {conversation.length > 1 && (
        <details className="conversation" data-testid="conversation">
          <summary>{conversation.length} messages in this conversation</summary>
          <ol>
            {conversation.map((m) => (
              <li key={m.id}>
                <button type="button" className={m.id === message.id ? 'current' : ''} onClick={() => onOpen(m.id)}>
                  <span>{displayAddress(m.from)}</span> <span className="muted">{listDate(m.date)}</span> {m.snippet.slice(0, 80)}
                </button>
              </li>
            ))}
          </ol>
        </details>
      )}
      {!remote && (
        <RemoteBanner
          blocked={blocked}
          onAllow={() => setAllowRemote(true)}
          {...(sender && onAlwaysAllowRemote ? { sender, onAlwaysAllow: () => onAlwaysAllowRemote(sender) } : {})}
        />
      )}
      {body?.damaged && <div className="remote-banner">This message is damaged; Hearth shows what it could read.</div>}
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      {body && body.attachments.filter((a) => !a.inline).length > 0 && (
        <ul className="attachments">
          {body.attachments
            .filter((a) => !a.inline)
            .map((a) => (
              <li key={a.partId}>
                <button
                  type="button"
                  className="attachment"
                  title="Save"
                  onClick={() => void saveAttachment(api, message.id, a.partId).catch((e: Error) => setError(e.message))}
                >
                  <PaperclipIcon /> {a.filename ?? 'attachment'} <span className="muted">({Math.ceil(a.size / 1024)} KB)</span>
                </button>
              </li>
            ))}
        </ul>
      )}
      {body ? <BodyFrame doc={doc} /> : !error && <p className="muted">Loading…</p>}
    </article>
  );
}

/** Fetches an attachment from main and hands it to the browser's download (Electron saves it the same way). */
async function saveAttachment(api: Transport, messageId: number, partId: string): Promise<void> {
  const a = await api.call('messages.attachment', { messageId, partId });
  const bytes = Uint8Array.from(atob(a.contentBase64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = a.filename ?? 'attachment';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
