// Whether the smarthost works, for the admin: a connection that fails for a reason only the admin
// can fix (refused, TLS handshake, certificate, login, a TLS mode that does not fit the port) is
// shown at once as "smarthost problem: …" — mail waits in the queue meanwhile, and the sender would
// otherwise hear nothing until the delay warning hours later. The next session that comes up
// clears it.
import type { ServerRelayStatus } from '../../../shared/api.ts';
import type { Logger } from '../../base/log.ts';
import type { Clock, SmarthostOptions } from './types.ts';

interface ConnectError extends Error {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  timeoutType?: string;
}

const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 300);

/** What the admin must fix, or null when the failure may pass by itself (a timeout mid-session, DNS). */
export function adminProblemOf(err: ConnectError, tls: SmarthostOptions['tls']): string | null {
  const message = oneLine(err.message ?? String(err));
  const response = err.response ? oneLine(err.response) : '';
  const code = err.originalCode ?? err.code ?? '';
  // A TLS mode that does not fit the port (tls-mode-probe.ts): its message names the fix.
  if (err.code === 'ETLSMODE') return `TLS mode does not fit the port: ${message}`;
  if (err.code === 'EAUTH' || (err.responseCode !== undefined && [530, 534, 535, 538].includes(err.responseCode))) {
    return `login refused (${response || message}); check the smarthost user and password`;
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) return `connection refused (${message}); check the smarthost host and port`;
  if (CERTIFICATE_CODES.has(code) || /certificate|self[- ]signed|altname/i.test(message)) {
    return `certificate not trusted (${message}); check the host name or give its CA (--smarthost-ca)`;
  }
  if (err.code === 'ETLS' || /\bTLS\b|\bSSL\b|wrong version number|handshake|packet length/i.test(message)) {
    return `TLS failed (${response || message}); check --smarthost-tls (${tls ?? 'starttls'}) against the port`;
  }
  if (err.timeoutType === 'GREETING_TIMEOUT' || /Greeting never received/i.test(message)) {
    return `no greeting (${message}); a port-465 smarthost needs --smarthost-tls implicit`;
  }
  return null;
}

/** The smarthost as the admin sees it: never its password, only whether one is stored. */
export function smarthostView(
  sh: Pick<SmarthostOptions, 'host' | 'port' | 'tls' | 'user' | 'password' | 'ca'> | undefined | null,
): ServerRelayStatus['smarthost'] {
  if (!sh) return null;
  const tls = sh.tls ?? 'starttls';
  return {
    host: sh.host,
    port: sh.port,
    tls,
    user: sh.user ?? null,
    hasPassword: sh.password !== undefined,
    customCa: Boolean(sh.ca && sh.ca.length),
    warning: tls === 'none' ? 'the smarthost is used without TLS: the login and the mail cross the network unencrypted' : null,
  };
}

export class SmarthostHealth {
  private problem: string | null = null;
  private since: number | null = null;
  private readonly smarthost: SmarthostOptions | undefined;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(smarthost: SmarthostOptions | undefined, clock: Clock, log: Logger) {
    this.smarthost = smarthost;
    this.clock = clock;
    this.log = log;
  }

  failed(err: Error): void {
    const problem = adminProblemOf(err as ConnectError, this.smarthost?.tls);
    if (!problem) return;
    if (problem !== this.problem) this.log.warn('relay: smarthost problem', { problem });
    this.since = this.problem === null ? this.clock.now() : (this.since ?? this.clock.now());
    this.problem = problem;
  }

  ok(): void {
    if (this.problem) this.log.info('relay: smarthost works again', {});
    this.problem = null;
    this.since = null;
  }

  status(): ServerRelayStatus {
    return {
      smarthost: smarthostView(this.smarthost),
      problem: this.problem ? `smarthost problem: ${this.problem}` : null,
      problemSince: this.since,
    };
  }
}
