// The service objects behind the API. Plain Node: the Electron shell and the browser host both
// construct exactly this and only differ in transport and in how secrets are sealed.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  serverAdminMethodNames,
  type ParsedArgsOf,
  type Account,
  type AccountInput,
  type QueueItem,
  type ServerCertificateStatus,
  type ServerRelayStatus,
  type ServerStatus,
} from '../../shared/api.ts';
import { HearthError } from '../../shared/errors.ts';
import { parseSearchQuery, SearchQueryError, type ParsedQuery } from '../../shared/search-query.ts';
import { createDispatcher, type Dispatch, type Handlers } from '../api/dispatcher.ts';
import { EventBus } from '../api/event-bus.ts';
import { checkImapLogin } from './imap/connect.ts';
import { BodyStore } from './imap/body-store.ts';
import type { MailboxRow } from './cache/mailboxes.ts';
import type { AccountChange } from './cache/accounts.ts';
import { BodyIndexer } from './cache/body-indexer.ts';
import { Contacts } from './cache/contacts.ts';
import { filterMessages, searchMessages } from './cache/search.ts';
import { searchLimits } from '../base/limits.ts';
import { ImapAccount } from './imap/imap-account.ts';
import { specialFolder } from './imap/folder-list.ts';
import { UndoLog } from './undo-log.ts';
import type { BackgroundBatch } from './imap/background-fetch.ts';
import type { IncomingSettings, MailAccount } from './mail-account.ts';
import { Pop3Account } from './pop3/pop3-account.ts';
import { checkPop3Login } from './pop3/connect.ts';
import type { Logger } from '../base/log.ts';
import { CacheDb } from './cache/cache-db.ts';
import { Drafts } from './send/drafts.ts';
import { Outbox, type OutboxAccount } from './send/outbox.ts';
import { defaultDiscoveryDeps, discover, type DiscoveryDeps } from './autoconfig/discover.ts';
import type { SecretBox } from '../base/secret-box.ts';
import type { SettingsStore } from '../base/settings-store.ts';
import { fetchTrustedCertificate, type StartTlsDialect } from '../base/tls-probe.ts';
import { settingDefaults, type SettingKey, type Settings } from '../../shared/settings.ts';
import { TransferJobs } from './transfer/transfer-jobs.ts';
import { runImport } from './transfer/import-job.ts';
import { journalPath } from './transfer/import-journal.ts';
import { runExport } from './transfer/export-job.ts';
import { emlFileName } from './transfer/eml-file-name.ts';

/** Methods the app around the client serves (settings, first run, desktop shell): app.ts supplies them. */
export type AppMethodName =
  'settings.get' | 'settings.set' | 'welcome.status' | 'welcome.lookAround' | 'welcome.hostHousehold' | 'welcome.dismiss' | 'desktop.intents' | 'eml.read';
export type AppHandlers = Pick<Handlers, AppMethodName>;

export interface HearthServicesOptions {
  dataDir: string;
  host: 'electron' | 'web';
  version: string;
  secrets: SecretBox;
  log: Logger;
  /** The log file `log` writes to, shown to the user (app.info). */
  logFile?: string;
  /** How often accounts are re-synced in the background, ms (default: the setting mail.checkEveryMinutes). */
  pollIntervalMs?: number;
  /** The user's settings (check interval, offline window and size); without them, the defaults. */
  settings?: Pick<SettingsStore, 'get' | 'onChange'>;
  /** Reports the embedded household server, when one runs in this process. */
  serverStatus?: () => ServerStatus;
  /** Keep an IDLE connection on each inbox (default true). */
  idle?: boolean;
  /** Download recent bodies for offline reading (default true). */
  offlineBodies?: boolean;
  /** Use QRESYNC where offered (default true). */
  qresync?: boolean;
  /** How far back message bodies are downloaded for offline reading, ms (default 90 days). */
  offlineWindowMs?: number;
  /**
   * Fetch the text of messages without an offline copy for search (default true), this far back and
   * up to this size (defaults: all, searchLimits). It runs on each account's own background
   * connection and holds off while the user waits on the server (imap/background-fetch.ts).
   */
  searchText?: boolean;
  searchTextWindowMs?: number;
  searchTextMaxBytes?: number;
  /** Told after each background batch of an IMAP account (tests follow the order of events by it). */
  onBackgroundBatch?: (batch: BackgroundBatch) => void;
  /** The undo-send window, ms (default 10 s). */
  undoHoldMs?: number;
  /** The embedded household server's outgoing queue, when one runs in this process. */
  serverQueue?: {
    list(): QueueItem[];
    retry(id?: string): Promise<number>;
    delete(id: string, reason: string, bounce: boolean): Promise<void>;
  };
  /** The embedded household server's certificate and smarthost state, when one runs in this process. */
  serverCertificate?: () => ServerCertificateStatus;
  serverRelayStatus?: () => ServerRelayStatus;
  /** The embedded household server's admin (users, aliases, domains, DNS), when one runs in this process. */
  serverAdmin?: ServerAdminHandlers;
  /** Discovery's network access (tests point it at loopback). */
  discovery?: Partial<DiscoveryDeps>;
  /** Retry delays of the outbox after temporary failures (tests shorten them). */
  sendRetryDelaysMs?: readonly number[];
  /** The app's own methods; without them (services alone, in tests) they answer NOT_FOUND. */
  appHandlers?: AppHandlers;
}

const appMethodNames: AppMethodName[] = [
  'settings.get',
  'settings.set',
  'welcome.status',
  'welcome.lookAround',
  'welcome.hostHousehold',
  'welcome.dismiss',
  'desktop.intents',
  'eml.read',
];
export type ServerAdminHandlers = Pick<Handlers, (typeof serverAdminMethodNames)[number]>;

export class HearthServices {
  readonly events = new EventBus();
  readonly cache: CacheDb;
  /** Addresses for autocomplete: senders of mail received, recipients of mail sent. */
  readonly contacts: Contacts;
  readonly bodies: BodyStore;
  readonly dispatch: Dispatch;
  readonly outbox: Outbox;
  readonly drafts: Drafts;
  /** Imports and exports of folders (mbox, Maildir, .eml). */
  readonly transfers: TransferJobs;
  /** Keeps the search index's bodies up to date in the background. */
  readonly bodyIndexer: BodyIndexer;
  private readonly accounts = new Map<string, MailAccount>();
  private readonly undoLog: UndoLog;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly opts: HearthServicesOptions;
  private started = false;
  private readonly stopSettings: () => void;

  constructor(opts: HearthServicesOptions) {
    this.opts = opts;
    this.cache = new CacheDb(opts.dataDir);
    this.contacts = new Contacts(this.cache);
    this.undoLog = new UndoLog(this.cache);
    this.bodies = new BodyStore(opts.dataDir);
    this.transfers = new TransferJobs(this.events, opts.log.child({ part: 'transfer' }));
    const attachmentOf = async (messageId: number, partId: string) => {
      const m = this.cache.messages.get(messageId);
      if (!m) throw new HearthError('NOT_FOUND', 'The original message is gone');
      return this.account(m.accountId).attachment(messageId, partId);
    };
    this.drafts = new Drafts({
      dataDir: opts.dataDir,
      log: opts.log.child({ part: 'drafts' }),
      account: (accountId) => this.outboxAccount(accountId),
      attachmentOf,
      saveDraftToServer: (accountId, raw, messageId) => this.account(accountId).saveDraftToServer(raw, messageId),
      deleteDraftFromServer: (accountId, messageId) => this.account(accountId).deleteDraftFromServer(messageId),
    });
    this.outbox = new Outbox({
      dataDir: opts.dataDir,
      log: opts.log.child({ part: 'outbox' }),
      account: (accountId) => this.outboxAccount(accountId),
      attachmentOf,
      appendToSent: (accountId, raw) => this.account(accountId).appendToSent(raw),
      foundInSent: (accountId, messageId) => this.account(accountId).foundInSent(messageId),
      draftSent: (draftId) => this.drafts.delete(draftId),
      markAnswered: (rowId) => {
        const m = this.cache.messages.get(rowId);
        if (m && !m.flags.includes('\\Answered')) this.account(m.accountId).setFlags([rowId], ['\\Answered'], []);
      },
      observeRecipients: (list) => this.contacts.observe(list, 3, Date.now()),
      onChange: (items) => this.events.emit('outbox.changed', items),
      ...(opts.undoHoldMs !== undefined ? { holdMs: opts.undoHoldMs } : {}),
      ...(opts.sendRetryDelaysMs ? { retryDelaysMs: opts.sendRetryDelaysMs } : {}),
    });
    this.bodyIndexer = new BodyIndexer({
      cache: this.cache,
      localSource: (id) => this.localSource(id),
      // The same rule as localSource's: outside POP3, only an offline copy is local.
      markAbsent: (limit) => this.cache.search.markAbsentWithoutCopy(limit),
      downloading: async () => {
        await Promise.all([...this.accounts.values()].map((a) => a.bodiesDone()));
      },
      log: opts.log.child({ part: 'search' }),
    });
    this.dispatch = createDispatcher(this.handlers(), opts.log);
    // Every committed change to the journal wakes the renderer's mirror (it pulls from its last seq).
    this.cache.onJournalAdvanced((at) => this.events.emit('sync.changed', at));
    // A new check interval reschedules every account's background sync at once.
    let checkEvery = this.setting('mail.checkEveryMinutes');
    this.stopSettings =
      opts.settings?.onChange((all) => {
        if (all['mail.checkEveryMinutes'] === checkEvery) return;
        checkEvery = all['mail.checkEveryMinutes'];
        for (const id of [...this.timers.keys()]) this.schedule(id);
      }) ?? (() => {});
    // Mail waiting in the outbox goes as soon as its account is reachable again.
    this.events.subscribe((event, payload) => {
      if (event === 'account.state' && (payload as { state: string }).state === 'online') this.outbox.kick();
    });
  }

  /** What the outbox needs to know of an account: who it writes as and how it sends. */
  private outboxAccount(accountId: string): OutboxAccount {
    const stored = this.cache.accounts.stored(accountId);
    const account = this.cache.accounts.list().find((a) => a.id === accountId);
    if (!stored || !account) throw new HearthError('NOT_FOUND', 'No such account', { field: 'accountId' });
    const o = stored.outgoing;
    return {
      identities: account.identities,
      smtp: o
        ? {
            host: o.host,
            port: o.port,
            tls: o.tls,
            user: o.user,
            password: stored.sealedSmtpPassword ? this.opts.secrets.open(stored.sealedSmtpPassword) : undefined,
            auth: stored.config.auth,
            caCert: o.caCert,
            trustedFingerprint256: o.trustedFingerprint256,
          }
        : null,
      // Gmail files every message sent through its SMTP in Sent by itself; a second copy would duplicate it.
      providerStoresSent: !!o && /(^|\.)(gmail|googlemail)\.com$/i.test(o.host),
    };
  }

  /** Starts background sync of every saved account, the outbox, and the search indexer. */
  start(): void {
    this.started = true;
    this.outbox.kick();
    for (const a of this.cache.accounts.list()) if (!this.accounts.has(a.id)) this.startAccount(a.id);
    this.bodyIndexer.kick();
  }

  /** A message's raw source if this computer holds it (IMAP: the offline copy; POP3: the local store), for the indexer. */
  private async localSource(messageId: number): Promise<Buffer | null> {
    const m = this.cache.messages.get(messageId);
    if (!m) return null;
    if (this.cache.accounts.stored(m.accountId)?.config.protocol === 'pop3') {
      const account = this.accounts.get(m.accountId);
      return account ? account.source(messageId) : null;
    }
    return this.cache.messages.isBodyCached(messageId) ? this.bodies.read(messageId) : null;
  }

  private settingsOf(accountId: string): IncomingSettings {
    const stored = this.cache.accounts.stored(accountId);
    if (!stored) throw new HearthError('NOT_FOUND', 'No such account');
    return { ...stored.config, password: this.opts.secrets.open(stored.sealedPassword) };
  }

  private setting<K extends SettingKey>(key: K): Settings[K] {
    return this.opts.settings ? this.opts.settings.get(key) : settingDefaults[key];
  }

  /** How often an account syncs in the background: its own POP3 interval, else the check interval. */
  private everyMs(accountId: string): number {
    const pop3 = this.cache.accounts.stored(accountId)?.config;
    if (pop3?.protocol === 'pop3') return (pop3.pop3?.checkEveryMinutes ?? 10) * 60_000;
    return this.opts.pollIntervalMs ?? this.setting('mail.checkEveryMinutes') * 60_000;
  }

  /** (Re)starts an account's background sync timer. */
  private schedule(accountId: string): void {
    const account = this.accounts.get(accountId);
    clearInterval(this.timers.get(accountId));
    if (!account) return;
    const run = () => account.sync().catch(() => {}); // failures are reported through account.state
    this.timers.set(accountId, setInterval(run, this.everyMs(accountId)).unref());
  }

  /** Closes the live account and opens it again from its saved settings (a new server or password). */
  private async restartAccount(accountId: string): Promise<void> {
    const a = this.accounts.get(accountId);
    if (!a) return;
    clearInterval(this.timers.get(accountId));
    this.timers.delete(accountId);
    this.accounts.delete(accountId);
    await a.close();
    if (this.started && this.cache.accounts.stored(accountId)) this.startAccount(accountId);
  }

  /** Opens the account's live object and syncs it now and then on its schedule. */
  private startAccount(accountId: string): void {
    const stored = this.cache.accounts.stored(accountId);
    const pop3 = stored?.config.protocol === 'pop3' ? stored : null;
    let account: MailAccount;
    if (pop3) {
      account = new Pop3Account({
        accountId,
        email: pop3.email,
        settings: this.settingsOf(accountId),
        dataDir: this.opts.dataDir,
        cache: this.cache,
        events: this.events,
        log: this.opts.log.child({ accountId }),
        ...(pop3.config.pop3 ? { options: pop3.config.pop3 } : {}),
      });
    } else {
      account = new ImapAccount({
        accountId,
        settings: this.settingsOf(accountId),
        cache: this.cache,
        bodies: this.bodies,
        events: this.events,
        log: this.opts.log.child({ accountId }),
        ...(this.opts.idle === false ? { idle: false } : {}),
        ...(this.opts.offlineBodies === false ? { offlineBodies: false } : {}),
        ...(this.opts.qresync === false ? { qresync: false } : {}),
        ...(this.opts.offlineWindowMs !== undefined ? { offlineWindowMs: this.opts.offlineWindowMs } : {}),
        offlineLimits: () => ({
          windowMs: this.setting('offline.windowDays') * 86_400_000,
          maxMessageBytes: this.setting('offline.maxMessageMb') * 1024 * 1024,
        }),
        ...(this.opts.searchText === false ? { searchText: false } : {}),
        ...(this.opts.searchTextWindowMs !== undefined ? { searchTextWindowMs: this.opts.searchTextWindowMs } : {}),
        ...(this.opts.searchTextMaxBytes !== undefined ? { searchTextMaxBytes: this.opts.searchTextMaxBytes } : {}),
        ...(this.opts.onBackgroundBatch ? { onBackgroundBatch: this.opts.onBackgroundBatch } : {}),
      });
    }
    this.accounts.set(accountId, account);
    void account.sync().catch(() => {}); // failures are reported through account.state
    this.schedule(accountId);
  }

  /** Each admin method, answering NOT_FOUND when no household server runs in this app. */
  private serverAdminHandlers(): ServerAdminHandlers {
    const admin = this.opts.serverAdmin;
    const missing = () => {
      throw new HearthError('NOT_FOUND', 'No household server runs in this app');
    };
    return Object.fromEntries(serverAdminMethodNames.map((m) => [m, admin ? admin[m] : missing])) as ServerAdminHandlers;
  }

  private serverQueue(): NonNullable<HearthServicesOptions['serverQueue']> {
    if (!this.opts.serverQueue) throw new HearthError('NOT_FOUND', 'No household server runs in this app');
    return this.opts.serverQueue;
  }

  /** The live account object (tests use it to wait for background work). */
  /**
   * Message ids the servers find for a search in the folders of `scope` whose bodies the local index
   * does not hold (#14.2): every account at once, each asking its folders in turn (inboxes first,
   * searchLimits.serverFolders at most), for at most searchLimits.serverWaitMs in all. An account
   * that is offline, fails or answers late adds nothing.
   */
  private async serverMatches(parsed: ParsedQuery, scope: { accountId?: string; mailboxId?: number }): Promise<number[]> {
    const unindexed = this.cache.search.foldersWithUnindexedBodies();
    if (unindexed.size === 0) return [];
    const inScope =
      scope.mailboxId !== undefined
        ? [this.mailbox(scope.mailboxId)]
        : scope.accountId !== undefined
          ? this.cache.mailboxes.list(scope.accountId)
          : this.cache.mailboxes.all();
    const byAccount = new Map<string, MailboxRow[]>();
    for (const mb of inScope)
      if (unindexed.has(mb.id) && this.accounts.has(mb.accountId)) byAccount.set(mb.accountId, [...(byAccount.get(mb.accountId) ?? []), mb]);
    if (byAccount.size === 0) return [];
    const found: number[] = [];
    let late = false;
    const asking = Promise.all(
      [...byAccount].map(async ([accountId, folders]) => {
        folders.sort((a, b) => Number(b.specialUse === 'inbox') - Number(a.specialUse === 'inbox'));
        for (const mb of folders.slice(0, searchLimits.serverFolders)) {
          if (late) return;
          const ids = await this.account(accountId)
            .searchServer(mb, parsed)
            .catch(() => [] as number[]);
          if (!late) found.push(...ids);
        }
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([asking, new Promise<void>((r) => (timer = setTimeout(r, searchLimits.serverWaitMs)))]);
    clearTimeout(timer);
    late = true;
    return [...new Set(found)];
  }

  account(accountId: string): MailAccount {
    const a = this.accounts.get(accountId);
    if (!a) throw new HearthError('NOT_FOUND', 'No such account');
    return a;
  }

  async addAccount(input: AccountInput): Promise<Account> {
    const incoming = await withTrustedCertificate(input.incoming, input.incoming.protocol === 'pop3' ? 'pop3' : 'imap');
    const outgoing = input.outgoing ? await withTrustedCertificate(input.outgoing, 'smtp') : undefined;
    // Like Thunderbird: an account is saved only after its server accepted the login.
    await (incoming.protocol === 'pop3' ? checkPop3Login(incoming) : checkImapLogin(incoming));
    return this.addAccountUnchecked({ ...input, incoming, ...(outgoing ? { outgoing } : {}) });
  }

  /**
   * Saves changes to an account. A new incoming server, login or password is saved without a
   * login check (the user may be fixing it while the server is away) and the account reconnects
   * at once: a refusal shows as the account's error, with the action that fixes it.
   */
  async updateAccount(change: ParsedArgsOf<'accounts.update'>): Promise<Account> {
    const stored = this.cache.accounts.stored(change.accountId);
    if (!stored) throw new HearthError('NOT_FOUND', 'No such account', { field: 'accountId' });
    const update: AccountChange = {};
    if (change.name !== undefined) update.name = change.name;
    if (change.identities !== undefined) update.identities = change.identities;
    let reconnect = false;
    if (change.incoming) {
      const { password, ...rest } = change.incoming;
      update.config = await mergeServer(stored.config, rest, stored.config.protocol === 'pop3' ? 'pop3' : 'imap');
      if (password !== undefined) update.sealedPassword = this.opts.secrets.seal(password);
      reconnect = true;
    }
    if (change.outgoing === null) {
      update.outgoing = null;
      update.sealedSmtpPassword = null;
    } else if (change.outgoing !== undefined) {
      const { password, ...rest } = change.outgoing;
      update.outgoing = stored.outgoing ? await mergeServer(stored.outgoing, rest, 'smtp') : await withTrustedCertificate(rest, 'smtp');
      if (password !== undefined) update.sealedSmtpPassword = password ? this.opts.secrets.seal(password) : null;
    }
    this.cache.accounts.update(change.accountId, update);
    if (reconnect) await this.restartAccount(change.accountId);
    return this.cache.accounts.list().find((a) => a.id === change.accountId)!;
  }

  /** Saves an account without a login probe: for accounts Hearth set up itself (the embedded server's demo). */
  addAccountUnchecked(input: AccountInput): Account {
    const id = randomUUID();
    const { password, ...config } = input.incoming;
    const outgoing = input.outgoing ? (({ password: _p, ...rest }) => rest)(input.outgoing) : null;
    this.cache.accounts.insert({
      id,
      name: input.name,
      email: input.email,
      config,
      outgoing,
      sealedPassword: this.opts.secrets.seal(password),
      sealedSmtpPassword: input.outgoing?.password ? this.opts.secrets.seal(input.outgoing.password) : null,
      identities: input.identities ?? [],
    });
    if (this.started) this.startAccount(id);
    return this.cache.accounts.list().find((a) => a.id === id)!;
  }

  /** Points an account at a new host/port (and CA), e.g. when the embedded server moved ports. */
  updateIncomingEndpoint(accountId: string, host: string, port: number, caCert?: string): void {
    const stored = this.cache.accounts.stored(accountId);
    if (!stored) return;
    if (stored.config.host === host && stored.config.port === port && (caCert === undefined || stored.config.caCert === caCert)) return;
    this.cache.accounts.updateConfig(accountId, { ...stored.config, host, port, ...(caCert !== undefined ? { caCert } : {}) });
  }

  /** The same for the outgoing server. */
  updateOutgoingEndpoint(accountId: string, host: string, port: number, caCert?: string): void {
    const stored = this.cache.accounts.stored(accountId);
    if (!stored?.outgoing) return;
    const o = stored.outgoing;
    if (o.host === host && o.port === port && (caCert === undefined || o.caCert === caCert)) return;
    this.cache.accounts.update(accountId, { outgoing: { ...o, host, port, ...(caCert !== undefined ? { caCert } : {}) } });
  }

  reorderAccounts(accountIds: string[]): Account[] {
    this.cache.accounts.reorder(accountIds);
    return this.cache.accounts.list();
  }

  async removeAccount(accountId: string): Promise<void> {
    const a = this.accounts.get(accountId);
    clearInterval(this.timers.get(accountId));
    this.timers.delete(accountId);
    this.accounts.delete(accountId);
    if (a) await a.close();
    if (!this.cache.accounts.remove(accountId)) throw new HearthError('NOT_FOUND', 'No such account');
  }

  private mailbox(mailboxId: number, field = 'mailboxId') {
    const mb = this.cache.mailboxes.get(mailboxId);
    if (!mb) throw new HearthError('NOT_FOUND', 'No such folder', { field });
    return mb;
  }

  /** Records moving one account's messages to `target` for undo: its token, if anything moves. */
  private undoable(ids: number[], target: MailboxRow): string[] {
    const token = this.undoLog.record(ids, target);
    return token ? [token] : [];
  }

  private groupByAccount(messageIds: number[]): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const id of messageIds) {
      const m = this.cache.messages.get(id);
      if (!m) throw new HearthError('NOT_FOUND', `No such message: ${id}`, { field: 'messageIds' });
      const ids = out.get(m.accountId);
      if (ids) ids.push(id);
      else out.set(m.accountId, [id]);
    }
    return out;
  }

  /**
   * Moves or copies messages to another account's folder (IMAP to local folders and back): each
   * message is read, appended there, and only then removed here, so a failure midway loses nothing.
   */
  private async transfer(fromAccountId: string, ids: number[], target: MailboxRow, removeAfter: boolean): Promise<void> {
    const from = this.account(fromAccountId);
    const to = this.account(target.accountId);
    const done: number[] = [];
    for (const id of ids) {
      const m = this.cache.messages.get(id);
      if (!m) continue;
      const raw = await from.source(id);
      await to.appendRaw(target, raw, m.flags);
      done.push(id);
    }
    if (removeAfter && done.length) from.removeForGood(done);
  }

  /** Starts importing a file or folder into a folder (resuming the same import where it stopped). */
  startImport(mailboxId: number, source: string, mboxVariant: 'mboxrd' | 'mboxo' = 'mboxrd'): ReturnType<TransferJobs['start']> {
    const mb = this.mailbox(mailboxId);
    const account = this.account(mb.accountId);
    const dataDir = this.opts.dataDir;
    return this.transfers.start({
      kind: 'import',
      mailboxId,
      path: source,
      lockKey: journalPath(dataDir, path.resolve(source), mb.accountId, mb.path),
      run: async (signal, onProgress) =>
        runImport({ dataDir, source, accountId: mb.accountId, folderPath: mb.path, folder: await account.transferFolder(mb), mboxVariant, signal, onProgress }),
    });
  }

  /** Starts exporting a folder to an mbox file or a folder of .eml files. */
  startExport(mailboxId: number, target: string, format: 'mbox' | 'eml'): ReturnType<TransferJobs['start']> {
    const mb = this.mailbox(mailboxId);
    const account = this.account(mb.accountId);
    return this.transfers.start({
      kind: 'export',
      mailboxId,
      path: target,
      lockKey: `export:${path.resolve(target)}`,
      run: async (signal, onProgress) => runExport({ folder: await account.transferFolder(mb), target, format, signal, onProgress }),
    });
  }

  private appHandlers(): AppHandlers {
    if (this.opts.appHandlers) return this.opts.appHandlers;
    const absent = () => {
      throw new HearthError('NOT_FOUND', 'Not available without the app around the services');
    };
    return Object.fromEntries(appMethodNames.map((name) => [name, absent])) as unknown as AppHandlers;
  }

  private handlers(): Handlers {
    const ok = { ok: true } as const;
    return {
      ...this.appHandlers(),
      'app.info': () => ({ version: this.opts.version, host: this.opts.host, dataDir: this.opts.dataDir, logFile: this.opts.logFile ?? null }),
      'accounts.list': () => this.cache.accounts.list(),
      'accounts.discover': ({ email }) => discover(email, defaultDiscoveryDeps(this.opts.discovery)),
      'accounts.add': (a) => this.addAccount(a),
      'accounts.update': (change) => this.updateAccount(change),
      'accounts.reorder': ({ accountIds }) => this.reorderAccounts(accountIds),
      'accounts.remove': async ({ accountId }) => {
        await this.removeAccount(accountId);
        return ok;
      },
      'mailboxes.list': ({ accountId }) => {
        this.account(accountId);
        return this.cache.mailboxes.list(accountId).map(({ uidValidity: _v, uidNext: _n, highestModseq: _m, ...mb }) => mb);
      },
      'messages.page': ({ mailboxId, offset, limit }) => {
        if (!this.cache.mailboxes.get(mailboxId)) throw new HearthError('NOT_FOUND', 'No such folder');
        return this.cache.messages.page(mailboxId, offset, limit);
      },
      'messages.list': ({ view, order }) => {
        if ('mailboxId' in view && !this.cache.mailboxes.get(view.mailboxId)) throw new HearthError('NOT_FOUND', 'No such folder');
        return { ids: this.cache.messages.listIds(view, order) };
      },
      'messages.body': async ({ messageId }) => {
        const msg = this.cache.messages.get(messageId);
        if (!msg) throw new HearthError('NOT_FOUND', 'No such message');
        return this.account(msg.accountId).body(messageId);
      },
      'messages.attachment': async ({ messageId, partId }) => {
        const msg = this.cache.messages.get(messageId);
        if (!msg) throw new HearthError('NOT_FOUND', 'No such message', { field: 'messageId' });
        const a = await this.account(msg.accountId).attachment(messageId, partId);
        return { filename: a.filename, contentType: a.contentType, contentBase64: a.content.toString('base64') };
      },
      'messages.setFlags': ({ messageIds, add, remove }) => {
        for (const [accountId, ids] of this.groupByAccount(messageIds)) this.account(accountId).setFlags(ids, add, remove);
        return ok;
      },
      'messages.move': async ({ messageIds, targetMailboxId }) => {
        const target = this.mailbox(targetMailboxId, 'targetMailboxId');
        const undo: string[] = [];
        for (const [accountId, ids] of this.groupByAccount(messageIds)) {
          if (accountId === target.accountId) {
            undo.push(...this.undoable(ids, target));
            this.account(accountId).move(ids, target);
          } else await this.transfer(accountId, ids, target, true);
        }
        return { ok: true, undo };
      },
      'messages.copy': async ({ messageIds, targetMailboxId }) => {
        const target = this.mailbox(targetMailboxId, 'targetMailboxId');
        for (const [accountId, ids] of this.groupByAccount(messageIds)) {
          if (accountId === target.accountId) this.account(accountId).copy(ids, target);
          else await this.transfer(accountId, ids, target, false);
        }
        return ok;
      },
      'messages.delete': ({ messageIds }) => {
        const undo: string[] = [];
        for (const [accountId, ids] of this.groupByAccount(messageIds)) {
          // To Trash can be undone; out of Trash it is for good.
          const trash = specialFolder(this.cache, accountId, 'trash');
          if (trash) undo.push(...this.undoable(ids, trash));
          this.account(accountId).delete(ids);
        }
        return { ok: true, undo };
      },
      'messages.archive': ({ messageIds }) => {
        const undo: string[] = [];
        for (const [accountId, ids] of this.groupByAccount(messageIds)) {
          const archive = specialFolder(this.cache, accountId, 'archive');
          if (archive) undo.push(...this.undoable(ids, archive));
          this.account(accountId).archive(ids);
        }
        return { ok: true, undo };
      },
      'messages.undo': async ({ tokens }) => {
        let restored = 0;
        for (const token of tokens) restored += await this.undoLog.undo(token, (accountId) => this.account(accountId));
        return { restored };
      },
      'messages.thread': ({ messageId }) => {
        const m = this.cache.messages.get(messageId);
        if (!m) throw new HearthError('NOT_FOUND', 'No such message', { field: 'messageId' });
        return this.cache.messages.inThread(m.threadId);
      },
      'mailboxes.create': async ({ accountId, parentId, name }) => {
        const parent = parentId === null ? null : this.mailbox(parentId, 'parentId');
        await this.account(accountId).createFolder(parent, name);
        return ok;
      },
      'mailboxes.rename': async ({ mailboxId, name }) => {
        const mb = this.mailbox(mailboxId);
        await this.account(mb.accountId).renameFolder(mb, name);
        return ok;
      },
      'mailboxes.delete': async ({ mailboxId }) => {
        const mb = this.mailbox(mailboxId);
        await this.account(mb.accountId).deleteFolder(mb);
        return ok;
      },
      'mailboxes.subscribe': async ({ mailboxId, subscribed }) => {
        const mb = this.mailbox(mailboxId);
        await this.account(mb.accountId).subscribeFolder(mb, subscribed);
        return ok;
      },
      'messages.search': async (q) => {
        let parsed: ParsedQuery;
        try {
          parsed = parseSearchQuery(q.query, Date.now());
        } catch (e) {
          if (e instanceof SearchQueryError) throw new HearthError('INVALID_ARGUMENT', e.message, { field: 'query' });
          throw e;
        }
        const scope = { ...(q.accountId !== undefined ? { accountId: q.accountId } : {}), ...(q.mailboxId !== undefined ? { mailboxId: q.mailboxId } : {}) };
        const local = searchMessages(this.cache, parsed, scope, { offset: q.offset, limit: q.limit, now: Date.now() });
        // A first page the index does not fill: the servers search the folders whose bodies it
        // does not hold yet (their answer has no order to page by); offline, the local results stand.
        if (q.offset > 0 || local.length >= q.limit) return local;
        const seen = new Set(local.map((m) => m.id));
        const ids = (await this.serverMatches(parsed, scope)).filter((id) => !seen.has(id));
        return [...local, ...filterMessages(this.cache, parsed, scope, ids)].slice(0, q.limit);
      },
      'search.status': () => this.cache.search.status(),
      'search.rebuild': () => {
        this.cache.search.clear();
        return ok;
      },
      'outbox.send': (m) => {
        this.account(m.accountId);
        return this.outbox.send(m);
      },
      'outbox.list': () => this.outbox.list(),
      'outbox.unsend': ({ id }) => this.outbox.unsend(id),
      'outbox.retry': ({ id }) => {
        this.outbox.retry(id);
        return ok;
      },
      'outbox.delete': ({ id }) => {
        this.outbox.delete(id);
        return ok;
      },
      'drafts.save': (m) => {
        this.account(m.accountId);
        return this.drafts.save(m);
      },
      'drafts.list': () => this.drafts.list(),
      'drafts.delete': ({ draftId }) => {
        this.drafts.delete(draftId);
        return ok;
      },
      'contacts.suggest': ({ prefix, limit }) => (prefix.trim() ? this.contacts.suggest(prefix, limit) : []),
      'transfer.import': ({ mailboxId, source, mboxVariant }) => this.startImport(mailboxId, source, mboxVariant),
      'transfer.export': ({ mailboxId, target, format }) => this.startExport(mailboxId, target, format),
      'transfer.list': () => this.transfers.list(),
      'transfer.cancel': ({ jobId }) => {
        this.transfers.cancel(jobId);
        return ok;
      },
      'messages.source': async ({ messageId }) => {
        const m = this.cache.messages.get(messageId);
        if (!m) throw new HearthError('NOT_FOUND', 'No such message', { field: 'messageId' });
        const raw = await this.account(m.accountId).source(messageId);
        return { filename: emlFileName(raw, new Date(m.date)), contentBase64: raw.toString('base64') };
      },
      'sync.now': async ({ accountId }) => {
        const targets = accountId ? [this.account(accountId)] : [...this.accounts.values()];
        await Promise.all(targets.map((a) => a.sync()));
        return ok;
      },
      'sync.changes': ({ sinceSeq, limit }) => ({ epoch: this.cache.epoch, ...this.cache.changesSince(sinceSeq, limit) }),
      'server.status': () => this.opts.serverStatus?.() ?? { running: false, domain: null, listeners: [] },
      'server.certificate.status': () => {
        if (!this.opts.serverCertificate) throw new HearthError('NOT_FOUND', 'No household server runs in this app');
        return this.opts.serverCertificate();
      },
      'server.relay.status': () => this.opts.serverRelayStatus?.() ?? { smarthost: null, problem: null, problemSince: null },
      'server.queue.list': () => this.serverQueue().list(),
      'server.queue.retry': async ({ id }) => ({ recipients: await this.serverQueue().retry(id) }),
      'server.queue.delete': async ({ id, reason, bounce }) => {
        await this.serverQueue().delete(id, reason, bounce);
        return ok;
      },
      ...this.serverAdminHandlers(),
    };
  }

  async close(): Promise<void> {
    this.stopSettings();
    await this.transfers.close();
    await this.outbox.close();
    await this.drafts.close();
    for (const t of this.timers.values()) clearInterval(t);
    this.timers.clear();
    await Promise.all([...this.accounts.values()].map((a) => a.close()));
    this.accounts.clear();
    this.bodyIndexer.close();
    await this.bodyIndexer.idle();
    await this.bodies.close();
    this.cache.close();
  }
}

function startTlsOf(tls: 'tls' | 'starttls' | 'plain', dialect: StartTlsDialect): StartTlsDialect | null {
  return tls === 'starttls' ? dialect : null;
}

/** A server with a certificate the user trusted by its fingerprint, with that certificate (PEM) to trust: fetched now, if it is still the one shown. */
async function withTrustedCertificate<
  T extends { host: string; port: number; tls: 'tls' | 'starttls' | 'plain'; caCert?: string | undefined; trustedFingerprint256?: string | undefined },
>(server: T, dialect: StartTlsDialect): Promise<T> {
  if (!server.trustedFingerprint256 || server.caCert) return server;
  return { ...server, caCert: await fetchTrustedCertificate(server.host, server.port, startTlsOf(server.tls, dialect), server.trustedFingerprint256) };
}

type ServerConfig = { host: string; port: number; tls: 'tls' | 'starttls' | 'plain'; caCert?: string | undefined; trustedFingerprint256?: string | undefined };

/**
 * A saved server with the user's changes: the CA it had stays unless replaced; a certificate pin
 * stays while the server stays where it was (one that moved presents another certificate), and a
 * new pin fetches the certificate it names.
 */
async function mergeServer<T extends ServerConfig>(
  saved: T,
  change: Partial<ServerConfig> & Omit<Partial<T>, keyof ServerConfig>,
  dialect: StartTlsDialect,
): Promise<T> {
  const merged = { ...saved, ...change } as T;
  const moved = merged.host !== saved.host || merged.port !== saved.port;
  if (moved && change.trustedFingerprint256 === undefined) delete merged.trustedFingerprint256;
  const newPin = merged.trustedFingerprint256 && (merged.trustedFingerprint256 !== saved.trustedFingerprint256 || moved);
  if (newPin && change.caCert === undefined) {
    merged.caCert = await fetchTrustedCertificate(merged.host, merged.port, startTlsOf(merged.tls, dialect), merged.trustedFingerprint256!);
  }
  return merged;
}
