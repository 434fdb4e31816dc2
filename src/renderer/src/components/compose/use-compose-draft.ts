// One draft's state and what can be done with it: the message it makes (HTML with cid: images and
// its plain-text twin), autosave every few seconds, send, save and close, discard.
import { useEffect, useRef, useState } from 'react';
import { ComposeMessage, type Account } from '../../../../shared/api.ts';
import { HearthError } from '../../../../shared/errors.ts';
import type { Transport } from '../../api/transport.ts';
import type { ComposeDraft } from './use-compose-drafts.ts';
import { extractInlineImages, inlineToDataUrls } from './inline-images.ts';
import { textToEditorHtml } from './text-twin.ts';
import type { PendingAttachment } from './files.ts';

const AUTOSAVE_MS = 4000;

/** The signature block of an identity as editor HTML ("-- " line first, as mail programs expect). */
export function signatureHtml(signature: string | undefined): string {
  return signature?.trim() ? textToEditorHtml(`-- \n${signature.replace(/\s+$/, '')}`) : '';
}

/** What the editor starts with: the draft's HTML (cid: images as data: URLs), its text, or an empty body with the signature. */
function startingBody(initial: ComposeDraft, accounts: Account[]): { html: string; attachments: PendingAttachment[] } {
  const attachments = initial.attachments ?? [];
  if (initial.html) return inlineToDataUrls(initial.html, attachments);
  if (initial.text) return { html: textToEditorHtml(initial.text), attachments };
  const id = accounts.find((a) => a.id === initial.accountId)?.identities[initial.identity ?? 0];
  const sig = signatureHtml(id?.signature);
  return { html: sig ? `<p></p>${sig}` : '', attachments };
}

export function useComposeDraft(api: Transport, accounts: Account[], initial: ComposeDraft, done: { onClose(): void; onSent(subject: string): void }) {
  const [start] = useState(() => startingBody(initial, accounts));
  const [accountId, setAccountId] = useState(initial.accountId);
  const [identity, setIdentity] = useState(initial.identity ?? 0);
  const [to, setTo] = useState(initial.to ?? '');
  const [cc, setCc] = useState(initial.cc ?? '');
  const [bcc, setBcc] = useState(initial.bcc ?? '');
  const [subject, setSubject] = useState(initial.subject ?? '');
  const [body, setBody] = useState<{ html: string; text: string }>({ html: start.html, text: initial.text ?? '' });
  const [attachments, setAttachments] = useState<PendingAttachment[]>(start.attachments);
  const [sendAt, setSendAt] = useState('');
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const draftId = useRef<string | undefined>(initial.draftId);
  const dirty = useRef(false);
  const gone = useRef(false);
  const startText = useRef<string | null>(null);

  const message = (): ComposeMessage => {
    const inline = extractInlineImages(body.html, () => crypto.randomUUID());
    return {
      accountId,
      identity,
      to,
      cc,
      bcc,
      subject,
      text: body.text,
      html: inline.html,
      attachments: [...attachments.map(({ size: _s, ...a }) => a), ...inline.images],
      references: initial.references ?? [],
      ...(initial.inReplyTo ? { inReplyTo: initial.inReplyTo } : {}),
      ...(initial.replyToMessageId !== undefined ? { replyToMessageId: initial.replyToMessageId } : {}),
      ...(sendAt ? { sendAt: new Date(sendAt).getTime() } : {}),
      ...(draftId.current ? { draftId: draftId.current } : {}),
    };
  };

  const saveDraft = async () => {
    if (!dirty.current || gone.current) return;
    dirty.current = false;
    try {
      const r = await api.call('drafts.save', message());
      if (gone.current) return;
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
  const first = useRef(true);
  useEffect(() => {
    if (first.current)
      first.current = false; // the initial content is not an edit
    else dirty.current = true;
  }, [accountId, identity, to, cc, bcc, subject, body.html, attachments, sendAt]);

  /** The editor reports its content; the first report is the starting point (for "is it empty?"). */
  const onBody = (html: string, text: string) => {
    if (startText.current === null) startText.current = text;
    setBody((b) => (b.html === html && b.text === text ? b : { html, text }));
  };

  const send = async () => {
    setBusy(true);
    setError(null);
    const m = message();
    // Checked here as main checks it, so a mistake shows before anything leaves the window.
    const checked = ComposeMessage.safeParse(m);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      setError({ message: issue.message, ...(issue.path[0] ? { field: String(issue.path[0]) } : {}) });
      setBusy(false);
      return;
    }
    try {
      gone.current = true; // no autosave may recreate the draft the outbox now owns
      await api.call('outbox.send', m);
      done.onSent(subject);
      done.onClose();
    } catch (e) {
      gone.current = false;
      dirty.current = true;
      setError(e instanceof HearthError ? { message: e.message, ...(e.field ? { field: e.field } : {}) } : { message: String(e) });
      void saveDraft();
    } finally {
      setBusy(false);
    }
  };

  const saveAndClose = async () => {
    dirty.current = true;
    await saveDraft();
    gone.current = true;
    done.onClose();
  };

  // Discarding closes at once; main forgets the draft (and deletes its server copy) behind it.
  const discard = () => {
    gone.current = true;
    const id = draftId.current;
    done.onClose();
    if (id) void api.call('drafts.delete', { draftId: id }).catch(() => {});
  };

  /** Anything the user would lose: recipients, subject, attachments, or text beyond what it started with. */
  const isEmpty = () =>
    !to.trim() && !cc.trim() && !bcc.trim() && !subject.trim() && attachments.length === 0 && body.text.trim() === (startText.current ?? '').trim();

  /** Another identity: its signature replaces the old one where the body still has it. */
  const chooseIdentity = (nextAccount: string, nextIdentity: number, replaceSignature: (from: string, to: string) => void) => {
    const sigOf = (a: string, i: number) => signatureHtml(accounts.find((x) => x.id === a)?.identities[i]?.signature);
    const before = sigOf(accountId, identity);
    const after = sigOf(nextAccount, nextIdentity);
    if (before !== after) replaceSignature(before, after);
    setAccountId(nextAccount);
    setIdentity(nextIdentity);
  };

  return {
    start,
    fields: { accountId, identity, to, cc, bcc, subject, sendAt, attachments },
    set: { setTo, setCc, setBcc, setSubject, setSendAt, setAttachments },
    chooseIdentity,
    onBody,
    error,
    busy,
    savedAt,
    send,
    saveAndClose,
    discard,
    isEmpty,
  };
}
