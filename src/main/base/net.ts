// Network helpers for every connection Hearth makes or accepts: whether a host is this computer
// (plain text is allowed there only), and socket, TLS and protocol-library failures mapped to the
// error catalogue, keeping the server's own words (never a password) so the UI can say exactly
// what went wrong.
import { BlockList, isIP } from 'node:net';
import { HearthError } from '../../shared/errors.ts';

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

const loopbackAddresses = new BlockList();
loopbackAddresses.addSubnet('127.0.0.0', 8, 'ipv4');
loopbackAddresses.addAddress('::1', 'ipv6');

/**
 * True for a host name or address that never leaves this computer: 127.0.0.0/8 and ::1 in any
 * spelling (RFC 6890), IPv4-mapped ::ffff:127.x.y.z (how a dual-stack socket reports an IPv4
 * client), and "localhost" and names under it (RFC 6761 6.3). An IPv6 address may be in brackets.
 */
export function isLoopback(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const family = isIP(h);
  // BlockList matches an IPv4-mapped IPv6 address against the IPv4 rules.
  if (family === 4) return loopbackAddresses.check(h, 'ipv4');
  if (family === 6) return loopbackAddresses.check(h, 'ipv6');
  return false;
}

/** Refuses to send credentials unencrypted anywhere but this computer. */
export function assertPlaintextAllowed(host: string, tls: 'tls' | 'starttls' | 'plain'): void {
  if (tls === 'plain' && !isLoopback(host)) {
    throw new HearthError('PLAINTEXT_REFUSED', `Unencrypted connections are only allowed to this computer, not to ${host}`);
  }
}

interface ErrorLike {
  code?: string;
  message?: string;
  authenticationFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
  response?: string;
  responseStatus?: string;
  cert?: { subject?: Record<string, string>; issuer?: Record<string, string>; fingerprint256?: string; valid_to?: string };
}

export interface NetworkErrorContext {
  /**
   * The failure happened during the TLS handshake (the POP3 client's implicit TLS or STLS): what
   * is not a certificate, refusal, name or timeout failure is then the handshake failing, even a
   * reset connection.
   */
  tlsHandshake?: boolean;
}

export function toNetworkError(e: unknown, host: string, port: number, context: NetworkErrorContext = {}): HearthError {
  if (e instanceof HearthError) return e;
  const err = (e ?? {}) as ErrorLike;
  const code = err.code ?? '';
  const where = `${host}:${port}`;
  const serverSaid = err.responseText ?? err.response;
  if (err.authenticationFailed || code === 'EAUTH' || err.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return new HearthError('AUTH_FAILED', `${where} rejected the user name or password`, serverSaid ? { response: String(serverSaid) } : {});
  }
  if (CERT_CODES.has(code)) {
    const detail: Record<string, unknown> = { reason: code };
    if (err.cert) {
      detail.subject = err.cert.subject?.CN;
      detail.issuer = err.cert.issuer?.CN;
      detail.fingerprint256 = err.cert.fingerprint256;
      detail.validTo = err.cert.valid_to;
    }
    return new HearthError('CERT_UNTRUSTED', `The certificate of ${where} is not trusted (${code})`, { detail });
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new HearthError('CONNECTION_REFUSED', `Nothing is listening at ${where}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HearthError('HOST_NOT_FOUND', `The server name ${host} could not be resolved`);
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
    case 'CONNECT_TIMEOUT':
    case 'GREETING_TIMEOUT':
    case 'UPGRADE_TIMEOUT':
      return new HearthError('TIMEOUT', `${where} did not answer in time`);
  }
  if (context.tlsHandshake) {
    return new HearthError('TLS_FAILED', `A secure connection to ${where} could not be established: ${err.message ?? code}`);
  }
  switch (code) {
    case 'ECONNRESET':
    case 'EPIPE':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'NoConnection':
    case 'EConnectionClosed':
    case 'ClosedAfterConnectText':
    case 'ClosedAfterConnectTLS':
      return new HearthError('NETWORK', `The connection to ${where} failed (${code})`);
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /SSL|TLS/i.test(err.message ?? '')) {
    return new HearthError('TLS_FAILED', `A secure connection to ${where} could not be established: ${err.message ?? code}`);
  }
  if (code.startsWith('ParserError') || code === 'InvalidResponse') {
    return new HearthError('PROTOCOL', `${where} sent a response Hearth could not read: ${err.message ?? code}`);
  }
  if (serverSaid) return new HearthError('SERVER_ERROR', `${where}: ${String(serverSaid)}`, { response: String(serverSaid) });
  return new HearthError('NETWORK', `${where}: ${err.message ?? 'connection failed'}`);
}
