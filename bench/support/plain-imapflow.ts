// An imapflow client for a bench: plain IMAP on loopback (no STARTTLS), silent.
import { ImapFlow } from 'imapflow';

export function plainImapflow(port: number, user: string, pass: string, extra: Partial<ConstructorParameters<typeof ImapFlow>[0]> = {}): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    doSTARTTLS: false,
    auth: { user, pass },
    logger: false,
    ...extra,
  } as ConstructorParameters<typeof ImapFlow>[0]);
}
