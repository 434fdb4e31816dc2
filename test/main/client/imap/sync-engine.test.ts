// The IMAP sync engine against a real Dovecot, with python imaplib as "another mail client" and a
// switchable loopback relay standing in for the network going away.
import { describe, expect, it } from 'vitest';
import type { HearthServices, HearthServicesOptions } from '../../../../src/main/client/hearth-services.ts';
import { PendingOps } from '../../../../src/main/client/cache/pending-ops.ts';
import type { EventOf } from '../../../../src/shared/api.ts';
import { createDovecotUser, dovecot } from '../../../support/peers.ts';
import { rfc822 } from '../../../support/messages.ts';
import { deliverToDovecot, imaplib, putIntoDovecotMaildir } from '../../../support/dovecot-mail.ts';
import { startTcpProxy, type TcpProxy } from '../../../support/tcp-proxy.ts';
import { startServices } from '../../../support/services.ts';
import { closeAfterEach } from '../../../support/cleanup.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import MailComposer from 'nodemailer/lib/mail-composer';
import { syncLimits } from '../../../../src/main/base/limits.ts';

const open = closeAfterEach();
const services = (dataDir: string, opts: Partial<HearthServicesOptions> = {}): HearthServices => open.add(startServices(dataDir, opts));

/** A switchable loopback proxy in front of Dovecot's IMAP port: the network going away and back. */
async function netSwitch(): Promise<TcpProxy> {
  return open.add(await startTcpProxy({ host: '127.0.0.1', port: dovecot.imapPort }));
}

async function addAccount(s: HearthServices, user: string, password: string, port = dovecot.imapPort): Promise<string> {
  const a = await s.addAccount({
    name: 'T',
    email: `${user}@example.test`,
    incoming: { protocol: 'imap', host: '127.0.0.1', port, tls: 'plain', user, password, auth: 'password' },
  });
  await s.account(a.id).sync();
  return a.id;
}

function folder(s: HearthServices, accountId: string, p: string) {
  const mb = s.cache.mailboxes.list(accountId).find((m) => m.path === p);
  if (!mb) throw new Error(`no folder ${p}`);
  return mb;
}

function messages(s: HearthServices, accountId: string, p: string) {
  return s.cache.messages.page(folder(s, accountId, p).id, 0, 5000).messages;
}

const msg = (subject: string, extra: Partial<Parameters<typeof rfc822>[0]> = {}) =>
  rfc822({ from: 'Ann <ann@example.test>', to: 'me@example.test', subject, body: `Body of ${subject}`, ...extra });

/** FLAGS of every message in a folder as another client sees them: subject -> flags. */
function serverFlags(user: string, password: string, box: string): Record<string, string> {
  const out = imaplib(
    user,
    password,
    `typ, _ = c.select(${JSON.stringify(box)})
typ, data = c.fetch('1:*', '(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
res = {}
for item in data:
    if isinstance(item, tuple):
        flags = ' '.join(f for f in item[0].decode().split('FLAGS (')[1].split(')')[0].split() if f != '\\\\Recent')
        subj = item[1].decode().strip().split(': ', 1)[1] if item[1].strip() else ''
        res[subj] = flags
print(json.dumps(res))`,
  );
  return JSON.parse(out.trim().split('\n').pop() || '{}') as Record<string, string>;
}

describe('IMAP sync engine against Dovecot', () => {
  it('sees another client’s changes with QRESYNC, and that client sees Hearth’s', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [msg('one'), msg('two'), msg('three')]);
    const s = services(tempDir('sync'), { idle: false });
    const id = await addAccount(s, user, password);
    expect(
      messages(s, id, 'INBOX')
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['one', 'three', 'two']);

    imaplib(
      user,
      password,
      `c.select('INBOX')
typ, data = c.search(None, 'SUBJECT', '"one"')
c.store(data[0], '+FLAGS', '\\\\Flagged')
typ, data = c.search(None, 'SUBJECT', '"two"')
c.store(data[0], '+FLAGS', '\\\\Deleted')
c.expunge()
c.append('INBOX', None, None, b'From: x@example.test\\r\\nSubject: from imaplib\\r\\n\\r\\nhello\\r\\n')`,
    );
    await s.account(id).sync();
    expect(s.account(id).lastSyncMode.get('INBOX')).toBe('qresync');
    const after = messages(s, id, 'INBOX');
    expect(after.map((m) => m.subject).sort()).toEqual(['from imaplib', 'one', 'three']);
    expect(after.find((m) => m.subject === 'one')!.flags).toContain('\\Flagged');

    // Hearth's actions: they show in the cache at once and reach the server.
    const one = after.find((m) => m.subject === 'one')!;
    const three = after.find((m) => m.subject === 'three')!;
    const fromImaplib = after.find((m) => m.subject === 'from imaplib')!;
    s.account(id).setFlags([one.id], ['\\Seen'], ['\\Flagged']);
    s.account(id).move([three.id], folder(s, id, 'Junk'));
    s.account(id).delete([fromImaplib.id]);
    expect(s.cache.messages.get(one.id)!.flags).toEqual(['\\Seen']);
    expect(messages(s, id, 'INBOX').map((m) => m.subject)).toEqual(['one']);
    await s.account(id).flush();
    expect(serverFlags(user, password, 'INBOX')).toEqual({ one: '\\Seen' });
    expect(Object.keys(serverFlags(user, password, 'Junk'))).toEqual(['three']);
    expect(Object.keys(serverFlags(user, password, 'Trash'))).toEqual(['from imaplib']);
    // The moved messages arrive in their new folders with their new UIDs.
    expect(messages(s, id, 'Junk').map((m) => m.subject)).toEqual(['three']);
    expect(messages(s, id, 'Trash').map((m) => m.subject)).toEqual(['from imaplib']);
  });

  it('resyncs unchanged folders with one LIST and one EXAMINE each, touching nothing; counts follow changes', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [msg('one'), msg('two')]);
    putIntoDovecotMaildir(user, [msg('w1'), msg('w2'), msg('w3')], 'Work');
    const net = await netSwitch();
    const s = services(tempDir('resync'), { idle: false, offlineBodies: false, searchText: false });
    const id = await addAccount(s, user, password, net.port);
    // The first listing asks the server for every folder's counts (STATUS): nothing is synced yet.
    expect(net.clientBytes().toString('latin1')).toMatch(/ LIST .*STATUS \(MESSAGES UNSEEN\)/);
    expect(folder(s, id, 'Work')).toMatchObject({ total: 3, unseen: 3 });
    const sentBefore = net.clientBytes().length;
    const seqBefore = s.cache.lastSeq();
    await s.account(id).sync();
    const commands = net
      .clientBytes()
      .subarray(sentBefore)
      .toString('latin1')
      .split('\r\n')
      .filter(Boolean)
      .map((line) => line.split(' ').slice(1, 2).join(' '));
    const folders = s.cache.mailboxes.list(id).length;
    expect(folders).toBeGreaterThanOrEqual(2);
    expect(commands.sort()).toEqual(['LIST', ...Array<string>(folders).fill('EXAMINE')].sort());
    expect(net.clientBytes().subarray(sentBefore).toString('latin1')).not.toContain('STATUS');
    // Nothing changed, so no folder or message goes to the journal (only the account's state moved).
    expect(s.cache.changesSince(seqBefore, 100).changes.filter((c) => c.kind !== 'account')).toEqual([]);
    // Another client reads one message in Work and adds one to INBOX: the counts follow from the cache.
    imaplib(
      user,
      password,
      `c.select('Work')
typ, data = c.search(None, 'SUBJECT', '"w2"')
c.store(data[0], '+FLAGS', '\\\\Seen')
c.append('INBOX', None, None, b'From: x@example.test\\r\\nSubject: three\\r\\n\\r\\nhello\\r\\n')`,
    );
    await s.account(id).sync();
    expect(folder(s, id, 'Work')).toMatchObject({ total: 3, unseen: 2 });
    expect(folder(s, id, 'INBOX')).toMatchObject({ total: 3, unseen: 3 });
  });

  it('resyncs with CONDSTORE alone when QRESYNC is not used', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [msg('one'), msg('two'), msg('three')]);
    const s = services(tempDir('condstore'), { idle: false, offlineBodies: false, qresync: false });
    const id = await addAccount(s, user, password);
    expect(s.account(id).lastSyncMode.get('INBOX')).toBe('full');
    await s.account(id).sync();
    expect(s.account(id).lastSyncMode.get('INBOX')).toBe('condstore');
    imaplib(
      user,
      password,
      `c.select('INBOX')
typ, data = c.search(None, 'SUBJECT', '"one"')
c.store(data[0], '+FLAGS', '\\\\Answered')
typ, data = c.search(None, 'SUBJECT', '"two"')
c.store(data[0], '+FLAGS', '\\\\Deleted')
c.expunge()
c.append('INBOX', None, None, b'Subject: four\\r\\n\\r\\nx\\r\\n')`,
    );
    await s.account(id).sync();
    expect(s.account(id).lastSyncMode.get('INBOX')).toBe('condstore');
    const after = messages(s, id, 'INBOX');
    expect(after.map((m) => m.subject).sort()).toEqual(['four', 'one', 'three']);
    expect(after.find((m) => m.subject === 'one')!.flags).toEqual(['\\Answered']);
  });

  it('copies a message (queued like every action) and archives into the Archive folder', async () => {
    const { user, password } = createDovecotUser();
    imaplib(user, password, `c.create('Archive')`);
    await deliverToDovecot(user, [msg('keep a copy'), msg('file away')]);
    const s = services(tempDir('copy'), { idle: false, offlineBodies: false });
    const id = await addAccount(s, user, password);
    const list = messages(s, id, 'INBOX');
    s.account(id).copy([list.find((m) => m.subject === 'keep a copy')!.id], folder(s, id, 'Junk'));
    // Dovecot's Archive has no \Archive flag here: imapflow recognises it by name.
    expect(folder(s, id, 'Archive').specialUse).toBe('archive');
    s.account(id).archive([list.find((m) => m.subject === 'file away')!.id]);
    await s.account(id).flush();
    expect(Object.keys(serverFlags(user, password, 'INBOX'))).toEqual(['keep a copy']);
    expect(Object.keys(serverFlags(user, password, 'Junk'))).toEqual(['keep a copy']);
    expect(Object.keys(serverFlags(user, password, 'Archive'))).toEqual(['file away']);
    expect(messages(s, id, 'Archive').map((m) => m.subject)).toEqual(['file away']);
  });

  it('keeps actions made offline across a restart and replays them exactly once', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [msg('read me'), msg('junk me'), msg('trash me'), msg('keep')]);
    const sw = await netSwitch();
    const dataDir = tempDir('offline');
    const s1 = services(dataDir, { idle: false });
    const id = await addAccount(s1, user, password, sw.port);
    const bySubject = (s: HearthServices) => new Map(messages(s, id, 'INBOX').map((m) => [m.subject, m]));
    const inbox = bySubject(s1);

    sw.setOnline(false);
    s1.account(id).setFlags([inbox.get('read me')!.id], ['\\Seen'], []);
    s1.account(id).move([inbox.get('junk me')!.id], folder(s1, id, 'Junk'));
    s1.account(id).delete([inbox.get('trash me')!.id]);
    await expect(s1.account(id).flush()).rejects.toThrow();
    expect(s1.cache.accounts.list().find((a) => a.id === id)!.state).toBe('offline');
    // The cache shows the user's actions while offline.
    expect([...bySubject(s1).keys()].sort()).toEqual(['keep', 'read me']);
    expect(bySubject(s1).get('read me')!.flags).toEqual(['\\Seen']);
    expect(new PendingOps(s1.cache).count(id)).toBe(3);
    await s1.close();
    open.forget(s1);

    // Nothing reached the server while offline.
    expect(Object.keys(serverFlags(user, password, 'INBOX')).sort()).toEqual(['junk me', 'keep', 'read me', 'trash me']);

    sw.setOnline(true);
    const s2 = services(dataDir, { idle: false });
    await s2.account(id).sync();
    expect(new PendingOps(s2.cache).count(id)).toBe(0);
    expect(serverFlags(user, password, 'INBOX')).toEqual({ keep: '', 'read me': '\\Seen' });
    expect(Object.keys(serverFlags(user, password, 'Junk'))).toEqual(['junk me']);
    expect(Object.keys(serverFlags(user, password, 'Trash'))).toEqual(['trash me']);
    // Once: another sync and flush change nothing more.
    await s2.account(id).flush();
    await s2.account(id).sync();
    expect(Object.keys(serverFlags(user, password, 'Junk'))).toEqual(['junk me']);
    expect([...bySubject(s2).keys()].sort()).toEqual(['keep', 'read me']);
  });

  it('drops an offline action whose message vanished meanwhile, with a notice, touching nothing else', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [msg('doomed'), msg('bystander')]);
    const sw = await netSwitch();
    const s = services(tempDir('vanish'), { idle: false });
    const id = await addAccount(s, user, password, sw.port);
    const notices: EventOf<'notice'>[] = [];
    s.events.subscribe((e, p) => e === 'notice' && notices.push(p as EventOf<'notice'>));
    const doomed = messages(s, id, 'INBOX').find((m) => m.subject === 'doomed')!;
    sw.setOnline(false);
    s.account(id).setFlags([doomed.id], ['\\Flagged'], []);
    await s
      .account(id)
      .flush()
      .catch(() => {});
    imaplib(
      user,
      password,
      `c.select('INBOX')
typ, data = c.search(None, 'SUBJECT', '"doomed"')
c.store(data[0], '+FLAGS', '\\\\Deleted')
c.expunge()
c.append('INBOX', None, None, b'From: x@example.test\\r\\nSubject: newcomer\\r\\n\\r\\nhello\\r\\n')`,
    );
    sw.setOnline(true);
    await s.account(id).sync();
    expect(new PendingOps(s.cache).count(id)).toBe(0);
    expect(notices.some((n) => /changed on the server/.test(n.message))).toBe(true);
    expect(serverFlags(user, password, 'INBOX')).toEqual({ bystander: '', newcomer: '' });
    expect(
      messages(s, id, 'INBOX')
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['bystander', 'newcomer']);
  });

  it('drops a folder’s cache and refetches it when its UIDVALIDITY changes', async () => {
    const { user, password } = createDovecotUser();
    imaplib(
      user,
      password,
      `c.create('Project')
c.append('Project', None, None, b'Subject: old 1\\r\\n\\r\\nx\\r\\n')
c.append('Project', None, None, b'Subject: old 2\\r\\n\\r\\nx\\r\\n')`,
    );
    const s = services(tempDir('uidv'), { idle: false });
    const id = await addAccount(s, user, password);
    expect(
      messages(s, id, 'Project')
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['old 1', 'old 2']);
    const before = folder(s, id, 'Project').uidValidity;
    imaplib(
      user,
      password,
      `c.delete('Project')
c.create('Project')
c.append('Project', None, None, b'Subject: new 1\\r\\n\\r\\nx\\r\\n')`,
    );
    await s.account(id).sync();
    expect(folder(s, id, 'Project').uidValidity).not.toBe(before);
    expect(messages(s, id, 'Project').map((m) => m.subject)).toEqual(['new 1']);
  });

  it('resumes a first sync cut off mid-transfer without duplicates or losses', async () => {
    const { user, password } = createDovecotUser();
    const total = 1200; // three header batches
    putIntoDovecotMaildir(
      user,
      Array.from({ length: total }, (_, i) => msg(`bulk ${i}`, { date: new Date(Date.UTC(2026, 0, 1) + i * 60_000) })),
    );
    const sw = await netSwitch();
    const s = services(tempDir('cut'), { idle: false, offlineBodies: false });
    const a = await s.addAccount({
      name: 'T',
      email: `${user}@example.test`,
      incoming: { protocol: 'imap', host: '127.0.0.1', port: sw.port, tls: 'plain', user, password, auth: 'password' },
    });
    sw.cutAfter(400_000);
    await expect(s.account(a.id).sync()).rejects.toThrow();
    const partial = messages(s, a.id, 'INBOX').length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(total);
    await s.account(a.id).sync();
    const all = messages(s, a.id, 'INBOX');
    expect(all).toHaveLength(total);
    expect(new Set(all.map((m) => m.uid)).size).toBe(total);
    expect(new Set(all.map((m) => m.subject)).size).toBe(total);
  });

  it('gives every message of a first sync its snippet, also those whose text is not part 1, past one FETCH of them', async () => {
    const { user, password } = createDovecotUser();
    // Text in part 1.1 (alternative inside mixed): their snippets come after the header batches,
    // in FETCHes of at most syncLimits.headerBatch UIDs; one more than that crosses a boundary.
    const multipart = syncLimits.headerBatch + 50;
    const built = await Promise.all(
      Array.from({ length: multipart }, (_, i) =>
        new MailComposer({
          from: 'ann@example.test',
          to: 'me@example.test',
          subject: `report ${i}`,
          text: `Figures of report ${i}.`,
          html: `<p>Figures of <b>report ${i}</b>.</p>`,
          attachments: [{ filename: `r${i}.csv`, content: 'a,b\n' }],
        })
          .compile()
          .build(),
      ),
    );
    putIntoDovecotMaildir(user, [...built, msg('plain one')]);
    const s = services(tempDir('snippets'), { idle: false, offlineBodies: false });
    const a = await addAccount(s, user, password);
    const all = messages(s, a, 'INBOX');
    expect(all).toHaveLength(multipart + 1);
    for (const m of all) expect(m.snippet).toBe(m.subject === 'plain one' ? 'Body of plain one' : `Figures of ${m.subject}.`);
  });

  it('stores a first sync in transactions of at most syncLimits.headerStoreBatch messages, a turn of the event loop between them', async () => {
    const { user, password } = createDovecotUser();
    // The first batch, one full header batch, and a part of one.
    const n = syncLimits.firstHeaderBatch + syncLimits.headerBatch + 70;
    putIntoDovecotMaildir(
      user,
      Array.from({ length: n }, (_, i) => msg(`note ${i}`)),
    );
    const s = services(tempDir('pieces'), { idle: false, offlineBodies: false });
    let turned = true;
    const stores: { rows: number; afterTurn: boolean }[] = [];
    const upsert = s.cache.messages.upsert.bind(s.cache.messages);
    s.cache.messages.upsert = (list) => {
      stores.push({ rows: list.length, afterTurn: turned });
      turned = false;
      setImmediate(() => (turned = true));
      return upsert(list);
    };
    const a = await addAccount(s, user, password);
    expect(messages(s, a, 'INBOX')).toHaveLength(n);
    expect(stores.reduce((sum, x) => sum + x.rows, 0)).toBe(n);
    expect(Math.max(...stores.map((x) => x.rows))).toBeLessThanOrEqual(syncLimits.headerStoreBatch);
    expect(stores.length).toBeGreaterThanOrEqual(Math.ceil(syncLimits.headerBatch / syncLimits.headerStoreBatch) + 2);
    expect(stores.every((x) => x.afterTurn)).toBe(true);
  });

  it('gets new inbox mail by IDLE, without a sync being asked for', async () => {
    const { user, password } = createDovecotUser();
    const s = services(tempDir('idle'), { offlineBodies: false });
    const id = await addAccount(s, user, password);
    for (let i = 0; i < 200 && !s.account(id).idling; i++) await new Promise((r) => setTimeout(r, 25));
    expect(s.account(id).idling).toBe(true);
    const started = Date.now();
    await deliverToDovecot(user, [msg('pushed')]);
    let latency = -1;
    for (let i = 0; i < 1000; i++) {
      if (messages(s, id, 'INBOX').some((m) => m.subject === 'pushed')) {
        latency = Date.now() - started;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(latency).toBeGreaterThanOrEqual(0);
    console.log(`IDLE: new message in the cache ${latency} ms after delivery`);
  });

  it('ends every sync’s progress, also an inbox sync that found nothing new', async () => {
    const { user, password } = createDovecotUser();
    const s = services(tempDir('progress'), { idle: false, offlineBodies: false });
    const id = await addAccount(s, user, password);
    const seen: EventOf<'sync.progress'>[] = [];
    s.events.subscribe((event, payload) => {
      if (event === 'sync.progress') seen.push(payload as EventOf<'sync.progress'>);
    });
    await s.account(id).sync();
    await deliverToDovecot(user, [msg('progress')]);
    await s.account(id).sync();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    // No "headers 0 / 0" that nothing would ever end, and the last word is always "done".
    expect(seen.filter((p) => p.phase === 'headers' && p.total === 0)).toEqual([]);
    expect(seen.at(-1)).toMatchObject({ accountId: id, phase: 'done' });
    expect(seen.filter((p) => p.phase === 'done')).toHaveLength(2);
  });

  it('notices the network dropping, goes offline, and reconnects by itself when it returns', async () => {
    const { user, password } = createDovecotUser();
    const sw = await netSwitch();
    const s = services(tempDir('reconnect'), { offlineBodies: false });
    const id = await addAccount(s, user, password, sw.port);
    const state = () => s.cache.accounts.list().find((a) => a.id === id)!.state;
    for (let i = 0; i < 200 && !s.account(id).idling; i++) await new Promise((r) => setTimeout(r, 25));
    sw.setOnline(false);
    for (let i = 0; i < 400 && state() !== 'offline'; i++) await new Promise((r) => setTimeout(r, 25));
    expect(state()).toBe('offline');
    await deliverToDovecot(user, [msg('while you were away')]);
    sw.setOnline(true);
    // No sync is asked for: the backoff timer reconnects, resyncs, and IDLE resumes.
    for (let i = 0; i < 600 && !messages(s, id, 'INBOX').some((m) => m.subject === 'while you were away'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(messages(s, id, 'INBOX').map((m) => m.subject)).toEqual(['while you were away']);
    for (let i = 0; i < 200 && state() !== 'online'; i++) await new Promise((r) => setTimeout(r, 25));
    expect(state()).toBe('online');
    for (let i = 0; i < 200 && !s.account(id).idling; i++) await new Promise((r) => setTimeout(r, 25));
    await deliverToDovecot(user, [msg('pushed after reconnect')]);
    for (let i = 0; i < 600 && messages(s, id, 'INBOX').length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(messages(s, id, 'INBOX')).toHaveLength(2);
  });

  it('reads recent mail offline from bodies fetched in the background, and explains the others', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [msg('recent'), msg('ancient', { date: new Date('2024-01-01T00:00:00Z') })]);
    const sw = await netSwitch();
    const s = services(tempDir('bodies'), { idle: false });
    const id = await addAccount(s, user, password, sw.port);
    await s.account(id).bodiesDone();
    const list = messages(s, id, 'INBOX');
    sw.setOnline(false);
    const recent = await s.account(id).body(list.find((m) => m.subject === 'recent')!.id);
    expect(recent.text).toContain('Body of recent');
    await expect(s.account(id).body(list.find((m) => m.subject === 'ancient')!.id)).rejects.toThrow(/not downloaded for offline reading/);
  });

  it('hands out an attachment on demand, byte for byte', async () => {
    const { user, password } = createDovecotUser();
    const pdf = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    const raw = await new Promise<Buffer>((resolve, reject) =>
      new MailComposer({
        from: 'a@example.test',
        to: 'b@example.test',
        subject: 'With attachment',
        text: 'See attached.',
        attachments: [{ filename: 'report.pdf', content: pdf, contentType: 'application/pdf' }],
      })
        .compile()
        .build((err, out) => (err ? reject(err) : resolve(out))),
    );
    await deliverToDovecot(user, [raw]);
    const s = services(tempDir('attach'), { idle: false, offlineBodies: false });
    const id = await addAccount(s, user, password);
    const m = messages(s, id, 'INBOX')[0]!;
    expect(m.hasAttachments).toBe(true);
    const body = (await s.dispatch('messages.body', { messageId: m.id })) as { ok: true; result: { attachments: { partId: string; filename: string }[] } };
    const part = body.result.attachments.find((a) => a.filename === 'report.pdf')!;
    const got = (await s.dispatch('messages.attachment', { messageId: m.id, partId: part.partId })) as {
      ok: true;
      result: { filename: string; contentType: string; contentBase64: string };
    };
    expect(got.result.filename).toBe('report.pdf');
    expect(Buffer.from(got.result.contentBase64, 'base64').equals(pdf)).toBe(true);
    expect(await s.dispatch('messages.attachment', { messageId: m.id, partId: '99' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('searches subjects in the cache and bodies on the server, and still answers offline', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [msg('Quarterly numbers', { body: `${'Figures follow. '.repeat(40)}The zucchini harvest doubled.` }), msg('Other')]);
    const sw = await netSwitch();
    // No body is local here (no offline copies, no text for the index): the server's SEARCH finds the body word.
    const s = services(tempDir('search'), { idle: false, offlineBodies: false, searchText: false });
    const id = await addAccount(s, user, password, sw.port);
    const inbox = folder(s, id, 'INBOX').id;
    const search = async (query: string) =>
      ((await s.dispatch('messages.search', { mailboxId: inbox, query })) as { ok: true; result: { subject: string }[] }).result.map((m) => m.subject);
    expect(await search('quarterly')).toEqual(['Quarterly numbers']);
    expect(await search('zucchini')).toEqual(['Quarterly numbers']);
    sw.setOnline(false);
    expect(await search('quarterly')).toEqual(['Quarterly numbers']);
    expect(await search('zucchini')).toEqual([]);
  });

  it('fetches only the text parts of messages without an offline copy, and searches them offline', async () => {
    const { user, password } = createDovecotUser();
    const withAttachment = await new MailComposer({
      from: 'ann@example.test',
      to: 'me@example.test',
      subject: 'Plans',
      text: 'The courgette beds need water.',
      html: '<p>The <b>courgette</b> beds need water.</p>',
      attachments: [{ filename: 'garden-map.pdf', content: Buffer.from('%PDF-1.4 pumpkin') }],
    })
      .compile()
      .build();
    await deliverToDovecot(user, [withAttachment, msg('Weather', { body: 'Überraschung: the café is closed.' })]);
    const sw = await netSwitch();
    const s = services(tempDir('search-text'), { idle: false, offlineBodies: false, searchText: true });
    const id = await addAccount(s, user, password, sw.port);
    await s.account(id).bodiesDone();
    await s.bodyIndexer.idle();
    sw.setOnline(false);
    const search = async (query: string) =>
      ((await s.dispatch('messages.search', { query })) as { ok: true; result: { subject: string }[] }).result.map((m) => m.subject);
    expect(await search('courgette')).toEqual(['Plans']);
    expect(await search('filename:garden-map.pdf')).toEqual(['Plans']);
    expect(await search('cafe uberraschung')).toEqual(['Weather']);
    // The attachment itself stayed on the server: its content is not in the index, and no offline copy was made.
    expect(await search('pumpkin')).toEqual([]);
    expect(messages(s, id, 'INBOX').every((m) => !s.cache.messages.isBodyCached(m.id))).toBe(true);
    expect(await s.dispatch('search.status', {})).toMatchObject({ ok: true, result: { messages: 2, bodiesIndexed: 2, bodiesPending: 0 } });
  });

  it('threads by Message-ID, In-Reply-To and References; by subject only without them', async () => {
    const { user, password } = createDovecotUser();
    const day = (d: number) => new Date(Date.UTC(2026, 10, d));
    await deliverToDovecot(user, [
      rfc822({ from: 'a@example.test', to: 'b@example.test', subject: 'Plan', body: 'a', messageId: '<a@t>', date: day(1) }),
      Buffer.from(
        `From: b@example.test\r\nSubject: Re: Plan\r\nMessage-ID: <b@t>\r\nIn-Reply-To: <a@t>\r\nReferences: <a@t>\r\nDate: ${day(2).toUTCString()}\r\n\r\nb\r\n`,
      ),
      Buffer.from(
        `From: c@example.test\r\nSubject: Re: Re: Plan\r\nMessage-ID: <c@t>\r\nReferences: <a@t> <b@t>\r\nDate: ${day(3).toUTCString()}\r\n\r\nc\r\n`,
      ),
      rfc822({ from: 'd@example.test', to: 'b@example.test', subject: 'Lunch', body: 'd', messageId: '<d@t>', date: day(4) }),
      rfc822({ from: 'e@example.test', to: 'b@example.test', subject: 'RE: Lunch', body: 'no headers', messageId: '<e@t>', date: day(5) }),
      Buffer.from(`From: f@example.test\r\nSubject: Re: Lunch\r\nMessage-ID: <f@t>\r\nReferences: <unknown@t>\r\nDate: ${day(6).toUTCString()}\r\n\r\nf\r\n`),
    ]);
    const s = services(tempDir('threads'), { idle: false, offlineBodies: false });
    const id = await addAccount(s, user, password);
    const t = new Map(messages(s, id, 'INBOX').map((m) => [m.messageId, m.threadId]));
    expect(t.get('<b@t>')).toBe(t.get('<a@t>'));
    expect(t.get('<c@t>')).toBe(t.get('<a@t>'));
    expect(t.get('<d@t>')).not.toBe(t.get('<a@t>'));
    expect(t.get('<e@t>')).toBe(t.get('<d@t>'));
    expect(t.get('<f@t>')).not.toBe(t.get('<d@t>'));
    const a = messages(s, id, 'INBOX').find((m) => m.messageId === '<c@t>')!;
    const thread = (await s.dispatch('messages.thread', { messageId: a.id })) as { ok: true; result: { messageId: string | null }[] };
    expect(thread.result.map((m) => m.messageId)).toEqual(['<a@t>', '<b@t>', '<c@t>']);
  });

  it('creates, renames (keeping cached mail), subscribes and deletes folders', async () => {
    const { user, password } = createDovecotUser();
    // No background body or text fetch: Dovecot drops a session whose selected folder is renamed (see report).
    const s = services(tempDir('folders'), { idle: false, offlineBodies: false, searchText: false });
    const id = await addAccount(s, user, password);
    const call = (m: string, a: unknown) => s.dispatch(m, a);
    expect(await call('mailboxes.create', { accountId: id, name: 'Projects' })).toMatchObject({ ok: true });
    imaplib(user, password, `c.append('Projects', None, None, b'Subject: spec\\r\\n\\r\\nx\\r\\n')`);
    await s.account(id).sync();
    const projects = folder(s, id, 'Projects');
    expect(messages(s, id, 'Projects').map((m) => m.subject)).toEqual(['spec']);
    const cachedId = messages(s, id, 'Projects')[0]!.id;
    expect(await call('mailboxes.create', { accountId: id, name: 'Projects' })).toMatchObject({ ok: false, error: { code: 'MAILBOX_EXISTS' } });
    expect(await call('mailboxes.create', { accountId: id, name: 'a/b' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await call('mailboxes.rename', { mailboxId: projects.id, name: 'Work' })).toMatchObject({ ok: true });
    expect(folder(s, id, 'Work').id).toBe(projects.id);
    expect(messages(s, id, 'Work')[0]!.id).toBe(cachedId);
    expect(imaplib(user, password, `print(c.list()[1])`)).toContain('Work');
    expect(await call('mailboxes.subscribe', { mailboxId: projects.id, subscribed: false })).toMatchObject({ ok: true });
    expect(folder(s, id, 'Work').subscribed).toBe(false);
    expect(await call('mailboxes.delete', { mailboxId: projects.id })).toMatchObject({ ok: true });
    expect(s.cache.mailboxes.list(id).some((m) => m.path === 'Work')).toBe(false);
    expect(imaplib(user, password, `print(c.list()[1])`)).not.toContain('Work');
  });
});
