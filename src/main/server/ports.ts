// The household server's listeners by name, with their default ports and TLS mode. A module of
// its own so `hearth help` (cli.ts) can show the ports without loading the listeners.

export type ListenerName = 'smtp' | 'imap' | 'imaps' | 'pop3' | 'pop3s' | 'submission' | 'submissions';

/** Default ports: non-privileged, loopback. (A real MX uses 25/143/993/110/995/587/465.) */
export const DEFAULT_PORTS: Record<ListenerName, number> = {
  smtp: 2525,
  imap: 1143,
  imaps: 1993,
  pop3: 1110,
  pop3s: 1995,
  submission: 1587,
  submissions: 1465,
};

/** true = TLS from the first byte (RFC 8314); false = plain with STARTTLS/STLS. */
export const IMPLICIT_TLS: Record<ListenerName, boolean> = {
  smtp: false,
  imap: false,
  imaps: true,
  pop3: false,
  pop3s: true,
  submission: false,
  submissions: true,
};
