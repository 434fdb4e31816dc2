// Connecting to an account's POP3 server from its incoming settings.
import type { Logger } from '../../base/log.ts';
import { assertPlaintextAllowed } from '../../base/net.ts';
import type { IncomingSettings } from '../mail-account.ts';
import { Pop3Client, type Pop3ClientOptions } from './client.ts';

/** The client options for an account's settings ('plain' is the client's 'none': loopback only). */
export function pop3ClientOptions(s: IncomingSettings, log?: Logger): Pop3ClientOptions {
  return {
    host: s.host,
    port: s.port,
    security: s.tls === 'plain' ? 'none' : s.tls,
    ...(s.caCert ? { ca: s.caCert } : {}),
    ...(s.trustedFingerprint256 ? { trustedFingerprint256: s.trustedFingerprint256 } : {}),
    ...(log ? { log } : {}),
  };
}

/** Logs in once and out again: an account is saved only after its server accepted the login. */
export async function checkPop3Login(s: IncomingSettings): Promise<void> {
  assertPlaintextAllowed(s.host, s.tls);
  const client = await Pop3Client.connect(pop3ClientOptions(s));
  try {
    await client.login(s.user, s.password);
    await client.quit();
  } finally {
    client.close();
  }
}
