// What every listener of the household server gets. Listeners (SMTP, IMAP, POP3, submission) are
// started by household-server.ts with one ServerContext and one ListenOptions per port.

import type { Logger } from '../base/log.ts';
import type { MailStore } from '../maildir/types.ts';
import type { UserDirectory } from './users/types.ts';
import type { LiveCertificate } from './live-certificate.ts';

export interface ServerContext {
  store: MailStore;
  users: UserDirectory;
  log: Logger;
  /** PEM key and certificate chain for STARTTLS and implicit TLS. TLS 1.2 is the minimum everywhere (see tls.ts: MIN_TLS_VERSION). */
  tls: { key: string; cert: string };
  /** The certificate as it is now, replaced on renewal (ACME) without a restart; absent = `tls` for good. */
  certificate?: LiveCertificate;
  /** The server's host name (greetings, Received headers). */
  hostname: string;
}

export interface ListenOptions {
  host: string;
  /** 0 = ephemeral; RunningListener.port has the real one. */
  port: number;
  /** true = TLS from the first byte (IMAPS 993, POP3S 995, SUBMISSIONS 465); false = plain with STARTTLS/STLS. */
  implicitTls: boolean;
}

export interface RunningListener {
  port: number;
  close(): Promise<void>;
}

/** The signature each protocol module exports (startImapServer, startPop3Server, startSubmissionServer). */
export type StartListener = (ctx: ServerContext, opts: ListenOptions) => Promise<RunningListener>;
