import { useEffect, useState } from 'react';
import type { Mailbox, MessageBody, MessageSummary } from '../../../shared/api.ts';
import type { Transport } from '../api/transport.ts';
import type { HearthDb } from '../db.ts';
import { AttachmentList } from './AttachmentList.tsx';
import { SourceDialog } from './SourceDialog.tsx';
import { ConversationStack } from './ConversationStack.tsx';
import { MessageActions, type MessageAction } from './MessageActions.tsx';
import { useLive } from '../use-live.ts';
import { useOverlaid, type FlagOverlay } from '../flag-overlay.ts';
import { BodyFrame, bodyDocument, HeaderLines, RemoteBanner } from './MessageParts.tsx';
import { useDark } from '../use-theme.ts';
import { inlineImageUrls, keepBody } from '../offline-mirror.ts';
import { remoteContentAllowed } from '../../../shared/settings.ts';

interface Props {
  api: Transport;
  db: HearthDb;
  message: MessageSummary | null;
  /** Flag changes shown before the offline copy has them (the actions' labels follow). */
  overlay?: FlagOverlay | undefined;
  mailboxes: Mailbox[];
  online: boolean;
  onAction(action: MessageAction): void;
  onOpen(messageId: number): void;
  /** Senders (addresses or domains) whose remote content loads without asking (Settings). */
  remoteContentFrom?: readonly string[];
  /** "Always load from this sender": adds the sender to that list. */
  onAlwaysAllowRemote?(sender: string): void;
}

export function Reader({ api, db, message, overlay, mailboxes, online, onAction, onOpen, remoteContentFrom = [], onAlwaysAllowRemote }: Props) {
  const shown = useOverlaid(overlay, message);
  const [body, setBody] = useState<MessageBody | null>(null);
  const conversation = useLive<MessageSummary[]>(
    () => (message ? db.messages.where('threadId').equals(message.threadId).sortBy('date') : Promise.resolve([])),
    [db, message?.threadId],
    [],
  );
  const [error, setError] = useState<string | null>(null);
  const [allowRemote, setAllowRemote] = useState(false);
  const [cidUrls, setCidUrls] = useState<Map<string, string>>(new Map());
  const [source, setSource] = useState<'headers' | 'source' | null>(null);
  // The frame's colours follow a theme change while the message is open.
  const dark = useDark();

  useEffect(() => {
    setBody(null);
    setError(null);
    setAllowRemote(false);
    setCidUrls(new Map());
    setSource(null);
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
  const { doc, blocked } = bodyDocument(body, remote, cidUrls, true, dark);

  return (
    <article className="reader" aria-label="Message">
      <MessageActions message={shown ?? message} mailboxes={mailboxes} onAction={onAction} />
      <header className="reader-header">
        <h1 data-testid="reader-subject">{message.subject || '(no subject)'}</h1>
        <div className="meta">
          <HeaderLines from={message.from} to={message.to} cc={message.cc} date={message.date} />
        </div>
        <div className="reader-more">
          <button type="button" className="link" onClick={() => setSource('headers')} disabled={!online}>
            All headers
          </button>
          <button type="button" className="link" onClick={() => setSource('source')} disabled={!online}>
            Source
          </button>
        </div>
        {source && <SourceDialog api={api} messageId={message.id} initial={source} onClose={() => setSource(null)} />}
      </header>
      {conversation.length > 1 && <ConversationStack api={api} db={db} messages={conversation} currentId={message.id} mailboxes={mailboxes} onOpen={onOpen} />}
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
      {body && <AttachmentList api={api} messageId={message.id} attachments={body.attachments} onError={setError} />}
      {!body && !error && <p className="muted">Loading…</p>}
      <BodyFrame doc={doc} hidden={!body} />
    </article>
  );
}
