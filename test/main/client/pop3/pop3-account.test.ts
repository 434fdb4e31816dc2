// POP3 accounts against the real Dovecot POP3 server: download once (across cut connections and
// kill -9), leave on server, delete after N days (injected clock) and when deleted here, TLS both
// ways, a wrong password, a 20 MB message and broken MIME.
import { describe, expect, it } from 'vitest';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HearthServices, HearthServicesOptions } from '../../../../src/main/client/hearth-services.ts';
import { silentLogger } from '../../../../src/main/base/log.ts';
import type { Pop3Account } from '../../../../src/main/client/pop3/pop3-account.ts';
import { createDovecotUser, dovecot } from '../../../support/peers.ts';
import { corpusMessage } from '../../../support/corpus.ts';
import { rfc822 } from '../../../support/messages.ts';
import { deliverToDovecot, imaplib } from '../../../support/dovecot-mail.ts';
import { startTcpProxy } from '../../../support/tcp-proxy.ts';
import { startPop3TestServer } from '../../../support/pop3-test-server.ts';
import { callService, startServices } from '../../../support/services.ts';
import { closeAfterEach } from '../../../support/cleanup.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { sha256 } from '../../../support/bytes.ts';

const open = closeAfterEach();
const services = (dataDir: string, opts: Partial<HearthServicesOptions> = {}): HearthServices => open.add(startServices(dataDir, opts));

type Pop3Settings = { leaveOnServer?: boolean; deleteAfterDays?: number | null; deleteWhenDeletedHere?: boolean };
async function addPop3(
  s: HearthServices,
  user: string,
  password: string,
  port: number = dovecot.pop3Port,
  tls: 'plain' | 'starttls' | 'tls' = 'plain',
  pop3: Pop3Settings = {},
) {
  const a = await s.addAccount({
    name: 'P',
    email: `${user}@example.test`,
    incoming: {
      protocol: 'pop3',
      host: tls === 'plain' ? '127.0.0.1' : 'localhost',
      port,
      tls,
      user,
      password,
      auth: 'password',
      ...(tls === 'plain' ? {} : { caCert: readFileSync(dovecot.caCertPath, 'utf8') }),
      pop3: { leaveOnServer: true, deleteAfterDays: null, deleteWhenDeletedHere: true, checkEveryMinutes: 60, ...pop3 },
    },
  });
  const account = s.account(a.id) as Pop3Account;
  await account.sync().catch(() => {});
  return { id: a.id, account };
}

const inbox = (s: HearthServices, id: string) => s.cache.mailboxes.list(id).find((m) => m.specialUse === 'inbox')!;
const subjects = (s: HearthServices, id: string) =>
  s.cache.messages
    .page(inbox(s, id).id, 0, 1000)
    .messages.map((m) => m.subject)
    .sort();
const serverCount = (user: string, password: string) => Number(imaplib(user, password, `print(c.select('INBOX')[1][0].decode())`).trim().split('\n').pop());
const msg = (subject: string, body = `Body of ${subject}`) => rfc822({ from: 'Ann <ann@example.test>', to: 'me@example.test', subject, body });

describe('POP3 accounts against Dovecot', () => {
  it('downloads each message once, leaves it on the server, and shows it like IMAP mail', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [msg('one'), msg('two')]);
    const s = services(tempDir('pop3'));
    const { id, account } = await addPop3(s, user, password);
    expect(subjects(s, id)).toEqual(['one', 'two']);
    const one = s.cache.messages.page(inbox(s, id).id, 0, 10).messages.find((m) => m.subject === 'one')!;
    expect(one.from[0]!.address).toBe('ann@example.test');
    expect(one.snippet).toBe('Body of one');
    const body = await account.body(one.id);
    expect(body.text?.trim()).toBe('Body of one');
    expect(await account.source(one.id)).not.toContain('X-Hearth-POP3-UIDL');
    await deliverToDovecot(user, [msg('three')]);
    await account.sync();
    await account.sync();
    expect(subjects(s, id)).toEqual(['one', 'three', 'two']);
    expect(serverCount(user, password)).toBe(3);
  });

  it('deletes from the server after N days (injected clock) and when deleted here', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [msg('old'), msg('doomed')]);
    let now = Date.UTC(2026, 10, 1);
    const dataDir = tempDir('pop3-days');
    const s = services(dataDir);
    const a = await s.addAccount({
      name: 'P',
      email: `${user}@example.test`,
      incoming: {
        protocol: 'pop3',
        host: '127.0.0.1',
        port: dovecot.pop3Port,
        tls: 'plain',
        user,
        password,
        auth: 'password',
        pop3: { leaveOnServer: true, deleteAfterDays: 7, deleteWhenDeletedHere: true, checkEveryMinutes: 60 },
      },
    });
    // A Pop3Account with a clock of our own on the same store and cache.
    const { Pop3Account } = await import('../../../../src/main/client/pop3/pop3-account.ts');
    await (s.account(a.id) as Pop3Account).close();
    const account = new Pop3Account({
      accountId: a.id,
      email: `${user}@example.test`,
      settings: { host: '127.0.0.1', port: dovecot.pop3Port, tls: 'plain', user, password, auth: 'password' },
      dataDir,
      cache: s.cache,
      events: s.events,
      log: silentLogger,
      options: { deleteAfterDays: 7 },
      now: () => now,
    });
    open.add(account);
    await account.sync();
    expect(subjects(s, a.id)).toEqual(['doomed', 'old']);
    // Deleted here (to Trash): gone from the server at the next check.
    const doomed = s.cache.messages.page(inbox(s, a.id).id, 0, 10).messages.find((m) => m.subject === 'doomed')!;
    account.delete([doomed.id]);
    await account.settled();
    await account.sync();
    expect(serverCount(user, password)).toBe(1);
    now += 6 * 86_400_000;
    await account.sync();
    expect(serverCount(user, password)).toBe(1);
    now += 2 * 86_400_000;
    await account.sync();
    expect(serverCount(user, password)).toBe(0);
    expect(subjects(s, a.id)).toEqual(['old']); // still here
  });

  it('undoing a delete withdraws the deletion from the server ("delete when deleted here")', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [msg('kept'), msg('regretted')]);
    const s = services(tempDir('pop3-undo-delete'));
    const { id, account } = await addPop3(s, user, password);
    expect(subjects(s, id)).toEqual(['kept', 'regretted']);
    const regretted = s.cache.messages.page(inbox(s, id).id, 0, 10).messages.find((m) => m.subject === 'regretted')!;
    const deleted = await callService<{ undo: string[] }>(s, 'messages.delete', { messageIds: [regretted.id] });
    await account.settled();
    expect(subjects(s, id)).toEqual(['kept']);
    expect(await callService(s, 'messages.undo', { tokens: deleted.undo })).toEqual({ restored: 1 });
    await account.settled();
    expect(subjects(s, id)).toEqual(['kept', 'regretted']);
    // The next check leaves it on the server, and does not download it again.
    await account.sync();
    expect(serverCount(user, password)).toBe(2);
    expect(subjects(s, id)).toEqual(['kept', 'regretted']);
    // Deleted again (under its new local UID), it does go from the server.
    const back = s.cache.messages.page(inbox(s, id).id, 0, 10).messages.find((m) => m.subject === 'regretted')!;
    await callService(s, 'messages.delete', { messageIds: [back.id] });
    await account.settled();
    await account.sync();
    expect(serverCount(user, password)).toBe(1);
  });

  it('a connection cut mid-RETR leaves no duplicate: the retry downloads it once', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [msg('small'), msg('large', 'x'.repeat(70) + '\r\n'.repeat(1) + 'y'.repeat(400_000)), msg('last')]);
    const sw = open.add(await startTcpProxy({ host: '127.0.0.1', port: dovecot.pop3Port }));
    const s = services(tempDir('pop3-cut'));
    sw.cutAfter(150_000); // inside the large message
    const { id, account } = await addPop3(s, user, password, sw.port);
    expect(subjects(s, id).length).toBeLessThan(3);
    await account.sync();
    expect(subjects(s, id)).toEqual(['large', 'last', 'small']);
  });

  it('survives kill -9 right after a download is stored, and right after it is recorded', async () => {
    for (const when of ['afterStore', 'afterRecord'] as const) {
      const { user, password } = createDovecotUser();
      await deliverToDovecot(user, [msg('first'), msg('second')]);
      const dataDir = tempDir(`pop3-kill-${when}`);
      const s1 = services(dataDir, { pollIntervalMs: 3_600_000 });
      const a = await s1
        .addAccount({
          name: 'P',
          email: `${user}@example.test`,
          incoming: { protocol: 'pop3', host: '127.0.0.1', port: 1, tls: 'plain', user, password, auth: 'password' },
        })
        .catch(() => null);
      expect(a).toBeNull(); // (nothing listens on port 1: the account is not saved)
      const added = s1.addAccountUnchecked({
        name: 'P',
        email: `${user}@example.test`,
        incoming: { protocol: 'pop3', host: '127.0.0.1', port: dovecot.pop3Port, tls: 'plain', user, password, auth: 'password' },
      });
      await s1.close();
      open.forget(s1);
      const child = fork(path.join(import.meta.dirname, 'fixtures/pop3-kill-child.ts'), [dataDir, added.id, `${user}@example.test`, user, password, when], {
        stdio: 'ignore',
      });
      const signal = await new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, sig) => r(sig)));
      expect(signal).toBe('SIGKILL');
      const s2 = services(dataDir);
      await (s2.account(added.id) as Pop3Account).sync();
      const list = s2.cache.messages.page(inbox(s2, added.id).id, 0, 100).messages.map((m) => m.subject);
      expect(list.sort()).toEqual(['first', 'second']);
    }
  });

  it('speaks STLS and implicit TLS, and refuses a wrong password', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [msg('secure')]);
    const s = services(tempDir('pop3-tls'));
    const stls = await addPop3(s, user, password, dovecot.pop3Port, 'starttls');
    expect(subjects(s, stls.id)).toEqual(['secure']);
    const tls = await addPop3(s, user, password, dovecot.pop3sPort, 'tls');
    expect(subjects(s, tls.id)).toEqual(['secure']);
    await expect(
      s.addAccount({
        name: 'P',
        email: `${user}@example.test`,
        incoming: { protocol: 'pop3', host: '127.0.0.1', port: dovecot.pop3Port, tls: 'plain', user, password: 'wrong', auth: 'password' },
      }),
    ).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('keeps a 20 MB message byte for byte and lists broken MIME', async () => {
    const { user, password } = createDovecotUser();
    const big = Buffer.concat([
      Buffer.from('From: a@example.test\r\nSubject: big\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n'),
      Buffer.from(
        Buffer.alloc(15 * 1024 * 1024, 3)
          .toString('base64')
          .replace(/(.{76})/g, '$1\r\n'),
      ),
      Buffer.from('\r\n'),
    ]);
    await deliverToDovecot(user, [big, corpusMessage('malformed-000.eml')]);
    const s = services(tempDir('pop3-big'));
    const { id, account } = await addPop3(s, user, password);
    const list = s.cache.messages.page(inbox(s, id).id, 0, 10).messages;
    expect(list).toHaveLength(2);
    const bigRow = list.find((m) => m.subject === 'big')!;
    const stored = await account.source(bigRow.id);
    const server = Buffer.from(
      imaplib(user, password, `c.select('INBOX')\nimport hashlib\nprint(hashlib.sha256(c.fetch('1', '(BODY.PEEK[])')[1][0][1]).hexdigest())`)
        .trim()
        .split('\n')
        .pop()!,
    );
    expect(sha256(stored)).toBe(server.toString());
    const broken = list.find((m) => m.id !== bigRow.id)!;
    // Empty parts with a broken boundary: listed, and opening it gives what there is, no error.
    await expect(account.body(broken.id)).resolves.toMatchObject({ id: broken.id });
  });

  it('moves messages between local folders and IMAP folders, both ways', async () => {
    const pop = createDovecotUser();
    const imap = createDovecotUser();
    await deliverToDovecot(pop.user, [msg('from pop')]);
    await deliverToDovecot(imap.user, [msg('from imap')]);
    const s = services(tempDir('pop3-cross'), { idle: false, offlineBodies: false });
    const local = await addPop3(s, pop.user, pop.password);
    const remote = await s.addAccount({
      name: 'I',
      email: `${imap.user}@example.test`,
      incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user: imap.user, password: imap.password, auth: 'password' },
    });
    await s.account(remote.id).sync();
    expect(await s.dispatch('mailboxes.create', { accountId: local.id, name: 'Kept' })).toMatchObject({ ok: true });
    const kept = s.cache.mailboxes.list(local.id).find((m) => m.path === 'Kept')!;
    const junk = s.cache.mailboxes.list(remote.id).find((m) => m.path === 'Junk')!;
    const fromPop = s.cache.messages.page(inbox(s, local.id).id, 0, 10).messages[0]!;
    const fromImap = s.cache.messages.page(inbox(s, remote.id).id, 0, 10).messages[0]!;
    expect(await s.dispatch('messages.move', { messageIds: [fromPop.id], targetMailboxId: junk.id })).toMatchObject({ ok: true });
    expect(await s.dispatch('messages.move', { messageIds: [fromImap.id], targetMailboxId: kept.id })).toMatchObject({ ok: true });
    await s.account(remote.id).flush();
    await local.account.settled();
    expect(
      imaplib(imap.user, imap.password, `c.select('Junk')\nprint(c.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')[1][0][1].decode().strip())`),
    ).toContain('Subject: from pop');
    expect(serverCount(imap.user, imap.password)).toBe(0);
    expect(s.cache.messages.page(kept.id, 0, 10).messages.map((m) => m.subject)).toEqual(['from imap']);
    expect(subjects(s, local.id)).toEqual([]);
  });

  it('handles a server without UIDL: downloads each message once by deleting it there, and says so', async () => {
    const server = open.add(await startPop3TestServer({ options: { withoutCommands: ['UIDL'] } }));
    await server.deliver('alice@home.arpa', [msg('a'), msg('b')]);
    const s = services(tempDir('pop3-nouidl'));
    const notices: string[] = [];
    s.events.subscribe((e, p) => e === 'notice' && notices.push((p as { message: string }).message));
    const a = await s.addAccount({
      name: 'P',
      email: 'alice@home.arpa',
      incoming: {
        protocol: 'pop3',
        host: '127.0.0.1',
        port: server.plain.port,
        tls: 'plain',
        user: 'alice@home.arpa',
        password: 'alice-secret-pw',
        auth: 'password',
      },
    });
    const account = s.account(a.id) as Pop3Account;
    await account.sync();
    await account.sync();
    expect(subjects(s, a.id)).toEqual(['a', 'b']);
    expect(await server.inboxUids('alice@home.arpa')).toEqual([]);
    expect(notices.some((n) => /no UIDL/.test(n))).toBe(true);
  });
});
