import { describe, it, expect, afterEach } from 'vitest';
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { deliverLocal } from '../../../src/main/maildir/deliver-local.ts';
import { MaildirStore } from '../../../src/main/maildir/maildir-store.ts';
import type { Delivery, MailStore } from '../../../src/main/maildir/types.ts';
import { tempDir } from '../../support/temp-dir.ts';

const message = Buffer.from('Subject: hi\r\n\r\nhello\r\n');

/** A store whose delivery records the calls made on it, and fails where told. */
function recordingStore(failAt?: 'body' | 'commit'): { store: MailStore; calls: string[] } {
  const calls: string[] = [];
  const delivery: Delivery = {
    addRecipient: (a) => void calls.push(`add ${a}`),
    body: async () => {
      calls.push('body');
      if (failAt === 'body') throw new Error('disk on fire');
    },
    commit: async () => {
      calls.push('commit');
      if (failAt === 'commit') throw new Error('fsync failed');
      return [];
    },
    abort: async () => void calls.push('abort'),
  };
  return { store: { beginDelivery: () => delivery } as unknown as MailStore, calls };
}

describe('deliverLocal', () => {
  it('adds every recipient, writes the body once, checks, then commits', async () => {
    const { store, calls } = recordingStore();
    await deliverLocal(store, ['a@h', 'b@h'], message, { beforeCommit: () => void calls.push('check') });
    expect(calls).toEqual(['add a@h', 'add b@h', 'body', 'check', 'commit']);
  });

  it('aborts and rethrows when the body, the check or the commit fails', async () => {
    const bodyFails = recordingStore('body');
    await expect(deliverLocal(bodyFails.store, ['a@h'], message)).rejects.toThrow('disk on fire');
    expect(bodyFails.calls).toEqual(['add a@h', 'body', 'abort']);
    const commitFails = recordingStore('commit');
    await expect(deliverLocal(commitFails.store, ['a@h'], message)).rejects.toThrow('fsync failed');
    expect(commitFails.calls).toEqual(['add a@h', 'body', 'commit', 'abort']);
    const { store, calls } = recordingStore();
    await expect(
      deliverLocal(store, ['a@h'], message, {
        beforeCommit: () => {
          throw new Error('too big');
        },
      }),
    ).rejects.toThrow('too big');
    expect(calls).toEqual(['add a@h', 'body', 'abort']);
  });

  describe('with the Maildir store', () => {
    let store: MaildirStore;
    afterEach(() => store.close());

    it('delivers to all recipients durably, or to none', async () => {
      const root = path.join(tempDir(), 'mail');
      store = new MaildirStore({ root, hostname: 'hearth.test' });
      const copies = await deliverLocal(store, ['alice@home.arpa', 'bob@home.arpa'], Readable.from([message]));
      expect(copies.map((c) => [c.address, c.mailbox, c.uid])).toEqual([
        ['alice@home.arpa', 'INBOX', 1],
        ['bob@home.arpa', 'INBOX', 1],
      ]);
      await expect(
        deliverLocal(store, ['alice@home.arpa', 'bob@home.arpa'], message, {
          beforeCommit: () => {
            throw new Error('refused');
          },
        }),
      ).rejects.toThrow('refused');
      for (const user of ['alice@home.arpa', 'bob@home.arpa']) {
        const inbox = await (await store.user(user)).openMailbox('INBOX');
        expect((await inbox.listMessages()).map((m) => m.uid)).toEqual([1]);
      }
      // nothing left in tmp/ by the aborted delivery
      const leftovers = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && path.basename(e.parentPath) === 'tmp');
      expect(leftovers).toEqual([]);
    });
  });
});
