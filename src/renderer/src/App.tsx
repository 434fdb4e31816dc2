import { Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Account, Mailbox, MessageSummary, SyncProgress } from '../../shared/api.ts';
import { formatAddressList, forwardSubject, quoteForForward, quoteForReply, replyRecipients, replyReferences, replySubject } from '../../shared/reply.ts';
import { ComposeDock } from './components/compose/ComposeDock.tsx';
import { useComposeDrafts } from './components/compose/use-compose-drafts.ts';
import { OutboxBar } from './components/OutboxBar.tsx';
import { TransferBar } from './components/TransferBar.tsx';
import { useTransfers } from './use-transfers.ts';
import { emlFileNameFor } from '../../shared/eml-file-name.ts';
import type { ConnectionState, Transport } from './api/transport.ts';
import { HearthError } from '../../shared/errors.ts';
import type { HearthDb } from './db.ts';
import { useLive } from './use-live.ts';
import { useSearch } from './use-search.ts';
import { SearchBox } from './components/SearchBox.tsx';
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
import { useSelection } from './use-selection.ts';
import { useConversations } from './use-conversations.ts';
import type { ClickMods } from './selection.ts';
import { useUndo } from './use-undo.ts';
import { countLabel, flagAtOnce, useBulkActions, type BulkAction } from './use-bulk-actions.ts';
import { useHidden } from './use-hidden.ts';
import { FlagOverlay } from './flag-overlay.ts';
import { useStable } from './use-stable.ts';
import { commandFor } from '../../shared/shortcuts.ts';
import { ContextMenu } from './components/ContextMenu.tsx';
import { useMessageMenu } from './use-message-menu.ts';
import { UndoToast } from './components/UndoToast.tsx';
import { ShortcutHelp } from './components/ShortcutHelp.tsx';
import { SelectionPane } from './components/SelectionPane.tsx';
import { useOutbox } from './use-outbox.ts';
import { Group, Panel, Separator } from 'react-resizable-panels';
import { SmartFolder, type ListView } from '../../shared/list-order.ts';
import { z } from 'zod';
import { readStored, writeStored } from './stored-state.ts';
import { useSort } from './use-sort.ts';
import { useListIds } from './use-list-ids.ts';
import { usePaneLayout } from './use-pane-layout.ts';
import { ListControls } from './components/ListControls.tsx';
import { SMART_FOLDERS } from './components/FolderPane.tsx';
import type { SettingsTarget } from './components/settings/SettingsScreen.tsx';
import { LazyAdminScreen, LazySettingsScreen, LazyTransferDialog } from './lazy-screens.ts';
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
  // The folder (or smart folder) shown is remembered across reloads.
  const [mailboxId, setMailboxId] = useState<number | null>(() => readStored('hearth.folder', z.number().int().nullable(), null));
  const mailboxIdRef = useRef<number | null>(null);
  mailboxIdRef.current = mailboxId;
  const [messageId, setMessageId] = useState<number | null>(null);
  // A smart folder (all inboxes, unread, flagged) shows instead of the folder while set.
  const [smart, setSmart] = useState<SmartFolder | null>(() => readStored('hearth.smart', SmartFolder.nullable(), null));
  useEffect(() => {
    writeStored('hearth.folder', mailboxId);
    writeStored('hearth.smart', smart);
  }, [mailboxId, smart]);
  const { order, setOrder } = useSort();
  const layout = usePaneLayout();
  const [showAddAccount, setShowAddAccount] = useState(false);
  const [showServer, setShowServer] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState<SettingsTarget | null>(null);
  const appSettings = useAppSettings(api, db);
  useTheme(appSettings.values['appearance.theme']);
  const [transferDialog, setTransferDialog] = useState<{ mailbox: Mailbox; kind: 'import' | 'export' } | null>(null);
  const { transfers, dismiss: dismissTransfer } = useTransfers(api);
  /** Search the open folder only (by default every account is searched). */
  const [searchHere, setSearchHere] = useState(false);
  const searchBox = useRef<HTMLInputElement>(null);
  /** Bumped to empty the search box from elsewhere (its text is its own). */
  const [searchBoxEpoch, setSearchBoxEpoch] = useState(0);
  // Drafts open beside the list; the list's keys stay live (they ignore keys typed into a draft).
  const composer = useComposeDrafts();
  const setCompose = composer.open;
  const activateDraft = composer.activate;
  const composeOpen = useRef(false);
  composeOpen.current = showAddAccount || showServer || settingsOpen !== null;
  const outbox = useOutbox(api);

  const onCompose = useCallback(
    (mode: 'new' | 'reply' | 'replyAll' | 'forward', messageId: number | null) => {
      void (async () => {
        const list = await db.accounts.toArray();
        if (mode === 'new' || messageId === null) {
          const current = (await db.mailboxes.get(mailboxIdRef.current ?? -1))?.accountId;
          const accountId = current ?? inAccountOrder(list)[0]?.id;
          if (!accountId) return setNotice('Add an account first.');
          // The compose pane puts the chosen identity's signature below an empty message.
          return setCompose({ accountId });
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
          text: `${signature ? `\n\n-- \n${signature}` : ''}${quoteForReply({ ...original, text })}`,
          ...(original.messageId ? { inReplyTo: original.messageId } : {}),
          references: replyReferences(body.references, original.messageId),
          replyToMessageId: messageId,
        });
      })().catch(report);
    },
    [api, db],
  );

  /**
   * A message of a Drafts folder opens in compose: Hearth's own draft as it was saved (its id is in
   * the server copy's Message-ID, so saving again replaces that copy), else one written elsewhere
   * as a new draft with its recipients, subject and text. A draft already open comes to the front.
   */
  const openDraft = useCallback(
    (messageId: number) => {
      void (async () => {
        const m = await db.messages.get(messageId);
        if (!m) return;
        const mine = (await api.call('drafts.list', {})).find((d) => m.messageId?.includes(`draft.${d.draftId}@`));
        if (mine) {
          const open = composer.drafts.find((d) => d.initial.draftId === mine.draftId);
          return open ? composer.activate(open.key) : setCompose(mine.message);
        }
        const body = (await db.bodies.get(messageId)) ?? (await api.call('messages.body', { messageId }));
        setCompose({ accountId: m.accountId, to: formatAddressList(m.to), cc: formatAddressList(m.cc), subject: m.subject, text: body.text ?? '' });
      })().catch(report);
    },
    [api, db, composer.drafts, composer.activate],
  );
  const isDraft = useCallback((id: number) => {
    const folder = mailboxesRef.current.find((mb) => mb.id === rowCacheRef.current.get(id)?.mailboxId);
    return folder?.specialUse === 'drafts';
  }, []);

  useEffect(() => {
    const off = api.onState(setConnection);
    setConnection(api.state()); // it may have changed between the first render and this effect
    return off;
  }, [api]);
  useEffect(() => api.on('sync.progress', setProgress), [api]);
  useEffect(() => api.on('notice', (n) => setNotice(n.message)), [api]);

  const accounts = useLive<Account[]>(async () => inAccountOrder(await db.accounts.toArray()), [db], []);
  const mailboxes = useLive<Mailbox[]>(() => db.mailboxes.toArray(), [db], []);
  const mailboxesRef = useRef(mailboxes);
  mailboxesRef.current = mailboxes;
  // The list's ids in order (use-list-ids.ts): no cap; rows are read as they scroll into view.
  const view: ListView | null = smart ? { smart } : mailboxId === null ? null : { mailboxId };
  const { ids: folderIds, firstScreen } = useListIds(api, db, view, order, connection === 'online');
  const mine = useMemo(() => new Set(accounts.flatMap((a) => a.identities.map((i) => i.email.toLowerCase()))), [accounts]);

  // Search: main's index, or this window's offline copy when main is away; every account unless
  // the user asks for the open folder only.
  const scopedTo = searchHere && !smart ? mailboxId : null;
  const { results: search, run: runSearch, more: moreResults } = useSearch(api, db, scopedTo, connection);
  const results = search?.messages ?? null;
  const listed = useMemo(() => (results ? results.map((m) => m.id) : folderIds), [results, folderIds]);
  // Messages moved away (delete, archive, move) leave the list at once, before main's journal says so.
  const hidden = useHidden(listed);
  const ids = hidden.visible;
  // Conversations expanded in place: their messages are rows too, and `j`/`k` step through them.
  const grouped = order.group && !search;
  const conversations = useConversations(db, ids, grouped);
  const rowIds = conversations.rowIds;

  // Land in the first account's inbox once it is known.
  useEffect(() => {
    // (A remembered folder waits for the mirror's folders to be read.)
    if (mailboxId !== null && (mailboxes.length === 0 || mailboxes.some((m) => m.id === mailboxId))) return;
    const inbox = mailboxes.find((m) => m.specialUse === 'inbox') ?? mailboxes[0];
    setMailboxId(inbox ? inbox.id : null);
  }, [mailboxes, mailboxId]);

  // The rows the list has read, so the reader shows a message picked with `j` in the same frame
  // instead of after a read from IndexedDB (which then keeps it live).
  const rowCache = useMemo(() => new Map<number, MessageSummary>(), [db]);
  const rowCacheRef = useRef(rowCache);
  // Flag changes shown before the offline copy has them (flag-overlay.ts).
  const flags = useMemo(() => new FlagOverlay(), [db]);
  const known = useCallback((id: number) => rowCacheRef.current.get(id), []);
  rowCacheRef.current = rowCache;
  const live = useLive<MessageSummary | null>(async () => (messageId === null ? null : ((await db.messages.get(messageId)) ?? null)), [db, messageId], null);
  // Only ever the summary of the message asked for: while its read is under way, `live` still
  // holds the one before (showing it would put the wrong message in the reader).
  const cachedRow = messageId === null ? undefined : rowCache.get(messageId);
  const selected = messageId === null ? null : live?.id === messageId ? live : cachedRow?.id === messageId ? cachedRow : null;

  // Opening a message marks it read, as every mail program does (it works offline: main queues it).
  useEffect(() => {
    if (selected && !selected.flags.includes('\\Seen')) {
      const id = selected.id;
      void (async () => {
        // The row shows it read once the offline copy has it (not in the frame of the key or click
        // that opened it, which has enough to do); it goes back to unread if main refuses.
        const local = await flagAtOnce(db, [id], '\\Seen', true);
        await api.call('messages.setFlags', { messageIds: [id], add: ['\\Seen'], remove: [] }).catch(async (e: unknown) => {
          await local.undo();
          // Reading with the host stopped is normal (offline copy); only a real refusal is news.
          if (!(e instanceof HearthError && e.code === 'OFFLINE')) report(e);
        });
      })();
    }
  }, [selected?.id]);

  const selection = useSelection(ids, messageId, `${mailboxId}|${search ? search.query : ''}`);
  const undo = useUndo(
    api,
    report,
    useCallback((label: string, restored: number) => setNotice(`Undone: ${label} (${countLabel(restored)} back)`), []),
  );
  const bulk = useBulkActions(api, db, mailboxes, undo.offer, report, flags, known);
  /** Runs an action on `targets`; those that leave the list take the selection with them and open their neighbour, like Thunderbird. */
  const apply = useCallback(
    (targets: readonly number[], action: BulkAction) => {
      if (action.kind === 'archive' || action.kind === 'delete' || action.kind === 'move') {
        const leaving = new Set(targets);
        if (messageId !== null && leaving.has(messageId)) {
          const last = ids.findLastIndex((id) => leaving.has(id));
          const first = ids.findIndex((id) => leaving.has(id));
          setMessageId(ids.slice(last + 1).find((id) => !leaving.has(id)) ?? ids.slice(0, Math.max(0, first)).findLast((id) => !leaving.has(id)) ?? null);
        }
        selection.clear();
        // Gone from the list now; back if main refuses.
        hidden.hide(targets);
        void bulk(targets, action).then((ok) => ok || hidden.show(targets));
        return;
      }
      void bulk(targets, action);
    },
    [bulk, ids, messageId, selection.clear, hidden.hide, hidden.show],
  );
  const act = useCallback(
    (action: MessageAction) => {
      switch (action.kind) {
        case 'reply':
        case 'replyAll':
        case 'forward':
          // By id: the compose reads the message itself, so a key pressed before the row's summary
          // has come from IndexedDB still replies to the message the user picked.
          return messageId !== null ? onCompose(action.kind, messageId) : undefined;
        default:
          return apply(selection.targets, action);
      }
    },
    [messageId, apply, selection.targets, onCompose],
  );

  /** Next/previous row: through the messages of an expanded conversation too (a head row and its first message are one). */
  const move = useCallback(
    (delta: number) => {
      if (rowIds.length === 0) return;
      const i = messageId === null ? -1 : rowIds.indexOf(messageId);
      const next = rowIds[Math.max(0, Math.min(rowIds.length - 1, i < 0 ? 0 : i + delta))];
      if (next !== undefined) setMessageId(next);
    },
    [rowIds, messageId],
  );

  // An outgoing server's refused certificate, trusted from the outbox: pinned on the account (main
  // checks the server still presents it), then the message goes again.
  const [trustingOutgoing, setTrustingOutgoing] = useState<string | null>(null);
  const trustOutgoing = useCallback(
    (id: string, fingerprint256: string) => {
      const item = outbox.find((i) => i.id === id);
      const o = accounts.find((a) => a.id === item?.accountId)?.outgoing;
      if (!item || !o) return;
      setTrustingOutgoing(id);
      void api
        .call('accounts.update', {
          accountId: item.accountId,
          outgoing: { host: o.host, port: o.port, tls: o.tls, ...(o.user ? { user: o.user } : {}), trustedFingerprint256: fingerprint256 },
        })
        .then(() => api.call('outbox.retry', { id }))
        .catch(report)
        .finally(() => setTrustingOutgoing(null));
    },
    [api, outbox, accounts],
  );
  const [showHelp, setShowHelp] = useState(false);
  const overlayOpen = useRef(false);
  /** Enter/o: the row with the keyboard focus, else the first selected message. */
  const openMessage = useCallback(() => {
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.messageId;
    const id = focused ? Number(focused) : (selection.targets[0] ?? null);
    if (id === null) return;
    selection.clear();
    setMessageId(id);
    if (isDraft(id)) openDraft(id);
  }, [selection.targets, selection.clear, isDraft, openDraft]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
      if (e.target instanceof HTMLElement && (e.target.isContentEditable || e.target.closest('.compose-dock'))) return;
      if (composeOpen.current || overlayOpen.current) return;
      const command = commandFor(e);
      // Enter on a button that is not a message row (a toolbar button) is that button's.
      if (command === 'open' && e.key === 'Enter' && e.target instanceof HTMLButtonElement && !e.target.dataset.messageId) return;
      switch (command) {
        case null:
          return;
        case 'next':
          move(1);
          break;
        case 'previous':
          move(-1);
          break;
        case 'open':
          openMessage();
          break;
        case 'close':
          if (selection.selection.ids.size > 0) selection.clear();
          else setMessageId(null);
          break;
        case 'toggleSelect':
          if (messageId !== null) selection.toggle(messageId);
          break;
        case 'selectAll':
          selection.selectAll();
          break;
        case 'archive':
        case 'delete':
        case 'toggleRead':
        case 'toggleFlag':
        case 'reply':
        case 'replyAll':
        case 'forward':
          act({ kind: command });
          break;
        case 'undo':
          hidden.showAll();
          undo.undo();
          break;
        case 'compose':
          onCompose('new', null);
          break;
        case 'search':
          searchBox.current?.focus();
          break;
        case 'checkMail':
          void api.call('sync.now', {}).catch(() => {});
          break;
        case 'help':
          setShowHelp(true);
          break;
        case 'settings':
          // The listener below opens Settings from anywhere, also from a field.
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, api, act, openMessage, selection, messageId, undo.undo, onCompose, hidden.showAll]);
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
      // The search ends (a new box, empty).
      runSearch('');
      setSearchBoxEpoch((n) => n + 1);
      setSmart(null);
      setMailboxId(m.mailboxId);
      setMessageId(m.id);
      // Drafts being written step aside (minimised, in their tab strip): the message is what was asked for.
      activateDraft(null);
      setOpenPending(null);
    });
  }, [openPending, db, mailboxes, folderIds, activateDraft, runSearch]);
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
      case 'shortcuts':
        return setShowHelp(true);
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

  const currentMailbox = smart ? null : (mailboxes.find((m) => m.id === mailboxId) ?? null);
  // Folders the selection can go to: its account's, but not the one it is in.
  const moveTargets = mailboxes.filter((m) => m.accountId === currentMailbox?.accountId && m.id !== mailboxId);
  const hasArchive = moveTargets.some((m) => m.specialUse === 'archive');
  const menu = useMessageMenu({
    targets: selection.targets,
    folders: moveTargets,
    hasArchive,
    apply,
    openMessage: (id) => {
      selection.clear();
      setMessageId(id);
      if (isDraft(id)) openDraft(id);
    },
  });
  overlayOpen.current = showHelp || menu.at !== null;
  // The same functions from render to render, so rows whose props did not change do not render again.
  const onSelectRow = useStable((id: number, mods: ClickMods) => {
    selection.click(id, mods);
    if (mods.range || mods.toggle) return;
    setMessageId(id);
    if (isDraft(id)) openDraft(id);
  });
  const dragIds = useStable((id: number) => (selection.selection.ids.has(id) ? selection.targets : [id]));
  const onDragOut = useStable((dt: DataTransfer, m: MessageSummary) => api.dragMessageOut!(dt, m.id, emlFileNameFor(m.subject, new Date(m.date))));

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

  const messageList = (
    <MessageList
      mailbox={currentMailbox}
      title={
        search
          ? `Search: ${search.query}${scopedTo !== null && currentMailbox ? ` — in ${currentMailbox.name}` : ''}${search.local ? ' — local results (offline copy)' : ''}`
          : smart
            ? SMART_FOLDERS[smart]
            : undefined
      }
      mailboxes={mailboxes}
      grouped={grouped}
      conversations={conversations}
      mine={mine}
      controls={<ListControls order={order} onOrder={setOrder} readingPane={layout.readingPane} onReadingPane={layout.setReadingPane} />}
      db={db}
      ids={ids}
      known={results ?? firstScreen}
      selectedId={messageId}
      selection={selection.selection}
      rowCache={rowCache}
      overlay={flags}
      onNearEnd={search && !search.complete ? moreResults : undefined}
      onSelect={onSelectRow}
      onContextMenu={menu.open}
      dragIds={dragIds}
      {...(api.dragMessageOut ? { onDragOut } : {})}
    />
  );
  // The reader shows what actions apply to: the open message, or else the selection.
  const reader =
    selection.targets.length > 1 || (selection.targets.length === 1 && selection.targets[0] !== messageId) ? (
      <SelectionPane
        count={selection.targets.length}
        folders={moveTargets}
        hasArchive={hasArchive}
        onAction={(action) => apply(selection.targets, action)}
        onClear={selection.clear}
      />
    ) : (
      <Reader
        api={api}
        db={db}
        message={selected}
        overlay={flags}
        mailboxes={mailboxes}
        online={connection === 'online'}
        onAction={act}
        onOpen={(id) => setMessageId(id)}
        remoteContentFrom={appSettings.values['reader.remoteContentFrom']}
        onAlwaysAllowRemote={(sender) =>
          void appSettings.set('reader.remoteContentFrom', [...appSettings.values['reader.remoteContentFrom'], sender.toLowerCase()]).catch(report)
        }
      />
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
        <SearchBox key={searchBoxEpoch} inputRef={searchBox} onSearch={runSearch} />
        {!smart && (
          <button
            type="button"
            className="search-scope"
            aria-pressed={searchHere}
            title={searchHere ? 'Searching this folder only: press to search every account' : 'Searching every account: press to search this folder only'}
            onClick={() => setSearchHere((v) => !v)}
            data-testid="search-scope"
          >
            This folder
          </button>
        )}
        <button
          type="button"
          title="Check for new mail (r)"
          onClick={() => void api.call('sync.now', {}).catch((e: Error) => setNotice(e.message))}
          disabled={connection !== 'online'}
        >
          Get mail
        </button>
      </header>
      <Group
        id="panes"
        className="panes"
        orientation="horizontal"
        defaultLayout={layout.saved('panes')}
        onLayoutChanged={(l, meta) => meta.isUserInteraction && layout.save('panes', l)}
      >
        <Panel id="folders" defaultSize="20" minSize={120} className="pane">
          <FolderPane
            accounts={accounts}
            mailboxes={mailboxes}
            selectedId={smart ? null : mailboxId}
            onSelect={(id) => {
              setSmart(null);
              setMailboxId(id);
              setMessageId(null);
            }}
            smart={smart}
            onSmart={(s) => {
              setSmart(s);
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
            onDropMessages={(targetMailboxId, messageIds) => targetMailboxId !== mailboxId && apply(messageIds, { kind: 'move', targetMailboxId })}
          />
        </Panel>
        <Separator className="pane-separator" data-testid="folders-separator" />
        <Panel id="main" minSize={320} className="pane">
          {layout.readingPane === 'off' ? (
            messageId === null ? (
              messageList
            ) : (
              <div className="reader-full">
                <button type="button" className="back" onClick={() => setMessageId(null)} data-testid="back-to-list">
                  ← Back to the list
                </button>
                {reader}
              </div>
            )
          ) : (
            <Group
              key={layout.readingPane}
              id={`list-${layout.readingPane}`}
              className={`list-reader ${layout.readingPane}`}
              orientation={layout.readingPane === 'right' ? 'horizontal' : 'vertical'}
              defaultLayout={layout.saved(`list-${layout.readingPane}`)}
              onLayoutChanged={(l, meta) => meta.isUserInteraction && layout.save(`list-${layout.readingPane}`, l)}
              data-testid="list-reader"
            >
              <Panel id="list" defaultSize={layout.readingPane === 'right' ? '40' : '45'} minSize={120} className="pane">
                {messageList}
              </Panel>
              <Separator className="pane-separator" data-testid="list-separator" />
              <Panel id="reader" minSize={160} className="pane">
                {reader}
              </Panel>
            </Group>
          )}
        </Panel>
      </Group>
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
        onTrustCertificate={trustOutgoing}
        trusting={trustingOutgoing}
      />
      <TransferBar transfers={transfers} onCancel={(jobId) => void api.call('transfer.cancel', { jobId }).catch(report)} onDismiss={dismissTransfer} />
      {undo.last && (
        <UndoToast
          last={undo.last}
          busy={undo.busy}
          onUndo={() => {
            hidden.showAll();
            undo.undo();
          }}
          onDismiss={undo.dismiss}
        />
      )}
      {menu.at && <ContextMenu x={menu.at.x} y={menu.at.y} label={menu.label} entries={menu.entries} onClose={menu.close} />}
      {showHelp && <ShortcutHelp onClose={() => setShowHelp(false)} />}
      {statusBar}
      {accountDialog}
      <Suspense fallback={null}>
        {showServer && <LazyAdminScreen api={api} onClose={() => setShowServer(false)} />}
        {settingsOpen && (
          <LazySettingsScreen
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
        {transferDialog && <LazyTransferDialog api={api} {...transferDialog} onClose={() => setTransferDialog(null)} />}
      </Suspense>
      <ComposeDock api={api} accounts={accounts} {...composer} onSent={() => setNotice(null)} />
      {accounts.length === 0 && connection !== 'online' && (
        <div className="empty-state">Hearth’s background service is not reachable and nothing is cached yet.</div>
      )}
    </div>
  );
}
