// The outbox's states follow the server's answer: once the SMTP server has accepted a message the
// account is free for the next one, even while the Sent copy of the first is still being filed
// (a slow or stuck IMAP server), and a message's Sent copy is filed once however often the loop
// runs meanwhile.
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../../../src/main/client/send/outbox.ts';
import { silentLogger } from '../../../../src/main/base/log.ts';
import type { ComposeMessage, OutboxItem } from '../../../../src/shared/api.ts';
import { createDovecotUser, smtpPeers } from '../../../support/peers.ts';
import { dovecotMessages } from '../../../support/dovecot-mail.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { pollUntil } from '../../../support/wait.ts';

let outbox: Outbox | null = null;
afterEach(async () => {
  await outbox?.close();
  outbox = null;
});

const message = (to: string, subject: string): ComposeMessage => ({
  accountId: 'acct',
  identity: 0,
  to,
  cc: '',
  bcc: '',
  subject,
  text: 'Hi',
  attachments: [],
  references: [],
});

describe('outbox states', () => {
  it('sends the next message while the Sent copy of the last one is still being filed, and files that copy once', async () => {
    const you = createDovecotUser();
    const changes: OutboxItem[][] = [];
    const appended: string[] = [];
    let fileCopies!: () => void;
    const slowSent = new Promise<void>((r) => (fileCopies = r));
    outbox = new Outbox({
      dataDir: tempDir('outbox-states'),
      log: silentLogger,
      account: () => ({
        identities: [{ name: 'Me', email: 'me@example.test' }],
        smtp: { host: '127.0.0.1', port: smtpPeers.accept, tls: 'plain' },
        providerStoresSent: false,
      }),
      attachmentOf: () => Promise.reject(new Error('no originals here')),
      appendToSent: async (_account, raw) => {
        appended.push(/^Subject: (.*)$/m.exec(raw.toString())![1]!.trim());
        await slowSent;
      },
      foundInSent: () => Promise.resolve(null),
      draftSent: () => {},
      markAnswered: () => {},
      observeRecipients: () => {},
      onChange: (items) => changes.push(items),
      holdMs: 0,
    });
    const stateOf = (subject: string) => changes.at(-1)?.find((i) => i.subject === subject)?.state;

    await outbox.send(message(`${you.user}@example.test`, 'First'));
    expect(
      await pollUntil(
        () => stateOf('First'),
        (s) => s === 'sent',
      ),
    ).toBe('sent');
    // The loop runs again while the copy waits (a kick when an account comes online does this).
    await Promise.race([outbox.tick(), new Promise((r) => setTimeout(r, 200))]);

    await outbox.send(message(`${you.user}@example.test`, 'Second'));
    // Before: "Second" waited behind the Sent copy of "First" and then for the 30 s poll.
    expect(
      await pollUntil(
        () => stateOf('Second'),
        (s) => s === 'sent',
        10_000,
      ),
    ).toBe('sent');
    expect((await dovecotMessages(you.user, you.password)).length).toBe(2);

    fileCopies();
    expect(
      await pollUntil(
        () => changes.at(-1)?.length,
        (n) => n === 0,
      ),
    ).toBe(0);
    expect(appended.sort()).toEqual(['First', 'Second']);
  });
});
