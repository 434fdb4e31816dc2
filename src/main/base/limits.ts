// Every limit Hearth enforces, in one place. Each area owns its own block.

/** The typed API (IPC and WebSocket hosts). */
export const apiLimits = {
  /** Largest WebSocket frame / IPC argument accepted, in bytes (a 100 MB attachment, base64). */
  maxRequestBytes: 140 * 1024 * 1024,
  /** Messages per page request. */
  maxPageSize: 500,
} as const;

/** Undo of move, archive and delete (client/undo-log.ts). */
export const undoLimits = {
  /** Actions remembered for undo; older ones can no longer be undone. */
  maxActions: 50,
} as const;

/** The household admin (the `hearth` CLI and the app's admin screen share it). */
export const adminLimits = {
  /** Shortest password the app's admin screen accepts (the CLI leaves the choice to the admin). */
  minPasswordLength: 8,
  maxPasswordLength: 1024,
  /** The live DNS check of the records to publish: timeout per lookup, ms, and tries. */
  dnsCheckTimeoutMs: 4_000,
  dnsCheckTries: 2,
} as const;

/** The IMAP client sync engine. */
export const syncLimits = {
  /** Messages fetched per FETCH round when listing headers (newest first). */
  headerBatch: 1000,
  /** The first batch of a folder's first sync: small, so the newest mail shows at once. */
  firstHeaderBatch: 200,
  /**
   * A fetched header batch is stored this many messages per transaction, with a turn of the event
   * loop between them: 1,000 summaries with their threads and search documents in one transaction
   * held main's thread for up to 90 ms of CPU.
   */
  headerStoreBatch: 250,
  /** Connection and greeting timeout, ms. */
  connectTimeoutMs: 15_000,
  /** Snippet length shown in the message list. */
  snippetChars: 200,
  /** Bodies are kept offline for messages this recent (the offline window), ms. */
  offlineWindowMs: 90 * 86_400_000,
  /** …and at most this large; bigger messages (big attachments) are fetched when opened. */
  offlineMaxMessageBytes: 5 * 1024 * 1024,
  /**
   * Background downloads (offline copies, the search index's text) go in small batches, each one
   * FETCH on the account's background connection, and the next one waits while the user waits on
   * the server: at most this many messages…
   */
  backgroundBatch: 25,
  /** …and at most this many bytes of them by message size (one larger message still goes alone). */
  backgroundBatchBytes: 4 * 1024 * 1024,
  /** Downloaded batches of offline bodies waiting for their commit (client/imap/body-store.ts) while the next downloads. */
  bodyWritesInFlight: 3,
  /** The messages a background fetch wants are read from the cache this many at a time (not all of a folder at once). */
  backgroundPage: 1000,
  /** IDLE is re-issued this often (RFC 2177: before 29 minutes); each re-issue also proves the link alive. */
  idleRestartMs: 4 * 60_000,
  /** A command with no answer for this long means a dead connection. */
  socketTimeoutMs: 5 * 60_000,
  /** Reconnect backoff after the network drops: first delay and ceiling, ms. */
  reconnectFirstMs: 1_000,
  reconnectMaxMs: 5 * 60_000,
  /** POP3 downloads in flight at once (pipelined RETRs)… */
  pop3Parallel: 16,
  /** …and at most this many bytes of them (by LIST size; one bigger message still goes alone). */
  pop3BytesInFlight: 32 * 1024 * 1024,
  /** Attempts before a pending operation that keeps failing on the server is dropped with a notice. */
  maxOpAttempts: 5,
  /** UIDs per command when replaying an action on thousands of messages (keeps each command line short). */
  opUidBatch: 2000,
} as const;

/** Main's full-text search index (src/main/client/cache/search-index.ts and body-indexer.ts). */
export const searchLimits = {
  /** Messages whose bodies are parsed and indexed per batch; the event loop gets a turn between batches. */
  bodyBatch: 25,
  /** …and at most this many raw bytes of them per batch (one larger message still goes alone). */
  bodyBatchBytes: 2 * 1024 * 1024,
  /** Bodies marked absent per statement where no local copy can exist (no parsing; one UPDATE). */
  absentBatch: 2000,
  /** Summaries indexed per batch when the index is rebuilt. */
  headerBatch: 500,
  /** Text parts of messages without an offline copy are fetched for the index this far back (default: all), ms… */
  textWindowMs: Number.MAX_SAFE_INTEGER,
  /** …for messages at most this large… */
  textMaxMessageBytes: 50 * 1024 * 1024,
  /** …and at most this much of each text part, bytes. */
  textPartBytes: 512 * 1024,
  /** Body text indexed per message, characters (the rest of a huge text is not searchable). */
  bodyTextChars: 256 * 1024,
  /** Matches, newest first, ranked by relevance mixed with recency; later pages continue by date. */
  rankWindow: 300,
  /** Recency's half-life in the ranking, days. */
  recencyHalfLifeDays: 60,
  /**
   * A first page the local index does not fill asks the servers too, in the folders whose bodies it
   * does not hold yet: at most this many folders per account (inboxes first)…
   */
  serverFolders: 12,
  /** …answering within this long, ms (later answers are left out; a search never waits longer). */
  serverWaitMs: 3000,
} as const;

/** Sending: the outbox and its sender loop (src/main/client/send). */
export const sendLimits = {
  /** Default "undo send" window, ms. */
  undoHoldMs: 10_000,
  /** Retry delays after a temporary failure (4xx, network), ms; the last one repeats. */
  retryDelaysMs: [30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000],
  /** Give up retrying after this long and mark the message failed, ms. */
  giveUpAfterMs: 3 * 86_400_000,
  /** Connection / greeting / socket timeouts for submission, ms. */
  connectTimeoutMs: 20_000,
  socketTimeoutMs: 120_000,
  /** Largest message Hearth composes, bytes (servers usually refuse far less). */
  maxMessageBytes: 100 * 1024 * 1024,
  /** Recipients per message. */
  maxRecipients: 500,
} as const;

/** The household IMAP server (src/main/server/imap). */
export const imapServerLimits = {
  /** Longest command line (excluding literals), bytes. RFC 7162 asks for at least 8192. */
  maxLineBytes: 64 * 1024,
  /** Largest single literal (APPEND message or string argument), bytes. */
  maxLiteralBytes: 64 * 1024 * 1024,
  /** Total literal bytes in one command (multi-append). */
  maxCommandBytes: 128 * 1024 * 1024,
  /** Literals per command. */
  maxLiteralsPerCommand: 1000,
  /** Nesting depth of parenthesised lists. */
  maxListDepth: 32,
  /** Failed LOGIN/AUTHENTICATE attempts before the connection is closed. */
  maxAuthFailures: 3,
  /** Consecutive BAD replies before the connection is closed. */
  maxBadCommands: 50,
  /** Idle timeout before login, ms. */
  preAuthIdleMs: 60_000,
  /** Idle timeout once authenticated, ms (RFC 3501 5.4: at least 30 minutes). */
  authIdleMs: 30 * 60_000,
  /** Parsed message structures kept in memory (per server). */
  structureCacheEntries: 2000,
  /**
   * Serialised ENVELOPEs kept in memory (per server), about 300–600 bytes each: a client's
   * `FETCH 1:* (ENVELOPE)` of a mailbox larger than the structure cache read and parsed every
   * message again each time (3,000 messages: 0.54× Dovecot, whose cache file keeps them).
   */
  envelopeCacheBytes: 24 * 1024 * 1024,
  /**
   * FETCH responses built from memory go out in batches of about this many bytes: small enough
   * that a client parses the first while the server builds the next (256 KB kept it waiting).
   */
  fetchBatchBytes: 16 * 1024,
  /**
   * A FETCH answered from memory lets the event loop turn after this long, ms: its batches reach
   * the client while it builds the rest, and other sessions' commands are served meanwhile.
   */
  fetchSliceMs: 2,
  /** Largest message whose MIME structure is parsed (read into memory once); larger ones show as one part. */
  maxParsedMessageBytes: 64 * 1024 * 1024,
  /** Response bytes queued for a client that does not read before it is disconnected. */
  maxOutputBacklogBytes: 64 * 1024 * 1024,
  /** FETCH sections up to this size are read into memory in one read; larger ones are streamed. */
  bufferedSectionBytes: 1024 * 1024,
  /**
   * Live SEARCH/SORT results (RETURN (UPDATE), RFC 5267 4.3) per session; one more is refused
   * with NOUPDATE. Each holds its matching UIDs and costs an evaluation of every change.
   */
  maxSearchContexts: 10,
  /**
   * An IDLE session sends other sessions' changes this long after the first of them, ms, all
   * at once and each message's flags as they then are: a client's +FLAGS then -FLAGS of 750
   * messages went out as 1,500 FETCH lines to every other session, Dovecot's (which waits
   * half a second) as 750. Short enough that new mail still shows at once.
   */
  idleNotifyDelayMs: 200,
} as const;

/** The outgoing relay (queue, delivery, retries) and the submission server. */
export const relayLimits = {
  /** Largest message accepted for submission, in bytes (advertised with SIZE). */
  maxMessageBytes: 50 * 1024 * 1024,
  /** Recipients per submitted message. */
  maxRecipients: 500,
  /** Header block bytes read from a queued message to check Message-ID/Date and build a DSN. */
  maxHeaderBytes: 256 * 1024,
  /** Concurrent outgoing connections to one destination (domain or smarthost). */
  connectionsPerDestination: 3,
  /** Destinations delivered to at the same time. */
  parallelDestinations: 10,
  /** Messages sent over one outgoing connection before it is closed and a fresh one opened. */
  messagesPerConnection: 100,
  /** Concurrent local (mailbox store) deliveries. */
  parallelLocalDeliveries: 4,
  /** Outgoing SMTP timeouts, ms. */
  connectTimeoutMs: 30_000,
  greetingTimeoutMs: 30_000,
  socketTimeoutMs: 5 * 60_000,
  /**
   * A smarthost session not up after this long (no greeting yet: maybe a port that waits for a TLS
   * ClientHello) gets a TLS probe on a second connection, ms; and how long a probe may take.
   */
  tlsModeProbeAfterMs: 2_000,
  tlsModeProbeTimeoutMs: 5_000,
  /** DNS lookup timeout, ms, and tries per lookup. */
  dnsTimeoutMs: 5_000,
  dnsTries: 2,
  /** Longest wait between two queue scans when nothing is due sooner, ms. */
  maxIdleScanMs: 60_000,
  /** Submission sessions: idle socket timeout, ms, and concurrent clients. */
  submissionSocketTimeoutMs: 5 * 60_000,
  submissionMaxClients: 100,
} as const;

/** The POP3 client library (src/main/client/pop3). */
export const pop3ClientLimits = {
  /** TCP connect + TLS handshake + greeting, ms. */
  connectTimeoutMs: 15_000,
  /** Longest silence while a command waits for (more of) its reply, ms. */
  commandTimeoutMs: 60_000,
  /** Longest status or scan line accepted from a server, bytes. */
  maxLineBytes: 64 * 1024,
  /** Largest multi-line reply collected in memory (CAPA, LIST, UIDL, TOP), bytes. RETR is streamed. */
  maxCollectedBytes: 16 * 1024 * 1024,
  /** Commands sent ahead of their replies when the server offers PIPELINING. */
  pipelineWindow: 64,
} as const;

/** The household server's authentication cache (src/main/server/users/auth-cache.ts). */
export const authCacheLimits = {
  /**
   * How long a successful password check is remembered, ms, counted from that check (not
   * extended by use). Dovecot's auth_cache_ttl is an hour too; a password change or a removed
   * user ends the entry at once, so this only bounds how long a keyed hash stays in memory.
   */
  ttlMs: 60 * 60_000,
  /** Entries kept (one per user at most; the oldest goes first). */
  maxEntries: 1000,
} as const;

/** The household POP3 server (src/main/server/pop3). */
export const pop3ServerLimits = {
  /** Longest command line accepted, CRLF included (RFC 2449 says 255; AUTH PLAIN responses need more). */
  maxLineBytes: 2048,
  /** RFC 1939 autologout: at least 10 minutes of inactivity. */
  idleTimeoutMs: 10 * 60_000,
  /** Pause before answering a failed login, ms (slows password guessing). */
  authFailureDelayMs: 300,
  /** Failed logins allowed in one session before it is closed. */
  maxAuthFailures: 5,
  /** Pipelined command lines buffered before the server stops reading the socket. */
  maxQueuedLines: 256,
} as const;

/** The household server's inbound SMTP (src/main/server/smtp/inbound.ts). */
export const inboundSmtpLimits = {
  /** Largest message accepted (SIZE), bytes. */
  maxMessageBytes: 50 * 1024 * 1024,
  /** Recipients per message. */
  maxRecipients: 100,
  /** Simultaneous connections. */
  maxClients: 200,
  /** Idle connection timeout, ms. */
  socketTimeoutMs: 5 * 60 * 1000,
  /** Time allowed for SPF/DKIM/DMARC checks before giving up on them (header says temperror), ms. */
  authCheckTimeoutMs: 20_000,
} as const;

/** Stopping the household server (SIGTERM must end within 5 s, base/graceful-stop.ts). */
export const serverStopLimits = {
  /**
   * How long an SMTP listener lets sessions finish before it answers 421 and closes them, ms.
   * Nothing unanswered is lost by a cut: the sender still holds the message and retries.
   */
  smtpCloseMs: 2_000,
  /** How long any listener or the relay may take to stop before the store is flushed anyway, ms. */
  graceMs: 2_500,
} as const;

/** ACME certificates (server/acme/). */
export const acmeLimits = {
  /** Renew when less than this share of the certificate's lifetime is left (Let's Encrypt: 1/3). */
  renewWhenLeft: 1 / 3,
  /** How often the renewer looks at the certificate (also picks up one `hearth cert issue` wrote), ms. */
  checkEveryMs: 60 * 60_000,
  /** First retry after a failed issuance, ms; doubled each failure up to maxRetryMs. */
  firstRetryMs: 60_000,
  maxRetryMs: 6 * 60 * 60_000,
  /** A DNS-01 hook command may run this long, ms. */
  dnsHookTimeoutMs: 120_000,
  /** One issuance (order, challenges, finalize, download) may take this long, ms. */
  issueTimeoutMs: 5 * 60_000,
} as const;

/** Import and export of mail (mbox, .eml folders, Maildir; src/main/client/transfer). */
export const transferLimits = {
  /** A single imported message larger than this is skipped (and reported), never held in memory. */
  maxMessageBytes: 100 * 1024 * 1024,
  /** Messages fetched per UID FETCH when exporting an IMAP folder. */
  exportFetchBatch: 50,
  /** Progress events at most every this many messages (and at the end). */
  progressEvery: 25,
} as const;

/** The household server's HTTPS listener: autoconfig, autodiscover, Apple profiles, MTA-STS (src/main/server/autoconfig). */
export const autoconfigHttpLimits = {
  /** Largest request body (an autodiscover request is a few hundred bytes), bytes. */
  maxBodyBytes: 16 * 1024,
  /** Largest request head (request line and headers), bytes. */
  maxHeaderBytes: 8 * 1024,
  /** Longest URL (path and query), characters. */
  maxUrlLength: 2048,
  /** Time for a whole request to arrive, ms (slow-loris). */
  requestTimeoutMs: 10_000,
  /** Idle keep-alive connections are closed after, ms. */
  keepAliveTimeoutMs: 5_000,
  /** Simultaneous connections. */
  maxConnections: 200,
  /** MTA-STS max_age: how long senders cache the policy, seconds (one week; RFC 8461 suggests weeks). */
  mtaStsMaxAgeSeconds: 604_800,
} as const;

/** The desktop shell: opened message files, new-mail notifications, window placement. */
export const desktopLimits = {
  /** Largest .eml file opened in a reader window, bytes. */
  maxEmlBytes: 50 * 1024 * 1024,
  /** Message files open at once (the oldest is forgotten beyond this). */
  maxOpenEmlFiles: 50,
  /** New messages announced one by one; more arriving together get one summary notification. */
  notifyEachUpTo: 3,
  /** Only mail sent within this window counts as new (older messages are a sync's backlog), ms. */
  notifyRecentMs: 60 * 60_000,
  /** Messages looked at per change when counting new mail for a summary. */
  newMailScan: 500,
  /** A restored window must show at least this much of itself on some display, px. */
  minVisiblePx: 100,
  /** A restored window is never smaller than this. */
  minWindow: { width: 640, height: 480 },
} as const;
