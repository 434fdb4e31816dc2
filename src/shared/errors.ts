// One catalogue of error codes for everything Hearth reports: API callers, the UI and the logs
// see the same string codes. A HearthError may carry the protocol response that caused it.

export const ErrorCodes = {
  // API surface
  INVALID_ARGUMENT: 'The request had an invalid argument',
  UNKNOWN_METHOD: 'No such API method',
  NOT_FOUND: 'Not found',
  UNAUTHORIZED_CALLER: 'The caller is not allowed to use this API',
  INTERNAL: 'Internal error',
  ALREADY_EXISTS: 'That name is already taken',
  WEAK_PASSWORD: 'The password is too easy to guess',
  // Accounts and connections
  AUTH_FAILED: 'The server rejected the user name or password',
  CONNECTION_REFUSED: 'The server refused the connection',
  HOST_NOT_FOUND: 'The server name could not be resolved',
  TIMEOUT: 'The server did not answer in time',
  NETWORK: 'The network connection failed',
  TLS_FAILED: 'The secure connection could not be established',
  CERT_UNTRUSTED: 'The server certificate is not trusted',
  PLAINTEXT_REFUSED: 'Unencrypted connections are only allowed to this computer',
  PROTOCOL: 'The server answered in a way Hearth does not understand',
  SERVER_ERROR: 'The server reported an error',
  OFFLINE: 'Not connected',
  // Storage
  STORAGE: 'Local storage failed',
  DISK_FULL: 'The disk is full',
  // Mail
  MESSAGE_TOO_LARGE: 'The message is too large',
  MAILBOX_EXISTS: 'A folder with that name already exists',
  MAILBOX_NOT_FOUND: 'No such folder',
  MESSAGE_GONE: 'The message no longer exists on the server',
  BAD_ADDRESS: 'Invalid email address',
  RELAY_DENIED: 'Relaying denied',
  QUOTA: 'Mailbox is full',
  // Outgoing relay
  QUEUE_CORRUPT: 'A queued message file is damaged and was moved aside',
  DELIVERY_DEFERRED: 'Delivery was deferred and will be retried',
  DELIVERY_FAILED: 'Delivery failed permanently',
  SENDER_NOT_OWNED: 'The sender address does not belong to the signed-in user',
  // Certificates (ACME)
  ACME_FAILED: 'The certificate authority did not issue a certificate',
  // POP3 (RFC 3206 response codes)
  MAILDROP_LOCKED: 'The mailbox is in use by another session; try again later',
  SERVER_TEMPORARY: 'The server has a temporary problem; try again later',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** Dotted path of the offending argument field, for INVALID_ARGUMENT. */
  field?: string;
  /** The remote server's reply (e.g. "NO [AUTHENTICATIONFAILED] ..." or "550 5.1.1 ..."), never secrets. */
  response?: string;
  /** Extra structured detail safe to show (e.g. certificate subject and fingerprint). */
  detail?: Record<string, unknown>;
}

export class HearthError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly response?: string;
  readonly detail?: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, extra: Omit<ErrorPayload, 'code' | 'message'> = {}) {
    super(message ?? ErrorCodes[code]);
    this.name = 'HearthError';
    this.code = code;
    if (extra.field !== undefined) this.field = extra.field;
    if (extra.response !== undefined) this.response = extra.response;
    if (extra.detail !== undefined) this.detail = extra.detail;
  }

  toPayload(): ErrorPayload {
    const p: ErrorPayload = { code: this.code, message: this.message };
    if (this.field !== undefined) p.field = this.field;
    if (this.response !== undefined) p.response = this.response;
    if (this.detail !== undefined) p.detail = this.detail;
    return p;
  }

  static fromPayload(p: ErrorPayload): HearthError {
    const { code, message, ...extra } = p;
    return new HearthError(code in ErrorCodes ? code : 'INTERNAL', message, extra);
  }
}

export function isHearthError(e: unknown): e is HearthError {
  return e instanceof HearthError;
}
