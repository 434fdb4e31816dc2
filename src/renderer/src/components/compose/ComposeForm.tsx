// One draft: identity, recipient chips, subject, rich text, attachments (picked or dropped), send
// or send later. Ctrl/Cmd+Enter sends; Esc asks before throwing away a draft with something in it.
import { useEffect, useId, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { Account } from '../../../../shared/api.ts';
import { formatAddress } from '../../../../shared/reply.ts';
import type { Transport } from '../../api/transport.ts';
import type { ComposeDraft } from './use-compose-drafts.ts';
import { useComposeDraft } from './use-compose-draft.ts';
import { RecipientField } from './RecipientField.tsx';
import { RichEditor, type RichEditorHandle } from './RichEditor.tsx';
import { AttachmentList } from './AttachmentList.tsx';
import { toAttachment } from './files.ts';

interface Props {
  api: Transport;
  accounts: Account[];
  initial: ComposeDraft;
  hidden: boolean;
  onTitle(title: string): void;
  onMinimise(): void;
  onClose(): void;
  onSent(subject: string): void;
}

export function ComposeForm({ api, accounts, initial, hidden, onTitle, onMinimise, onClose, onSent }: Props) {
  const d = useComposeDraft(api, accounts, initial, { onClose, onSent });
  const { accountId, identity, to, cc, bcc, subject, sendAt, attachments } = d.fields;
  const [showBcc, setShowBcc] = useState(!!initial.bcc);
  const [later, setLater] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const [dropping, setDropping] = useState(false);
  const editor = useRef<RichEditorHandle>(null);
  const form = useRef<HTMLFormElement>(null);
  const account = accounts.find((a) => a.id === accountId) ?? accounts[0];
  const uid = useId();

  useEffect(() => onTitle(subject.trim() || 'New message'), [subject]);
  // Coming back from the tab strip: the cursor goes where one was typing (the body, or To when empty).
  useEffect(() => {
    if (hidden) return;
    if (to.trim()) editor.current?.focus();
    else form.current?.querySelector<HTMLInputElement>('[name="to"]')?.focus();
  }, [hidden]);

  const addFiles = async (files: File[]) => {
    const added = await Promise.all(files.map(toAttachment));
    d.set.setAttachments((a) => [...a, ...added]);
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void d.send();
    } else if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      if (confirm) setConfirm(false);
      else if (d.isEmpty()) d.discard();
      else setConfirm(true);
    }
  };

  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  const fieldError = (f: string) => d.error?.field === f;

  return (
    <form
      ref={form}
      className={`compose-form${dropping ? ' dropping' : ''}`}
      hidden={hidden}
      aria-label={subject.trim() || 'New message'}
      onKeyDown={onKey}
      onSubmit={(e) => {
        e.preventDefault();
        void d.send();
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDropping(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropping(false);
      }}
      onDrop={(e) => {
        setDropping(false);
        if (e.defaultPrevented || !hasFiles(e)) return; // the editor took it (an image placed inline)
        e.preventDefault();
        void addFiles(Array.from(e.dataTransfer.files));
      }}
      data-testid="compose-form"
    >
      <header className="compose-head">
        <h2>{subject.trim() || 'New message'}</h2>
        <button type="button" className="icon" title="Minimise" aria-label="Minimise" onClick={onMinimise} data-testid="compose-minimise">
          ▁
        </button>
        <button type="button" className="icon" title="Save draft and close" aria-label="Save draft and close" onClick={() => void d.saveAndClose()}>
          ×
        </button>
      </header>
      <div className="compose-fields">
        <div className="compose-field">
          <label htmlFor={`${uid}-from`}>From</label>
          <select
            id={`${uid}-from`}
            value={`${accountId}:${identity}`}
            onChange={(e) => {
              const [a, i] = e.target.value.split(':');
              d.chooseIdentity(a!, Number(i), (from, to) => editor.current?.replaceHtml(from, to));
            }}
            data-testid="compose-from"
          >
            {accounts.flatMap((a) =>
              a.identities.map((id, i) => (
                <option key={`${a.id}:${i}`} value={`${a.id}:${i}`}>
                  {formatAddress({ name: id.name, address: id.email })}
                </option>
              )),
            )}
          </select>
        </div>
        <RecipientField api={api} field="to" label="To" value={to} invalid={fieldError('to')} autoFocus={!to && !hidden} onChange={d.set.setTo} />
        <RecipientField api={api} field="cc" label="Cc" value={cc} invalid={fieldError('cc')} onChange={d.set.setCc} />
        {showBcc ? (
          <RecipientField api={api} field="bcc" label="Bcc" value={bcc} invalid={fieldError('bcc')} onChange={d.set.setBcc} />
        ) : (
          <button type="button" className="link add-bcc" onClick={() => setShowBcc(true)}>
            Add Bcc
          </button>
        )}
        <div className="compose-field">
          <label htmlFor={`${uid}-subject`}>Subject</label>
          <input id={`${uid}-subject`} name="subject" value={subject} onChange={(e) => d.set.setSubject(e.target.value)} data-testid="compose-subject" />
        </div>
      </div>
      <RichEditor handle={editor} initialHtml={d.start.html} autoFocus={!!to && !hidden} onChange={d.onBody} onFiles={(f) => void addFiles(f)} />
      <AttachmentList attachments={attachments} onRemove={(i) => d.set.setAttachments((l) => l.filter((_, j) => j !== i))} />
      {dropping && <div className="drop-hint">Drop files to attach them</div>}
      {account && !account.outgoing && <p className="muted compose-note">This account has no outgoing server yet; the message will wait in the outbox.</p>}
      {d.error && (
        <div className="error" role="alert" data-testid="compose-error">
          {d.error.message}
        </div>
      )}
      {later && (
        <div className="send-later">
          <label>
            Send at <input type="datetime-local" value={sendAt} onChange={(e) => d.set.setSendAt(e.target.value)} data-testid="compose-send-at" />
          </label>
          <button
            type="button"
            className="link"
            onClick={() => {
              d.set.setSendAt('');
              setLater(false);
            }}
          >
            Send now instead
          </button>
        </div>
      )}
      {confirm ? (
        <div className="actions confirm" role="alertdialog" aria-label="Discard this draft?">
          <span>Discard this draft?</span>
          <button type="button" onClick={() => setConfirm(false)} autoFocus>
            Keep editing
          </button>
          <button type="button" className="danger" onClick={d.discard} data-testid="compose-confirm-discard">
            Discard
          </button>
        </div>
      ) : (
        <div className="actions">
          <span className="muted saved">{d.savedAt ? `Saved ${new Date(d.savedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : ''}</span>
          <button type="button" onClick={d.discard} disabled={d.busy}>
            Discard
          </button>
          {!later && (
            <button type="button" onClick={() => setLater(true)} title="Choose when it leaves">
              Later…
            </button>
          )}
          <button type="submit" className="primary" disabled={d.busy} data-testid="compose-send" title="Send (Ctrl+Enter)">
            {sendAt ? 'Send later' : 'Send'}
          </button>
        </div>
      )}
    </form>
  );
}
