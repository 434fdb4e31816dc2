// Undo of move and delete against a real Dovecot: the messages come back to their folder, on the
// server and in main's cache, and only the ones the action moved (a copy that was in the target
// before stays there); a token is used once. Offline, a move still queued is taken back without
// ever reaching the server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HearthServices } from '../../../src/main/client/hearth-services.ts';
import { createDovecotUser, dovecot } from '../../support/peers.ts';
import { rfc822 } from '../../support/messages.ts';
import { deliverToDovecot, dovecotMessages, putIntoDovecotMaildir } from '../../support/dovecot-mail.ts';
import { callService, startServices } from '../../support/services.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { startTcpProxy } from '../../support/tcp-proxy.ts';
import type { MessageSummary } from '../../../src/shared/api.ts';

let services: HearthServices;

beforeEach(() => {
  services = startServices(tempDir('undo'));
});
afterEach(async () => {
  await services.close();
});

const call = <T>(method: string, args: unknown): Promise<T> => callService<T>(services, method, args);

const subjects = async (mailboxId: number) =>
  (await call<{ messages: MessageSummary[] }>('messages.page', { mailboxId, limit: 500 })).messages.map((m) => m.subject).sort();

describe('undo of move and delete', () => {
  it('moves messages back from the target and from Trash, leaving what was there before', async () => {
    const { user, password } = createDovecotUser();
    const mail = (subject: string, messageId?: string) =>
      Buffer.from(
        messageId
          ? rfc822({ from: 'ann@example.test', to: 'me@example.test', subject, body: subject, messageId, date: new Date('2026-11-01T10:00:00Z') })
          : `From: ann@example.test\r\nSubject: ${subject}\r\nDate: Sun, 01 Nov 2026 11:00:00 +0000\r\n\r\nno id\r\n`,
      );
    putIntoDovecotMaildir(user, [mail('Alpha', '<a@t>'), mail('Beta', '<b@t>'), mail('Gamma')]);
    // The target already holds a copy of Alpha: undo must leave it there.
    putIntoDovecotMaildir(user, [mail('Alpha', '<a@t>')], 'Keep');
    const { id: accountId } = await call<{ id: string }>('accounts.add', {
      name: 'Me',
      email: `${user}@example.test`,
      incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user, password },
    });
    await call('sync.now', { accountId });
    const boxes = await call<{ id: number; path: string }[]>('mailboxes.list', { accountId });
    const inbox = boxes.find((b) => b.path === 'INBOX')!.id;
    const keep = boxes.find((b) => b.path === 'Keep')!.id;
    const trash = boxes.find((b) => b.path === 'Trash')!.id;
    const ids = (await call<{ messages: MessageSummary[] }>('messages.page', { mailboxId: inbox })).messages.map((m) => m.id);
    expect(ids).toHaveLength(3);

    const moved = await call<{ undo: string[] }>('messages.move', { messageIds: ids, targetMailboxId: keep });
    expect(moved.undo).toHaveLength(1);
    expect(await subjects(inbox)).toEqual([]);
    expect(await call('messages.undo', { tokens: moved.undo })).toEqual({ restored: 3 });
    expect(await subjects(inbox)).toEqual(['Alpha', 'Beta', 'Gamma']);
    expect(await subjects(keep)).toEqual(['Alpha']);
    expect((await dovecotMessages(user, password, 'INBOX')).length).toBe(3);
    expect((await dovecotMessages(user, password, 'Keep')).length).toBe(1);
    // Used once.
    await expect(call('messages.undo', { tokens: moved.undo })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Delete goes to Trash and comes back from there; deleting in Trash cannot be undone.
    const beta = (await call<{ messages: MessageSummary[] }>('messages.page', { mailboxId: inbox })).messages.find((m) => m.subject === 'Beta')!;
    const deleted = await call<{ undo: string[] }>('messages.delete', { messageIds: [beta.id] });
    expect(await call('messages.undo', { tokens: deleted.undo })).toEqual({ restored: 1 });
    expect(await subjects(inbox)).toEqual(['Alpha', 'Beta', 'Gamma']);
    expect(await subjects(trash)).toEqual([]);
    expect((await dovecotMessages(user, password, 'Trash')).length).toBe(0);

    const gamma = (await call<{ messages: MessageSummary[] }>('messages.page', { mailboxId: inbox })).messages.find((m) => m.subject === 'Gamma')!;
    await call('messages.delete', { messageIds: [gamma.id] });
    await call('sync.now', { accountId });
    const inTrash = (await call<{ messages: MessageSummary[] }>('messages.page', { mailboxId: trash })).messages;
    expect(inTrash.map((m) => m.subject)).toEqual(['Gamma']);
    expect(await call('messages.delete', { messageIds: [inTrash[0]!.id] })).toEqual({ ok: true, undo: [] });
  });

  it('offline, takes a queued move back out of the queue: nothing reaches the server', async () => {
    const { user, password } = createDovecotUser();
    putIntoDovecotMaildir(user, [
      rfc822({ from: 'ann@example.test', to: 'me@example.test', subject: 'One', body: '1', messageId: '<one@t>' }),
      rfc822({ from: 'ann@example.test', to: 'me@example.test', subject: 'Two', body: '2', messageId: '<two@t>' }),
    ]);
    const net = await startTcpProxy({ host: '127.0.0.1', port: dovecot.imapPort });
    try {
      const { id: accountId } = await call<{ id: string }>('accounts.add', {
        name: 'Me',
        email: `${user}@example.test`,
        incoming: { protocol: 'imap', host: '127.0.0.1', port: net.port, tls: 'plain', user, password },
      });
      await call('sync.now', { accountId });
      const boxes = await call<{ id: number; path: string }[]>('mailboxes.list', { accountId });
      const inbox = boxes.find((b) => b.path === 'INBOX')!.id;
      const ids = (await call<{ messages: MessageSummary[] }>('messages.page', { mailboxId: inbox })).messages.map((m) => m.id);

      net.setOnline(false);
      const deleted = await call<{ undo: string[] }>('messages.delete', { messageIds: ids });
      expect(await subjects(inbox)).toEqual([]);
      expect(await call('messages.undo', { tokens: deleted.undo })).toEqual({ restored: 2 });
      expect(await subjects(inbox)).toEqual(['One', 'Two']);
      const page = await call<{ messages: MessageSummary[] }>('messages.page', { mailboxId: inbox });
      expect(page.messages.map((m) => m.messageId).sort()).toEqual(['<one@t>', '<two@t>']);

      // Back online: the queue holds nothing of it, the server never saw the delete.
      net.setOnline(true);
      await call('sync.now', { accountId });
      expect(await subjects(inbox)).toEqual(['One', 'Two']);
      expect((await dovecotMessages(user, password, 'INBOX')).length).toBe(2);
      expect((await dovecotMessages(user, password, 'Trash')).length).toBe(0);
    } finally {
      await net.close();
    }
  });

  it('puts a POP3 account’s deleted messages back from its local Trash', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [
      rfc822({ from: 'ann@example.test', to: 'me@example.test', subject: 'Kept', body: 'k' }),
      rfc822({ from: 'ann@example.test', to: 'me@example.test', subject: 'Binned', body: 'b' }),
    ]);
    const { id: accountId } = await call<{ id: string }>('accounts.add', {
      name: 'Pop',
      email: `${user}@example.test`,
      incoming: {
        protocol: 'pop3',
        host: '127.0.0.1',
        port: dovecot.pop3Port,
        tls: 'plain',
        user,
        password,
        pop3: { leaveOnServer: true, deleteAfterDays: null, deleteWhenDeletedHere: false, checkEveryMinutes: 60 },
      },
    });
    await call('sync.now', { accountId });
    const boxes = await call<{ id: number; path: string; specialUse: string | null }[]>('mailboxes.list', { accountId });
    const inbox = boxes.find((b) => b.specialUse === 'inbox')!.id;
    const trash = boxes.find((b) => b.specialUse === 'trash')!.id;
    expect(await subjects(inbox)).toEqual(['Binned', 'Kept']);
    const binned = (await call<{ messages: MessageSummary[] }>('messages.page', { mailboxId: inbox })).messages.find((m) => m.subject === 'Binned')!;
    const deleted = await call<{ undo: string[] }>('messages.delete', { messageIds: [binned.id] });
    expect(deleted.undo).toHaveLength(1);
    expect(await subjects(inbox)).toEqual(['Kept']);
    expect(await call('messages.undo', { tokens: deleted.undo })).toEqual({ restored: 1 });
    expect(await subjects(inbox)).toEqual(['Binned', 'Kept']);
    expect(await subjects(trash)).toEqual([]);
  });
});
