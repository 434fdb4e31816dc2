import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Account, Mailbox, MessageSummary, OutboxItem, SyncProgress } from '../../shared/api.ts';
import { formatAddressList, forwardSubject, quoteForForward, quoteForReply, replyRecipients, replyReferences, replySubject } from '../../shared/reply.ts';
import { Compose, type ComposeDraft } from './components/Compose.tsx';
import { OutboxBar } from './components/OutboxBar.tsx';
import { AdminScreen } from './components/admin/AdminScreen.tsx';
import { TransferBar } from './components/TransferBar.tsx';
import { TransferDialog } from './components/TransferDialog.tsx';
import { useTransfers } from './use-transfers.ts';
import { emlFileNameFor } from '../../shared/eml-file-name.ts';
import type { ConnectionState, Transport } from './api/transport.ts';
import { HearthError } from '../../shared/errors.ts';
import type { HearthDb } from './db.ts';
import { useLive } from './use-live.ts';
import { useSearch } from './use-search.ts';
import { FolderPane } from './components/FolderPane.tsx';
import { MessageList } from './components/MessageList.tsx';
import { Reader } from './components/Reader.tsx';
import { AccountDialog } from './components/AccountDialog.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { OfflineReading } from './components/OfflineReading.tsx';
import type { OfflineMirror } from './offline-mirror.ts';
import type { MessageAction } from './components/MessageActions.tsx';
import { Welcome } from './components/Welcome.tsx';
import type { DesktopIntent, WelcomeStatus } from '../../shared/desktop.ts';
import type { MailtoDraft } from '../../shared/mailto.ts';
import { useDesktopIntents } from './use-desktop-intents.ts';
import { SettingsScreen, type SettingsTarget } from './components/settings/SettingsScreen.tsx';
import { useAppSettings } from './use-app-settings.ts';
import { useTheme } from './use-theme.ts';
import { inAccountOrder } from '../../shared/api.ts';

export interface AppProps {
  api: Transport;
  db: HearthDb;
  /** The browser's offline copy of bodies (web host only). */
  offline?: OfflineMirror | null;
}

export function App({ api, db, offline = null }: AppProps) {
  const [connection, setConnection] = useState<ConnectionState>(api.state());
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const report = useCallback((e: unknown) => setNotice(e instanceof Error ? e.message : String(e)), []);
  const [mailboxId, setMailboxId] = useState<number | null>(null);
  const mailboxIdRef = useRef<number | null>(null);
  mailboxIdRef.current = mailboxId;
  const [messageId, setMessageId] = useState<number | null>(null);
  const [showAddAccount, setShowAddAccount] = useState(false);
  const [showServer, setShowServer] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState<SettingsTarget | null>(null);
  const appSettings = useAppSettings(api, db);
  useTheme(appSettings.values['appearance.theme']);
  const [transferDialog, setTransferDialog] = useState<{ mailbox: Mailbox; kind: 'import' | 'export' } | null>(null);
  const { transfers, dismiss: dismissTransfer } = useTransfers(api);
  const [query, setQuery] = useState('');
  const searchBox = useRef<HTMLInputElement>(null);
  const [compose, setCompose] = useState<ComposeDraft | null>(null);
  const composeOpen = useRef(false);
  composeOpen.current = compose !== null || showAddAccount || showServer || settingsOpen !== null;
  const [outbox, setOutbox] = useState<OutboxItem[]>([]);
  useEffect(() => api.on('outbox.changed', setOutbox), [api]);
  useEffect(() => {
    if (connection === 'online') void api.call('outbox.list', {}).then(setOutbox, () => {});
  }, [api, connection]);

  const onCompose = useCallback(
    (mode: 'new' | 'reply' | 'replyAll' | 'forward', messageId: number | null) => {
      void (async () => {
        const list = await db.accounts.toArray();
        if (mode === 'new' || messageId === null) {
          const current = (await db.mailboxes.get(mailboxIdRef.current ?? -1))?.accountId;
          const accountId = current ?? inAccountOrder(list)[0]?.id;
          if (!accountId) return setNotice('Add an account first.');
          // The default identity's signature goes below a new message, as below replies.
          const signature = list.find((a) => a.id === accountId)?.identities[0]?.signature;
          return setCompose({ accountId, ...(signature ? { text: `\n\n${signature}` } : {}) });
        }
        const original = await db.messages.get(messageId);
        if (!original) return;
        const body = (await db.bodies.get(messageId)) ?? (await api.call('messages.body', { messageId }));
        const account = list.find((a) => a.id === original.accountId);
        const mine = account ? account.identities.map((i) => i.email) : [];
        const identity = Math.max(
          0,
          (account?.identities ?? []).findIndex((i) => [...original.to, ...original.cc].some((a) => a.address.toLowerCase() === i.email.toLowerCase())),
        );
        const text = body.text ?? '';
        if (mode === 'forward') {
          setCompose({
            accountId: original.accountId,
            identity,
            subject: forwardSubject(original.subject),
            text: quoteForForward({ ...original, text }),
            attachments: body.attachments
              .filter((a) => !a.inline)
              .map((a) => ({ filename: a.filename ?? 'attachment', contentType: a.contentType, fromMessage: { messageId, partId: a.partId } })),
            replyToMessageId: messageId,
          });
          return;
        }
        const who = replyRecipients({ ...original, replyTo: body.replyTo }, mine, mode === 'replyAll');
        const signature = account?.identities[identity]?.signature;
        setCompose({
          accountId: original.accountId,
          identity,
          to: formatAddressList(who.to),
          cc: formatAddressList(who.cc),
          subject: replySubject(original.subject),
          text: `${signature ? `\n\n${signature}` : ''}${quoteForReply({ ...original, text })}`,
          ...(original.messageId ? { inReplyTo: original.messageId } : {}),
          references: replyReferences(body.references, original.messageId),
          replyToMessageId: messageId,
        });
      })().catch(report);
    },
    [api, db],
  );

  useEffect(() => {
    const off = api.onState(setConnection);
    setConnection(api.state()); // it may have changed between the first render and this effect
    return off;
  }, [api]);
  useEffect(() => api.on('sync.progress', setProgress), [api]);
  useEffect(() => api.on('notice', (n) => setNotice(n.message)), [api]);

  const accounts = useLive<Account[]>(async () => inAccountOrder(await db.accounts.toArray()), [db], []);
  const mailboxes = useLive<Mailbox[]>(() => db.mailboxes.toArray(), [db], []);
  // The folder's ids, newest first, from the [mailboxId+date] index: no cap; rows are read as they scroll into view.
  const folderIds = useLive<number[]>(
    () =>
      mailboxId === null
        ? Promise.resolve([])
        : db.messages.where('[mailboxId+date]').between([mailboxId, -Infinity], [mailboxId, Infinity]).reverse().primaryKeys(),
    [db, mailboxId],
    [],
  );

  // Search: main's index, or this window's offline copy when main is away.
  const search = useSearch(api, db, query, mailboxId, connection);
  const results = search?.messages ?? null;
  const ids = useMemo(() => (results ? results.map((m) => m.id) : folderIds), [results, folderIds]);

  // Land in the first account's inbox once it is known.
  useEffect(() => {
    if (mailboxId !== null && mailboxes.some((m) => m.id === mailboxId)) return;
    const inbox = mailboxes.find((m) => m.specialUse === 'inbox') ?? mailboxes[0];
    setMailboxId(inbox ? inbox.id : null);
  }, [mailboxes, mailboxId]);

  const selected = useLive<MessageSummary | null>(
    async () => (messageId === null ? null : ((await db.messages.get(messageId)) ?? null)),
    [db, messageId],
    null,
  );

  // Opening a message marks it read, as every mail program does (it works offline: main queues it).
  useEffect(() => {
    if (selected && !selected.flags.includes('\\Seen'))
      void api
        .call('messages.setFlags', { messageIds: [selected.id], add: ['\\Seen'], remove: [] })
        // Reading with the host stopped is normal (offline copy); only a real refusal is news.
        .catch((e: unknown) => (e instanceof HearthError && e.code === 'OFFLINE' ? undefined : report(e)));
  }, [selected?.id]);

  // Actions go to the message the user picked, even if the reader has not caught up yet.
  const current = results?.find((m) => m.id === messageId) ?? (selected && selected.id === messageId ? selected : null);
  const act = useCallback(
    (action: MessageAction) => {
      const selected = current;
      if (!selected) return;
      const ids = [selected.id];
      // After a message leaves the list, select its neighbour, like Thunderbird.
      const leave = () => {
        const i = ids.indexOf(selected.id);
        setMessageId(ids[i + 1] ?? ids[i - 1] ?? null);
      };
      switch (action.kind) {
        case 'archive':
          leave();
          return void api.call('messages.archive', { messageIds: ids }).catch(report);
        case 'delete':
          leave();
          return void api.call('messages.delete', { messageIds: ids }).catch(report);
        case 'move':
          leave();
          return void api.call('messages.move', { messageIds: ids, targetMailboxId: action.targetMailboxId }).catch(report);
        case 'toggleRead': {
          const read = selected.flags.includes('\\Seen');
          return void api.call('messages.setFlags', { messageIds: ids, add: read ? [] : ['\\Seen'], remove: read ? ['\\Seen'] : [] }).catch(report);
        }
        case 'toggleFlag': {
          const on = selected.flags.includes('\\Flagged');
          return void api.call('messages.setFlags', { messageIds: ids, add: on ? [] : ['\\Flagged'], remove: on ? ['\\Flagged'] : [] }).catch(report);
        }
        default:
          return onCompose(action.kind, selected.id);
      }
    },
    [current, ids, api, report],
  );

  const move = useCallback(
    (delta: number) => {
      if (ids.length === 0) return;
      const i = messageId === null ? -1 : ids.indexOf(messageId);
      const next = ids[Math.max(0, Math.min(ids.length - 1, i < 0 ? 0 : i + delta))];
      if (next !== undefined) setMessageId(next);
    },
    [ids, messageId],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
      if (composeOpen.current || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'j' || e.key === 'ArrowDown') move(1);
      else if (e.key === 'k' || e.key === 'ArrowUp') move(-1);
      else if (e.key === 'Escape') setMessageId(null);
      else if (e.key === 'r' && !e.ctrlKey && !e.metaKey) void api.call('sync.now', {}).catch(() => {});
      else if (e.key === 'e') act({ kind: 'archive' });
      else if (e.key === 'Delete' || e.key === '#') act({ kind: 'delete' });
      else if (e.key === 'u') act({ kind: 'toggleRead' });
      else if (e.key === 's') act({ kind: 'toggleFlag' });
      else if (e.key === 'a') act({ kind: 'reply' });
      else if (e.key === 'A') act({ kind: 'replyAll' });
      else if (e.key === 'f') act({ kind: 'forward' });
      else if (e.key === 'c') onCompose('new', null);
      else if (e.key === '/') searchBox.current?.focus();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, api, act]);
  // Ctrl+, (Cmd+, on a Mac) opens Settings from anywhere, as in most desktop apps.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== ',' || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      e.preventDefault();
      setSettingsOpen((open) => open ?? {});
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // First run of a new data folder: the welcome instead of an empty window.
  const [welcome, setWelcome] = useState<WelcomeStatus | null>(null);
  // The list's keys stay off while the welcome shows (typing there is not a command).
  if (welcome?.show) composeOpen.current = true;
  useEffect(() => {
    if (connection === 'online' && welcome === null) void api.call('welcome.status', {}).then(setWelcome, () => {});
  }, [api, connection, welcome]);

  // A mailto: link waits for an account to write from; a notification's message for the journal to bring it.
  const [mailto, setMailto] = useState<MailtoDraft | null>(null);
  const [openPending, setOpenPending] = useState<number | null>(null);
  useEffect(() => {
    const accountId = accounts[0]?.id;
    if (!mailto || !accountId) return;
    const current = mailboxes.find((m) => m.id === mailboxIdRef.current)?.accountId ?? accountId;
    setCompose({
      accountId: current,
      to: mailto.to.join(', '),
      cc: mailto.cc.join(', '),
      bcc: mailto.bcc.join(', '),
      subject: mailto.subject,
      text: mailto.body,
      ...(mailto.inReplyTo ? { inReplyTo: mailto.inReplyTo, references: [mailto.inReplyTo] } : {}),
    });
    setMailto(null);
  }, [mailto, accounts, mailboxes]);
  useEffect(() => {
    if (openPending === null) return;
    void db.messages.get(openPending).then((m) => {
      if (!m) return;
      setQuery('');
      setMailboxId(m.mailboxId);
      setMessageId(m.id);
      setOpenPending(null);
    });
  }, [openPending, db, mailboxes, folderIds]);
  useDesktopIntents(api, connection, (intent: DesktopIntent) => {
    if (intent.kind === 'compose') return setMailto(intent.draft);
    if (intent.kind === 'openMessage') return setOpenPending(intent.messageId);
    switch (intent.command) {
      case 'compose':
        return onCompose('new', null);
      case 'checkMail':
        return void api.call('sync.now', {}).catch(report);
      case 'search':
        return searchBox.current?.focus();
      case 'nextMessage':
        return move(1);
      case 'previousMessage':
        return move(-1);
      case 'closeMessage':
        return setMessageId(null);
      case 'addAccount':
        return setShowAddAccount(true);
      case 'server':
        return setShowServer(true);
      case 'settings':
        return setSettingsOpen((open) => open ?? {});
      case 'reply':
      case 'replyAll':
      case 'forward':
      case 'archive':
      case 'delete':
      case 'toggleRead':
      case 'toggleFlag':
        return act({ kind: intent.command });
    }
  });

  const currentMailbox = mailboxes.find((m) => m.id === mailboxId) ?? null;

  const accountDialog = showAddAccount && <AccountDialog api={api} onClose={() => setShowAddAccount(false)} />;
  const statusBar = (
    <StatusBar
      connection={connection}
      progress={progress}
      notice={notice}
      accounts={accounts}
      onDismiss={() => setNotice(null)}
      onFixAccount={(a) => setSettingsOpen({ tab: 'Accounts', accountId: a.id, focusPassword: a.error?.code === 'AUTH_FAILED' })}
    >
      {offline && <OfflineReading mirror={offline} onOpenSettings={() => setSettingsOpen({ tab: 'Checking & offline' })} />}
    </StatusBar>
  );
  if (welcome?.show)
    return (
      <div className="app welcome-app">
        <Welcome
          api={api}
          status={welcome}
          accountCount={accounts.length}
          onAddAccount={() => setShowAddAccount(true)}
          onFinish={() => setWelcome({ ...welcome, show: false })}
        />
        {statusBar}
        {accountDialog}
      </div>
    );

  return (
    <div className="app">
      <header className="toolbar">
        <span className="brand">Hearth</span>
        <button
          type="button"
          className="primary"
          title="New message (c)"
          onClick={() => onCompose('new', null)}
          disabled={connection !== 'online'}
          data-testid="compose"
        >
          Write
        </button>
        <button type="button" onClick={() => setShowAddAccount(true)} disabled={connection !== 'online'}>
          Add account
        </button>
        <button type="button" title="Settings (Ctrl+,)" onClick={() => setSettingsOpen({})} data-testid="open-settings">
          Settings
        </button>
        <button
          type="button"
          title="Household admin: users, aliases, domains, DNS, certificate, listeners, outgoing mail"
          onClick={() => setShowServer(true)}
          disabled={connection !== 'online'}
        >
          Server
        </button>
        <input
          ref={searchBox}
          className="search"
          type="search"
          placeholder="Search (/)"
          aria-label="Search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setQuery('');
              e.currentTarget.blur();
            }
          }}
          data-testid="search"
        />
        <button
          type="button"
          title="Check for new mail (r)"
          onClick={() => void api.call('sync.now', {}).catch((e: Error) => setNotice(e.message))}
          disabled={connection !== 'online'}
        >
          Get mail
        </button>
      </header>
      <div className="panes">
        <FolderPane
          accounts={accounts}
          mailboxes={mailboxes}
          selectedId={mailboxId}
          onSelect={(id) => {
            setMailboxId(id);
            setMessageId(null);
          }}
          onCreate={async (accountId, parentId, name) => {
            await api.call('mailboxes.create', { accountId, parentId, name });
          }}
          onRename={async (mailboxId, name) => {
            await api.call('mailboxes.rename', { mailboxId, name });
          }}
          onDelete={async (mailboxId) => {
            await api.call('mailboxes.delete', { mailboxId });
          }}
          onTransfer={(mailbox, kind) => setTransferDialog({ mailbox, kind })}
        />
        <MessageList
          mailbox={currentMailbox}
          title={search ? `Search: ${query.trim()}${search.local ? ' — local results (offline copy)' : ''}` : undefined}
          db={db}
          ids={ids}
          known={results ?? undefined}
          selectedId={messageId}
          onSelect={setMessageId}
          {...(api.dragMessageOut
            ? { onDragOut: (dt: DataTransfer, m: MessageSummary) => api.dragMessageOut!(dt, m.id, emlFileNameFor(m.subject, new Date(m.date))) }
            : {})}
        />
        <Reader
          api={api}
          db={db}
          message={selected}
          mailboxes={mailboxes}
          online={connection === 'online'}
          onAction={act}
          onOpen={(id) => setMessageId(id)}
          remoteContentFrom={appSettings.values['reader.remoteContentFrom']}
          onAlwaysAllowRemote={(sender) =>
            void appSettings.set('reader.remoteContentFrom', [...appSettings.values['reader.remoteContentFrom'], sender.toLowerCase()]).catch(report)
          }
        />
      </div>
      <OutboxBar
        items={outbox}
        onUndo={(id) =>
          void api
            .call('outbox.unsend', { id })
            .then((m) => setCompose(m))
            .catch(report)
        }
        onRetry={(id) => void api.call('outbox.retry', { id }).catch(report)}
        onDelete={(id) => void api.call('outbox.delete', { id }).catch(report)}
      />
      <TransferBar transfers={transfers} onCancel={(jobId) => void api.call('transfer.cancel', { jobId }).catch(report)} onDismiss={dismissTransfer} />
      {statusBar}
      {accountDialog}
      {showServer && <AdminScreen api={api} onClose={() => setShowServer(false)} />}
      {settingsOpen && (
        <SettingsScreen
          api={api}
          settings={appSettings}
          accounts={accounts}
          mailboxes={mailboxes}
          target={settingsOpen}
          onAddAccount={() => {
            setSettingsOpen(null);
            setShowAddAccount(true);
          }}
          onClose={() => setSettingsOpen(null)}
        />
      )}
      {transferDialog && <TransferDialog api={api} {...transferDialog} onClose={() => setTransferDialog(null)} />}
      {compose && accounts.length > 0 && (
        <Compose api={api} accounts={accounts} initial={compose} onClose={() => setCompose(null)} onSent={() => setNotice(null)} />
      )}
      {accounts.length === 0 && connection !== 'online' && (
        <div className="empty-state">Hearth’s background service is not reachable and nothing is cached yet.</div>
      )}
    </div>
  );
}
