// The compose window: identity, recipients with autocomplete, subject, text, attachments, send or
// send later. It autosaves a draft every few seconds (main keeps it durably and in Drafts), and
// "send" returns as soon as main has the message on disk; the outbox does the rest.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Account, Address, ComposeMessage, OutgoingAttachment } from '../../../shared/api.ts';
import type { Transport } from '../api/transport.ts';
import { HearthError } from '../../../shared/errors.ts';
import { formatAddress, plainToHtml } from '../../../shared/reply.ts';

export type ComposeDraft = Partial<ComposeMessage> & { accountId: string };

interface Props {
  api: Transport;
  accounts: Account[];
  initial: ComposeDraft;
  onClose(): void;
  onSent(subject: string): void;
}

const AUTOSAVE_MS = 4000;

type Field = 'to' | 'cc' | 'bcc';

export function Compose({ api, accounts, initial, onClose, onSent }: Props) {
  const [accountId, setAccountId] = useState(initial.accountId);
  const [identity, setIdentity] = useState(initial.identity ?? 0);
  const [to, setTo] = useState(initial.to ?? '');
  const [cc, setCc] = useState(initial.cc ?? '');
  const [bcc, setBcc] = useState(initial.bcc ?? '');
  const [showBcc, setShowBcc] = useState(!!initial.bcc);
  const [subject, setSubject] = useState(initial.subject ?? '');
  const [text, setText] = useState(initial.text ?? '');
  const [attachments, setAttachments] = useState<(OutgoingAttachment & { size?: number })[]>(initial.attachments ?? []);
  const [sendAt, setSendAt] = useState('');
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [suggest, setSuggest] = useState<{ field: Field; list: Address[] } | null>(null);
  const draftId = useRef<string | undefined>(initial.draftId);
  const dirty = useRef(false);

  const account = accounts.find((a) => a.id === accountId) ?? accounts[0];
  const message = (): ComposeMessage => ({
    accountId,
    identity,
    to,
    cc,
    bcc,
    subject,
    text,
    attachments: attachments.map(({ size: _s, ...a }) => a),
    references: initial.references ?? [],
    // Sent as multipart/alternative: the text as typed, and its HTML twin for mail programs that prefer it.
    html: initial.html ?? plainToHtml(text),
    ...(initial.inReplyTo ? { inReplyTo: initial.inReplyTo } : {}),
    ...(initial.replyToMessageId !== undefined ? { replyToMessageId: initial.replyToMessageId } : {}),
    ...(sendAt ? { sendAt: new Date(sendAt).getTime() } : {}),
    ...(draftId.current ? { draftId: draftId.current } : {}),
  });

  const saveDraft = async () => {
    if (!dirty.current) return;
    dirty.current = false;
    try {
      const r = await api.call('drafts.save', message());
      draftId.current = r.draftId;
      setSavedAt(Date.now());
    } catch {
      dirty.current = true; // main unreachable: try again on the next tick
    }
  };

  // Autosave: the latest text is never more than a few seconds from disk.
  useEffect(() => {
    const t = setInterval(() => void saveDraft(), AUTOSAVE_MS);
    return () => clearInterval(t);
  });
  useEffect(() => {
    dirty.current = true;
  }, [accountId, identity, to, cc, bcc, subject, text, attachments, sendAt]);
  useEffect(() => {
    dirty.current = false; // the initial content is not an edit
  }, []);

  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call('outbox.send', message());
      onSent(subject);
      onClose();
    } catch (e) {
      setError(e instanceof HearthError ? { message: e.message, ...(e.field ? { field: e.field } : {}) } : { message: String(e) });
      void saveDraft();
    } finally {
      setBusy(false);
    }
  };

  const close = async () => {
    dirty.current = true;
    await saveDraft();
    onClose();
  };

  // Discarding closes at once; main forgets the draft (and deletes its server copy) behind it.
  const discard = () => {
    const id = draftId.current;
    onClose();
    if (id) void api.call('drafts.delete', { draftId: id }).catch(() => {});
  };

  const addFiles = async (files: FileList | null) => {
    if (!files) return;
    const added: (OutgoingAttachment & { size: number })[] = [];
    for (const f of Array.from(files)) {
      const bytes = new Uint8Array(await f.arrayBuffer());
      let bin = '';
      for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      added.push({ filename: f.name, contentType: f.type || 'application/octet-stream', contentBase64: btoa(bin), size: f.size });
    }
    setAttachments((a) => [...a, ...added]);
  };

  const lastPart = (value: string) => value.split(',').pop()!.trim();
  const onRecipients = (field: Field, value: string, set: (v: string) => void) => {
    set(value);
    const prefix = lastPart(value);
    if (prefix.length < 2) return setSuggest(null);
    void api
      .call('contacts.suggest', { prefix, limit: 6 })
      .then((list) => setSuggest(list.length ? { field, list } : null))
      .catch(() => setSuggest(null));
  };
  const pick = (field: Field, a: Address) => {
    const [value, set] = field === 'to' ? [to, setTo] : field === 'cc' ? [cc, setCc] : [bcc, setBcc];
    const parts = value.split(',');
    parts[parts.length - 1] = ` ${formatAddress(a)}`;
    set(parts.join(',').replace(/^\s+/, '').concat(', '));
    setSuggest(null);
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      void close();
    }
  };

  const recipientField = (field: Field, label: string, value: string, set: (v: string) => void) => (
    <label className={error?.field === field ? 'invalid' : ''}>
      {label}
      <input
        name={field}
        value={value}
        autoComplete="off"
        onChange={(e) => onRecipients(field, e.target.value, set)}
        onBlur={() => setTimeout(() => setSuggest(null), 150)}
        data-testid={`compose-${field}`}
      />
      {suggest?.field === field && (
        <ul className="suggestions" role="listbox">
          {suggest.list.map((a) => (
            <li key={a.address} role="option" aria-selected={false}>
              <button type="button" onMouseDown={() => pick(field, a)}>
                {formatAddress(a)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </label>
  );

  return (
    <div className="dialog-backdrop" role="presentation">
      <form
        className="dialog compose"
        role="dialog"
        aria-modal="true"
        aria-labelledby="compose-title"
        onKeyDown={onKey}
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <h2 id="compose-title">{subject || 'New message'}</h2>
        <div className="row">
          <label>
            From
            <select
              value={`${accountId}:${identity}`}
              onChange={(e) => {
                const [a, i] = e.target.value.split(':');
                setAccountId(a!);
                setIdentity(Number(i));
              }}
            >
              {accounts.flatMap((a) =>
                a.identities.map((id, i) => (
                  <option key={`${a.id}:${i}`} value={`${a.id}:${i}`}>
                    {formatAddress({ name: id.name, address: id.email })}
                  </option>
                )),
              )}
            </select>
          </label>
        </div>
        {recipientField('to', 'To', to, setTo)}
        {recipientField('cc', 'Cc', cc, setCc)}
        {showBcc ? (
          recipientField('bcc', 'Bcc', bcc, setBcc)
        ) : (
          <button type="button" className="link" onClick={() => setShowBcc(true)}>
            Add Bcc
          </button>
        )}
        <label>
          Subject
          <input name="subject" value={subject} onChange={(e) => setSubject(e.target.value)} data-testid="compose-subject" />
        </label>
        <textarea
          className="compose-body"
          aria-label="Message"
          rows={14}
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoFocus={!!initial.to}
          data-testid="compose-body"
        />
        {attachments.length > 0 && (
          <ul className="attachments">
            {attachments.map((a, i) => (
              <li key={`${a.filename}-${i}`}>
                {a.filename} {a.size !== undefined && <span className="muted">({Math.ceil(a.size / 1024)} KB)</span>}{' '}
                <button type="button" aria-label={`Remove ${a.filename}`} onClick={() => setAttachments((l) => l.filter((_, j) => j !== i))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="row">
          <label>
            Attach files
            <input type="file" multiple onChange={(e) => void addFiles(e.target.files)} data-testid="compose-attach" />
          </label>
          <label>
            Send later
            <input type="datetime-local" value={sendAt} onChange={(e) => setSendAt(e.target.value)} />
          </label>
        </div>
        {account && !account.outgoing && <p className="muted">This account has no outgoing server yet; the message will wait in the outbox.</p>}
        {error && (
          <div className="error" role="alert" data-testid="compose-error">
            {error.message}
          </div>
        )}
        <div className="actions">
          <span className="muted">{savedAt ? `Draft saved ${new Date(savedAt).toLocaleTimeString()}` : ''}</span>
          <button type="button" onClick={discard} disabled={busy}>
            Discard
          </button>
          <button type="button" onClick={() => void close()} disabled={busy}>
            Save draft
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="compose-send" title="Send (Ctrl+Enter)">
            {sendAt ? 'Send later' : 'Send'}
          </button>
        </div>
      </form>
    </div>
  );
}
