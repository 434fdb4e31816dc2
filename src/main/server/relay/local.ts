// Local delivery for the relay: recipients in a household domain go straight into the mailbox
// store as one delivery transaction per recipient (deliverLocal), with a Return-Path for the
// envelope sender.
import { Readable } from 'node:stream';
import type { MailStore } from '../../maildir/types.ts';
import { deliverLocal } from '../../maildir/deliver-local.ts';
import type { UserDirectory } from '../users/types.ts';
import { isHearthError } from '../../../shared/errors.ts';
import { domainOf } from '../../mail/addresses.ts';
import type { LocalDelivery, LocalDeliveryResult } from './types.ts';

export function storeLocalDelivery(store: MailStore, users: UserDirectory): LocalDelivery {
  return {
    isLocal: (address) => users.isLocalDomain(domainOf(address)),
    async deliver(recipient, from, body): Promise<LocalDeliveryResult> {
      const targets = await users.resolveRecipient(recipient);
      if (!targets || !targets.length) return { ok: false, permanent: true, reply: `550 5.1.1 <${recipient}>: no such user here` };
      try {
        const returnPath = Buffer.from(`Return-Path: <${from}>\r\n`);
        const message = Readable.from(
          (async function* () {
            yield returnPath;
            yield* body();
          })(),
        );
        await deliverLocal(store, targets, message);
        return { ok: true };
      } catch (err) {
        if (isHearthError(err) && err.code === 'QUOTA') return { ok: false, permanent: false, reply: `452 4.2.2 <${recipient}>: mailbox full` };
        return { ok: false, permanent: false, reply: `451 4.3.0 <${recipient}>: local delivery failed (${(err as Error).message})` };
      }
    },
  };
}
