// Sending through real SMTP peers (aiosmtpd delivering into Dovecot by LMTP): what arrives is what
// was written, temporary failures retry to exactly one delivery, permanent ones explain
// themselves, undo and send-later hold, drafts and the Sent copy round-trip through Dovecot, and
// a kill -9 mid-submission still ends in one delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fork } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { HearthServices, HearthServicesOptions } from '../../../../src/main/client/hearth-services.ts';
import type { ComposeMessage, OutboxItem } from '../../../../src/shared/api.ts';
import { createDovecotUser, dovecot, DOVECOT_STATE, smtpPeers, startOwnSmtpPeer, type SmtpPeer } from '../../../support/peers.ts';
import { X509Certificate } from 'node:crypto';
import { dovecotMessages, imaplib } from '../../../support/dovecot-mail.ts';
import { callService, startServices } from '../../../support/services.ts';
import { closeAfterEach } from '../../../support/cleanup.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { pollUntil } from '../../../support/wait.ts';

const open = closeAfterEach();
const peers: SmtpPeer[] = [];
afterAll(() => {
  for (const p of peers) p.stop();
});

let flaky: SmtpPeer;
let reject: SmtpPeer;
let small: SmtpPeer;
let slow: SmtpPeer;
/** Implicit TLS with Dovecot's self-signed certificate: untrusted until its fingerprint is. */
let selfSigned: SmtpPeer;
beforeAll(() => {
  const lmtp = ['--lmtp', `127.0.0.1:${dovecot.lmtpPort}`];
  flaky = startOwnSmtpPeer('send-flaky', 'flaky', 10061, ['--flaky-n', '2', ...lmtp]);
  reject = startOwnSmtpPeer('send-reject', 'reject', 10062, ['--fail-at', 'rcpt', '--code', '550', '--msg', '5.1.1 No such mailbox here']);
  small = startOwnSmtpPeer('send-small', 'accept', 10063, ['--max-size', String(5 * 1024 * 1024)]);
  slow = startOwnSmtpPeer('send-slow', 'accept', 10064, ['--delay', '4', ...lmtp]);
  selfSigned = startOwnSmtpPeer('send-self-signed', 'accept', 10065, [
    '--tls-cert',
    dovecot.caCertPath,
    '--tls-key',
    path.join(DOVECOT_STATE, 'ssl/key.pem'),
    '--implicit-tls',
  ]);
  peers.push(flaky, reject, small, slow, selfSigned);
});

const services = (dataDir: string, opts: Partial<HearthServicesOptions> = {}): HearthServices =>
  open.add(startServices(dataDir, { idle: false, offlineBodies: false, undoHoldMs: 0, sendRetryDelaysMs: [200], ...opts }));

async function account(s: HearthServices, user: string, password: string, smtpPort: number): Promise<string> {
  const a = await s.addAccount({
    name: 'Zoë Ångström',
    email: `${user}@example.test`,
    incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user, password, auth: 'password' },
    outgoing: { host: '127.0.0.1', port: smtpPort, tls: 'plain' },
  });
  await s.account(a.id).sync();
  return a.id;
}

const compose = (accountId: string, over: Partial<ComposeMessage> = {}): ComposeMessage => ({
  accountId,
  identity: 0,
  to: '',
  cc: '',
  bcc: '',
  subject: 'Hello',
  text: 'Hi there',
  attachments: [],
  references: [],
  ...over,
});

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

describe('sending', () => {
  it('delivers UTF-8, HTML, an inline image and two attachments intact, and files a copy in Sent', async () => {
    const me = createDovecotUser();
    const you = createDovecotUser();
    const s = services(tempDir('send'));
    const id = await account(s, me.user, me.password, smtpPeers.accept);
    const pdf = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 13) % 256));
    const csv = Buffer.from('name,amount\nÆbleskiver,3\n');
    const item = await s.outbox.send(
      compose(id, {
        to: `"Jürgen Groß" <${you.user}@example.test>`,
        subject: 'Grüße aus Köln — 🍰 Kuchen?',
        text: 'Hallo Jürgen, siehe Anhang.',
        html: '<p>Hallo <b>Jürgen</b>, siehe Anhang.</p><img src="cid:cake@hearth">',
        attachments: [
          { filename: 'cake.png', contentType: 'image/png', contentBase64: PNG.toString('base64'), contentId: 'cake@hearth' },
          { filename: 'Rechnung März.pdf', contentType: 'application/pdf', contentBase64: pdf.toString('base64') },
          { filename: 'liste.csv', contentType: 'text/csv', contentBase64: csv.toString('base64') },
        ],
      }),
    );
    expect(item.messageId).toMatch(/^<.+@example\.test>$/);
    const inbox = await pollUntil(
      () => dovecotMessages(you.user, you.password),
      (l) => l.length > 0,
    );
    expect(inbox).toHaveLength(1);
    const got = await simpleParser(inbox[0]!);
    expect(got.subject).toBe('Grüße aus Köln — 🍰 Kuchen?');
    expect(got.messageId).toBe(item.messageId);
    expect(got.from?.value[0]).toEqual({ name: 'Zoë Ångström', address: `${me.user}@example.test` });
    expect(got.to && !Array.isArray(got.to) && got.to.value[0]).toEqual({ name: 'Jürgen Groß', address: `${you.user}@example.test` });
    expect(got.text?.trim()).toBe('Hallo Jürgen, siehe Anhang.');
    expect(got.html).toContain('<b>Jürgen</b>');
    const byName = new Map(got.attachments.map((a) => [a.filename, a]));
    expect(byName.get('Rechnung März.pdf')!.content.equals(pdf)).toBe(true);
    expect(byName.get('liste.csv')!.content.equals(csv)).toBe(true);
    expect(byName.get('cake.png')!.contentId).toBe('<cake@hearth>');
    expect(byName.get('cake.png')!.content.equals(PNG)).toBe(true);
    // The Sent copy parses back the same and the outbox is empty.
    const sent = await pollUntil(
      () => dovecotMessages(me.user, me.password, 'Sent'),
      (l) => l.length > 0,
    );
    expect((await simpleParser(sent[0]!)).messageId).toBe(item.messageId);
    await pollUntil(
      () => s.outbox.list(),
      (l) => l.length === 0,
    );
    expect(s.outbox.list()).toEqual([]);
    // Recipients become suggestions.
    expect(s.contacts.suggest('jür', 5)).toEqual([{ name: 'Jürgen Groß', address: `${you.user}@example.test` }]);
  });

  it('sends to an internationalised address with SMTPUTF8', async () => {
    const me = createDovecotUser();
    const s = services(tempDir('utf8'));
    const id = await account(s, me.user, me.password, small.port);
    const before = small.received().length;
    await s.outbox.send(compose(id, { to: 'Jörg <jörg@bücher.example>', subject: 'Ümlaut' }));
    await pollUntil(
      () => small.received().length,
      (n) => n > before,
    );
    const got = small.received().slice(-1)[0]!;
    expect(got.env.to).toEqual(['jörg@bücher.example']);
    expect((got.env as unknown as { mail_options: string[] }).mail_options.map((o) => o.toUpperCase())).toContain('SMTPUTF8');
    expect((await simpleParser(got.eml)).to).toMatchObject({ value: [{ address: 'jörg@bücher.example', name: 'Jörg' }] });
  });

  it('retries a temporary failure and delivers exactly once', async () => {
    const me = createDovecotUser();
    const you = createDovecotUser();
    const s = services(tempDir('flaky'));
    const id = await account(s, me.user, me.password, flaky.port);
    await s.outbox.send(compose(id, { to: `${you.user}@example.test`, subject: 'third time lucky' }));
    await pollUntil(
      () => s.outbox.list(),
      (l) => l.length === 0,
    );
    const replies = flaky
      .events()
      .filter((e) => e.ev === 'data')
      .map((e) => String(e.reply).slice(0, 3));
    expect(replies.filter((r) => r === '451').length).toBeGreaterThanOrEqual(2);
    expect(await dovecotMessages(you.user, you.password)).toHaveLength(1);
  });

  it('keeps a rejected message as failed, with the server’s reason', async () => {
    const me = createDovecotUser();
    const s = services(tempDir('reject'));
    const id = await account(s, me.user, me.password, reject.port);
    const item = await s.outbox.send(compose(id, { to: 'nobody@example.test' }));
    const list = await pollUntil(
      () => s.outbox.list(),
      (l) => l[0]?.state === 'failed',
    );
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: item.id, state: 'failed', error: { code: 'BAD_ADDRESS' } });
    expect(list[0]!.error!.response).toContain('No such mailbox here');
    // Pulled back, it is a draft again, nothing lost.
    expect(s.outbox.unsend(item.id)).toMatchObject({ to: 'nobody@example.test', subject: 'Hello' });
  });

  it('shows the certificate an outgoing server was refused for, and sends once its fingerprint is trusted', async () => {
    const me = createDovecotUser();
    const s = services(tempDir('smtp-self-signed'));
    const a = await s.addAccount({
      name: 'Me',
      email: `${me.user}@example.test`,
      incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user: me.user, password: me.password, auth: 'password' },
      outgoing: { host: '127.0.0.1', port: selfSigned.port, tls: 'tls' },
    });
    const item = await s.outbox.send(compose(a.id, { to: 'sam@example.test', subject: 'Through a self-signed server' }));
    const failed = await pollUntil(
      () => s.outbox.list(),
      (l) => l[0]?.state === 'failed',
    );
    expect(failed[0]).toMatchObject({ id: item.id, state: 'failed', error: { code: 'CERT_UNTRUSTED' } });
    // What the renderer shows next to "Trust this certificate": the certificate the server presents.
    const fingerprint = new X509Certificate(readFileSync(dovecot.caCertPath)).fingerprint256;
    expect(failed[0]!.error!.detail).toMatchObject({ fingerprint256: fingerprint });
    expect(selfSigned.received()).toHaveLength(0);
    // Trusted (as the outbox's button does), the same message goes.
    await callService(s, 'accounts.update', {
      accountId: a.id,
      outgoing: { host: '127.0.0.1', port: selfSigned.port, tls: 'tls', trustedFingerprint256: fingerprint },
    });
    s.outbox.retry(item.id);
    const got = await pollUntil(
      () => selfSigned.received(),
      (r) => r.length > 0,
    );
    expect(got).toHaveLength(1);
    expect(got[0]!.eml.toString()).toContain('Through a self-signed server');
  });

  it('holds for undo, and keeps a scheduled message until its time', async () => {
    const me = createDovecotUser();
    const you = createDovecotUser();
    const s = services(tempDir('undo'), { undoHoldMs: 60_000 });
    const id = await account(s, me.user, me.password, smtpPeers.accept);
    const held = await s.outbox.send(compose(id, { to: `${you.user}@example.test`, subject: 'oops' }));
    expect(held.state).toBe('held');
    const back = s.outbox.unsend(held.id);
    expect(back.subject).toBe('oops');
    const later = await s.outbox.send(compose(id, { to: `${you.user}@example.test`, subject: 'tomorrow', sendAt: Date.now() + 86_400_000 }));
    expect(later.state).toBe('held');
    await s.outbox.tick();
    expect(s.outbox.list().map((i) => i.state)).toEqual(['held']);
    expect(await dovecotMessages(you.user, you.password)).toHaveLength(0);
  });

  it('saves drafts to Drafts, replacing the previous one, and removes the draft when sent', async () => {
    const me = createDovecotUser();
    const you = createDovecotUser();
    const s = services(tempDir('drafts'));
    const id = await account(s, me.user, me.password, smtpPeers.accept);
    const { draftId } = s.drafts.save(compose(id, { to: `${you.user}@example.test`, subject: 'draft one' }));
    await s.drafts.settled();
    s.drafts.save(compose(id, { to: `${you.user}@example.test`, subject: 'draft two', draftId }));
    await s.drafts.settled();
    const drafts = await dovecotMessages(me.user, me.password, 'Drafts');
    expect(drafts).toHaveLength(1);
    expect((await simpleParser(drafts[0]!)).subject).toBe('draft two');
    expect(s.drafts.list().map((d) => d.message.subject)).toEqual(['draft two']);
    await s.outbox.send(compose(id, { to: `${you.user}@example.test`, subject: 'final', draftId }));
    await s.drafts.settled();
    expect(await dovecotMessages(me.user, me.password, 'Drafts')).toHaveLength(0);
    expect(s.drafts.list()).toEqual([]);
  });

  it('refuses bad input before writing anything, and a too-large message fails with the server’s reason', async () => {
    const me = createDovecotUser();
    const dataDir = tempDir('bad');
    const s = services(dataDir);
    const id = await account(s, me.user, me.password, small.port);
    expect(await s.dispatch('outbox.send', compose(id, { to: 'Ann <ann@@example.test>' }))).toMatchObject({
      ok: false,
      error: { code: 'BAD_ADDRESS', field: 'to' },
    });
    expect(await s.dispatch('outbox.send', compose(id, { to: '' }))).toMatchObject({ ok: false, error: { field: 'to' } });
    expect(
      await s.dispatch(
        'outbox.send',
        compose(id, {
          to: 'a@example.test',
          attachments: [{ filename: 'gone.pdf', contentType: 'application/pdf', fromMessage: { messageId: 999999, partId: '2' } }],
        }),
      ),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field: 'attachments.0' } });
    expect(readdirSync(path.join(dataDir, 'outbox'))).toEqual([]);
    const big = Buffer.alloc(60 * 1024 * 1024, 7);
    await s.outbox.send(
      compose(id, {
        to: 'a@example.test',
        attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', contentBase64: big.toString('base64') }],
      }),
    );
    const list = await pollUntil(
      () => s.outbox.list(),
      (l) => l[0]?.state === 'failed',
      60_000,
    );
    expect(list[0]).toMatchObject({ state: 'failed', error: { code: 'MESSAGE_TOO_LARGE' } });
  });

  it('delivers once when the app is killed mid-submission and restarted', async () => {
    const me = createDovecotUser();
    const you = createDovecotUser();
    const dataDir = tempDir('kill');
    const s1 = services(dataDir);
    const id = await account(s1, me.user, me.password, slow.port);
    await s1.close();
    open.forget(s1);
    const child = fork(path.join(import.meta.dirname, 'fixtures/send-child.ts'), [dataDir, id, `${you.user}@example.test`], { stdio: 'ignore' });
    // Wait until the child has handed the whole message to the server (which sits on it for seconds).
    const outbox = path.join(dataDir, 'outbox');
    const stage = () => {
      for (const f of existsSync(outbox) ? readdirSync(outbox).filter((n) => n.endsWith('.json')) : []) {
        try {
          return (JSON.parse(readFileSync(path.join(outbox, f), 'utf8')) as { stage: string | null }).stage;
        } catch {
          continue;
        }
      }
      return null;
    };
    await pollUntil(stage, (v) => v === 'data-sent', 30_000);
    expect(stage()).toBe('data-sent');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const s2 = services(dataDir);
    const done = await pollUntil(
      () => s2.outbox.list(),
      (l: OutboxItem[]) => l.length === 0,
      40_000,
    );
    expect(done).toEqual([]);
    await pollUntil(
      () => dovecotMessages(you.user, you.password),
      (l) => l.length > 0,
    );
    await new Promise((r) => setTimeout(r, 5000)); // the peer's delay: a second copy would land by now
    expect(await dovecotMessages(you.user, you.password)).toHaveLength(1);
    expect(imaplib(me.user, me.password, `print(c.select('Sent')[1][0].decode())`).trim()).toBe('1');
  });
});
