// The multi-line "n value" listing shared by LIST and UIDL, written in slices so a big maildrop
// does not become one huge string.
import type { MaildropEntry, Pop3Session } from '../session.ts';

export async function sendScanListing(session: Pop3Session, title: string, value: (m: MaildropEntry) => string): Promise<void> {
  session.ok(title);
  let out: string[] = [];
  for (let i = 0; i < session.messages.length; i++) {
    if (session.deleted.has(i + 1)) continue;
    out.push(`${i + 1} ${value(session.messages[i]!)}`);
    if (out.length >= 1000) {
      session.send(out.join('\r\n'));
      out = [];
    }
  }
  out.push('.');
  session.send(out.join('\r\n'));
}
