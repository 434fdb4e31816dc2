// Every limit Hearth enforces, in one place. Each area owns its own block.

/** The typed API (IPC and WebSocket hosts). */
export const apiLimits = {
  /** Largest WebSocket frame / IPC argument accepted, in bytes. */
  maxRequestBytes: 64 * 1024 * 1024,
  /** Messages per page request. */
  maxPageSize: 500,
} as const;

/** The IMAP client sync engine. */
export const syncLimits = {
  /** Messages fetched per FETCH round when listing headers (newest first). */
  headerBatch: 500,
  /** Connection and greeting timeout, ms. */
  connectTimeoutMs: 15_000,
  /** Snippet length shown in the message list. */
  snippetChars: 200,
} as const;
