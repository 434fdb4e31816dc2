// Putting mail into a MaildirStore the way the SMTP server does: one delivery, any recipients.
import type { MaildirStore } from '../../src/main/maildir/maildir-store.ts';

export async function deliverToStore(store: MaildirStore, recipients: string[], raw: Buffer) {
  const d = store.beginDelivery();
  for (const r of recipients) d.addRecipient(r);
  await d.body(raw);
  return d.commit();
}
