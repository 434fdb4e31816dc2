// The conversation view: every message of the thread (across folders, Sent included), oldest
// first, stacked above the open message; each opens in place (quoted text collapsed), and "Open"
// makes it the current message.
import { useEffect, useState } from 'react';
import type { Mailbox, MessageBody, MessageSummary } from '../../../shared/api.ts';
import type { Transport } from '../api/transport.ts';
import type { HearthDb } from '../db.ts';
import { displayAddress, listDate } from '../format.ts';
import { BodyFrame, bodyDocument } from './MessageParts.tsx';
import { useDark } from '../use-theme.ts';

interface Props {
  api: Transport;
  db: HearthDb;
  messages: MessageSummary[];
  currentId: number;
  mailboxes: Mailbox[];
  onOpen(messageId: number): void;
}

export function ConversationStack({ api, db, messages, currentId, mailboxes, onOpen }: Props) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const current = messages.find((m) => m.id === currentId);
  const folder = new Map(mailboxes.map((m) => [m.id, m.name]));
  return (
    <section className="conversation" aria-label="Conversation" data-testid="conversation">
      <h2 className="muted">{messages.length} messages in this conversation</h2>
      <ol>
        {messages.map((m) => {
          const expanded = open.has(m.id);
          const isCurrent = m.id === currentId;
          return (
            <li key={m.id} className={`conversation-message${isCurrent ? ' current' : ''}`} data-testid="conversation-message">
              <div className="conversation-head">
                <button
                  type="button"
                  className="conversation-toggle"
                  aria-expanded={isCurrent || expanded}
                  disabled={isCurrent}
                  onClick={() =>
                    setOpen((s) => {
                      const next = new Set(s);
                      if (!next.delete(m.id)) next.add(m.id);
                      return next;
                    })
                  }
                >
                  <span className="from">{displayAddress(m.from)}</span>
                  {m.mailboxId !== current?.mailboxId && <span className="folder-tag">{folder.get(m.mailboxId)}</span>}
                  <span className="muted date">{listDate(m.date)}</span>
                  <span className="muted snippet">{isCurrent ? 'shown below' : m.snippet}</span>
                </button>
                {!isCurrent && (
                  <button type="button" className="conversation-open" onClick={() => onOpen(m.id)} title="Make this the open message">
                    Open
                  </button>
                )}
              </div>
              {expanded && !isCurrent && <StackedBody api={api} db={db} message={m} />}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function StackedBody({ api, db, message }: { api: Transport; db: HearthDb; message: MessageSummary }) {
  const [body, setBody] = useState<MessageBody | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dark = useDark();
  useEffect(() => {
    let live = true;
    void (async () => (await db.bodies.get(message.id)) ?? (await api.call('messages.body', { messageId: message.id })))().then(
      (b) => live && setBody(b),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, db, message.id]);
  if (error) return <p className="error">{error}</p>;
  if (!body) return <p className="muted">Loading…</p>;
  return (
    <div className="stacked-body">
      <BodyFrame doc={bodyDocument(body, false, new Map(), true, dark).doc} />
    </div>
  );
}
