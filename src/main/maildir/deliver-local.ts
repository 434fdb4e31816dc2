// Local delivery as one store transaction, the one way every server listener puts a message into
// local mailboxes (inbound SMTP, the relay's local recipients, the demo mailbox).
import type { Readable } from 'node:stream';
import type { DeliveredCopy, MailStore } from './types.ts';

export interface DeliverLocalOptions {
  /** Runs once the body is written and before commit; throwing aborts the delivery (e.g. a size limit found exceeded). */
  beforeCommit?: () => void;
}

/**
 * Delivers `content` to every one of `recipients` (local user addresses) or to none: the body is
 * written once, and on any failure (body, beforeCommit, commit) the delivery is aborted, leaving
 * nothing behind, and the error is rethrown. Resolves only when the message is durable in every
 * mailbox (Delivery.commit), so a caller answers 250 after it and not before.
 */
export async function deliverLocal(
  store: MailStore,
  recipients: Iterable<string>,
  content: Readable | Buffer,
  opts: DeliverLocalOptions = {},
): Promise<DeliveredCopy[]> {
  const delivery = store.beginDelivery();
  try {
    for (const r of recipients) delivery.addRecipient(r);
    await delivery.body(content);
    opts.beforeCommit?.();
    return await delivery.commit();
  } catch (err) {
    await delivery.abort().catch(() => {});
    throw err;
  }
}
