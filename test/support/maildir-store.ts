// A MaildirStore per test, in a fresh temp folder, closed after the test; and a delivery the way
// the SMTP servers make one.
import { afterEach } from 'vitest';
import path from 'node:path';
import { MaildirStore } from '../../src/main/maildir/maildir-store.ts';
import type { DeliveredCopy } from '../../src/main/maildir/types.ts';
import { tempDir } from './temp-dir.ts';

/** Call once at the top of a test file: returns newStore(root?), whose stores are closed after each test. */
export function maildirStores(): (root?: string) => MaildirStore {
  const stores: MaildirStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => {});
  });
  return (root = path.join(tempDir(), 'mail')) => {
    const s = new MaildirStore({ root, hostname: 'test.host' });
    stores.push(s);
    return s;
  };
}

export async function deliver(store: MaildirStore, to: string[], raw: Buffer): Promise<DeliveredCopy[]> {
  const d = store.beginDelivery();
  for (const r of to) d.addRecipient(r);
  await d.body(raw);
  return d.commit();
}
