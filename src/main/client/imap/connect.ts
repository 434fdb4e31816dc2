// Opens an authenticated imapflow connection for an account's incoming settings.
import { isIP } from 'node:net';
import { ImapFlow } from 'imapflow';
import { syncLimits } from '../../base/limits.ts';
import { assertPlaintextAllowed, toNetworkError } from '../../base/net.ts';
import { probeCertificate } from '../../base/tls-probe.ts';
import { trustOptions } from '../../base/tls-trust.ts';
import type { IncomingSettings } from '../mail-account.ts';

export interface ImapClientOptions {
  /** Use QRESYNC where offered (default true); off exercises the CONDSTORE path, or works around a broken server. */
  qresync?: boolean;
}

export function createImapClient(s: IncomingSettings, opts: ImapClientOptions = {}): ImapFlow {
  assertPlaintextAllowed(s.host, s.tls);
  return new ImapFlow({
    host: s.host,
    port: s.port,
    secure: s.tls === 'tls',
    // 'starttls' must upgrade or fail: never fall back to sending the password in clear.
    doSTARTTLS: s.tls === 'starttls' ? true : s.tls === 'plain' ? false : undefined,
    auth: s.auth === 'xoauth2' ? { user: s.user, accessToken: s.password } : { user: s.user, pass: s.password },
    logger: false,
    disableAutoIdle: true,
    // QRESYNC (RFC 7162) when the server has it: a resync is one SELECT per folder.
    qresync: opts.qresync !== false,
    maxIdleTime: syncLimits.idleRestartMs,
    socketTimeout: syncLimits.socketTimeoutMs,
    connectionTimeout: syncLimits.connectTimeoutMs,
    greetingTimeout: syncLimits.connectTimeoutMs,
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...trustOptions(s), ...(isIP(s.host) ? {} : { servername: s.host }) },
  });
}

/** Connects and logs in, mapping every failure to a HearthError with a clear message. */
export async function connectImap(s: IncomingSettings, opts: ImapClientOptions = {}): Promise<ImapFlow> {
  const client = createImapClient(s, opts);
  // imapflow emits 'error' on socket failures after connect; without a listener that would crash main.
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (e) {
    client.close();
    const err = toNetworkError(e, s.host, s.port);
    if (err.code === 'CERT_UNTRUSTED') {
      const cert = await probeCertificate(s.host, s.port, s.tls === 'starttls' ? 'imap' : null);
      if (cert) {
        const { pem: _pem, ...shown } = cert;
        Object.assign(err.detail ?? {}, shown);
      }
    }
    throw err;
  }
}

/** Logs in once and out again: an account is saved only after its server accepted the login. */
export async function checkImapLogin(s: IncomingSettings): Promise<void> {
  const probe = await connectImap(s);
  await probe.logout().catch(() => probe.close());
}
