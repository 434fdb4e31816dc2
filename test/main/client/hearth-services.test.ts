// The services against a real Dovecot: adding an IMAP account syncs its folders and INBOX into
// main's cache and journal; bad input and bad credentials come back as typed errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HearthServices } from '../../../src/main/client/hearth-services.ts';
import { createDovecotUser, dovecot } from '../../support/peers.ts';
import { corpusMessage } from '../../support/corpus.ts';
import { rfc822 } from '../../support/messages.ts';
import { deliverToDovecot } from '../../support/dovecot-mail.ts';
import { startServices } from '../../support/services.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { pollUntil } from '../../support/wait.ts';
import type { Change, EventOf } from '../../../src/shared/api.ts';

let dataDir: string;
let services: HearthServices;

beforeEach(() => {
  dataDir = tempDir('svc');
  services = startServices(dataDir);
});
afterEach(async () => {
  await services.close();
});

function imapAccount(user: string, password: string, tls: 'tls' | 'starttls' | 'plain' = 'tls') {
  return {
    name: 'Test',
    email: `${user}@example.test`,
    incoming: {
      protocol: 'imap' as const,
      host: tls === 'tls' ? 'localhost' : '127.0.0.1',
      port: tls === 'tls' ? dovecot.imapsPort : dovecot.imapPort,
      tls,
      user,
      password,
      caCert: readFileSync(dovecot.caCertPath, 'utf8'),
    },
  };
}

async function call(method: string, args: unknown) {
  return services.dispatch(method, args);
}

async function waitForState(accountId: string, state: string) {
  const accounts = () => call('accounts.list', {}) as Promise<{ ok: true; result: { id: string; state: string }[] }>;
  const list = await pollUntil(accounts, (l) => l.result.find((a) => a.id === accountId)?.state === state, 10_000);
  if (list.result.find((a) => a.id === accountId)?.state !== state) throw new Error(`account never reached ${state}: ${JSON.stringify(list)}`);
}

describe('HearthServices with Dovecot', () => {
  it('adds an IMAPS account and syncs folders and INBOX headers into the journal', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [
      rfc822({
        from: 'Ann Example <ann@example.test>',
        to: `${user}@example.test`,
        subject: 'Lunch on Friday?',
        body: 'Shall we meet at noon?',
        date: new Date('2026-11-01T12:00:00Z'),
      }),
      corpusMessage('rfc-000.eml'),
    ]);
    const added = await call('accounts.add', imapAccount(user, password));
    expect(added.ok).toBe(true);
    const accountId = (added as { ok: true; result: { id: string } }).result.id;
    await services.dispatch('sync.now', { accountId });
    await waitForState(accountId, 'online');

    const boxes = (await call('mailboxes.list', { accountId })) as { ok: true; result: { path: string; specialUse: string | null; id: number }[] };
    const paths = boxes.result.map((b) => b.path).sort();
    expect(paths).toEqual(['Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
    expect(boxes.result.find((b) => b.path === 'Sent')?.specialUse).toBe('sent');
    const inbox = boxes.result.find((b) => b.path === 'INBOX')!;

    const page = (await call('messages.page', { mailboxId: inbox.id })) as {
      ok: true;
      result: { total: number; messages: { subject: string; from: { address: string }[]; snippet: string }[] };
    };
    expect(page.result.total).toBe(2);
    const lunch = page.result.messages.find((m) => m.subject === 'Lunch on Friday?');
    expect(lunch?.from[0]?.address).toBe('ann@example.test');
    expect(lunch?.snippet).toBe('Shall we meet at noon?');

    // The journal from 0 is a full snapshot: the account, its folders and both messages.
    const changes = (await call('sync.changes', { sinceSeq: 0 })) as { ok: true; result: { changes: Change[]; lastSeq: number } };
    const kinds = changes.result.changes.map((c) => c.kind);
    expect(kinds.filter((k) => k === 'account')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'mailbox')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'message')).toHaveLength(2);
    // Nothing new after the last seq.
    const again = (await call('sync.changes', { sinceSeq: changes.result.lastSeq })) as { ok: true; result: { changes: Change[] } };
    expect(again.result.changes).toHaveLength(0);

    // The password is sealed on disk, never in clear.
    const db = readFileSync(path.join(dataDir, 'cache.sqlite'));
    expect(db.includes(Buffer.from(password))).toBe(false);
  });

  it('wakes the renderer with sync.changed after every committed journal change, without being told', async () => {
    const heard: EventOf<'sync.changed'>[] = [];
    services.events.subscribe((e, p) => e === 'sync.changed' && heard.push(p as EventOf<'sync.changed'>));
    const caughtUp = async () => {
      for (let i = 0; i < 200 && heard.at(-1)?.lastSeq !== services.cache.lastSeq(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(heard.at(-1)).toEqual({ epoch: services.cache.epoch, lastSeq: services.cache.lastSeq() });
    };
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [rfc822({ from: 'a@example.test', to: 'b@example.test', subject: 'Hello', body: 'one' })]);
    const added = (await call('accounts.add', imapAccount(user, password))) as { ok: true; result: { id: string } };
    const accountId = added.result.id;
    await call('sync.now', { accountId });
    await waitForState(accountId, 'online');
    await caughtUp();
    // A handler's change (here an account update) reaches the renderer too.
    const before = heard.length;
    await call('accounts.update', { accountId, name: 'Renamed' });
    await caughtUp();
    expect(heard.length).toBeGreaterThan(before);
    // So does an action: the flag shows in the journal the renderer is told about.
    const inbox = services.cache.mailboxes.list(accountId).find((m) => m.specialUse === 'inbox')!;
    const [message] = services.cache.messages.page(inbox.id, 0, 10).messages;
    const seqBefore = services.cache.lastSeq();
    await call('messages.setFlags', { messageIds: [message!.id], add: ['\\Flagged'], remove: [] });
    await caughtUp();
    expect(heard.at(-1)!.lastSeq).toBeGreaterThan(seqBefore);
  });

  it('reads a message body and a second sync picks up new and vanished messages', async () => {
    const { user, password } = createDovecotUser();
    await deliverToDovecot(user, [rfc822({ from: 'a@example.test', to: 'b@example.test', subject: 'First', body: 'one' })]);
    const added = (await call('accounts.add', imapAccount(user, password, 'starttls'))) as { ok: true; result: { id: string } };
    expect(added).toMatchObject({ ok: true });
    const accountId = added.result.id;
    await call('sync.now', { accountId });
    const inbox = ((await call('mailboxes.list', { accountId })) as { ok: true; result: { id: number; path: string }[] }).result.find(
      (b) => b.path === 'INBOX',
    )!;
    const first = ((await call('messages.page', { mailboxId: inbox.id })) as { ok: true; result: { messages: { id: number }[] } }).result.messages[0]!;
    const body = (await call('messages.body', { messageId: first.id })) as { ok: true; result: { text: string } };
    expect(body.result.text.trim()).toBe('one');

    await deliverToDovecot(user, [rfc822({ from: 'a@example.test', to: 'b@example.test', subject: 'Second', body: 'two' })]);
    await call('sync.now', { accountId });
    const page = (await call('messages.page', { mailboxId: inbox.id })) as { ok: true; result: { messages: { subject: string }[] } };
    expect(page.result.messages.map((m) => m.subject).sort()).toEqual(['First', 'Second']);
  });

  it('rejects a wrong password with AUTH_FAILED and saves nothing', async () => {
    const { user } = createDovecotUser();
    const res = await call('accounts.add', imapAccount(user, 'wrong-password'));
    expect(res).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    expect((await call('accounts.list', {})) as { ok: true; result: unknown[] }).toMatchObject({ ok: true, result: [] });
  });

  it('reports an unreachable server as CONNECTION_REFUSED', async () => {
    const input = imapAccount('x', 'y', 'plain');
    input.incoming.port = 1; // nothing listens on port 1
    const res = await call('accounts.add', input);
    expect(res).toMatchObject({ ok: false, error: { code: 'CONNECTION_REFUSED' } });
  });

  it('refuses an untrusted certificate, naming it', async () => {
    const { user, password } = createDovecotUser();
    const input = imapAccount(user, password);
    delete (input.incoming as { caCert?: string }).caCert;
    const res = await call('accounts.add', input);
    expect(res).toMatchObject({ ok: false, error: { code: 'CERT_UNTRUSTED', detail: { subject: 'localhost' } } });
  });

  it('refuses plaintext to a non-loopback host before connecting', async () => {
    const input = imapAccount('x', 'y', 'plain');
    input.incoming.host = 'mail.example.test';
    const res = await call('accounts.add', input);
    expect(res).toMatchObject({ ok: false, error: { code: 'PLAINTEXT_REFUSED' } });
  });

  it('updates name, identities and the outgoing server, sealing the SMTP password', async () => {
    const { user, password } = createDovecotUser();
    const added = (await call('accounts.add', imapAccount(user, password))) as { ok: true; result: { id: string; identities: unknown[] } };
    expect(added.result.identities).toEqual([{ name: 'Test', email: `${user}@example.test` }]);
    const smtpSecret = 'smtp-secret-4711';
    const updated = await call('accounts.update', {
      accountId: added.result.id,
      name: 'Home',
      identities: [
        { name: 'Ann', email: `${user}@example.test`, signature: '-- \nAnn' },
        { name: 'Ann (club)', email: 'treasurer@example.test', replyTo: 'club@example.test' },
      ],
      outgoing: { host: '127.0.0.1', port: 10025, tls: 'plain', user, password: smtpSecret },
    });
    expect(updated).toMatchObject({
      ok: true,
      result: { name: 'Home', outgoing: { host: '127.0.0.1', port: 10025, tls: 'plain' }, identities: [{ name: 'Ann' }, { replyTo: 'club@example.test' }] },
    });
    expect(JSON.stringify(updated)).not.toContain(smtpSecret);
    expect(readFileSync(path.join(dataDir, 'cache.sqlite')).includes(Buffer.from(smtpSecret))).toBe(false);
    expect(await call('accounts.update', { accountId: added.result.id, identities: [{ name: 'x', email: 'not an address' }] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'identities.0.email' },
    });
  });
});

describe('HearthServices search API', () => {
  it('refuses a bad query with INVALID_ARGUMENT, reports the index and rebuilds it', async () => {
    expect(await services.dispatch('messages.search', { query: 'form:bob' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'query', message: expect.stringMatching(/^form: is not a search operator/) },
    });
    expect(await services.dispatch('messages.search', { query: 'after:someday' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await services.dispatch('messages.search', { query: 'in:nowhere' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await services.dispatch('messages.search', { query: 'anything', offset: -1 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await services.dispatch('messages.search', { query: 'anything' })).toEqual({ ok: true, result: [] });
    expect(await services.dispatch('search.status', {})).toEqual({ ok: true, result: { messages: 0, documents: 0, bodiesIndexed: 0, bodiesPending: 0 } });
    expect(await services.dispatch('search.rebuild', {})).toEqual({ ok: true, result: { ok: true } });
    await services.bodyIndexer.idle();
    expect(services.cache.search.summariesComplete()).toBe(true);
  });
});

describe('HearthServices search with the servers (#14.2)', () => {
  it('merges what the servers find in folders whose bodies are not indexed here, across all accounts by default', async () => {
    // Neither bodies kept offline nor their text fetched: only the servers know what the bodies say.
    await services.close();
    services = startServices(tempDir('svc-search'), { offlineBodies: false, searchText: false });
    const ids: string[] = [];
    for (const who of ['ann', 'bob']) {
      const { user, password } = createDovecotUser();
      await deliverToDovecot(user, [
        rfc822({ from: `${who} <${who}@example.test>`, to: `${user}@example.test`, subject: `Notes from ${who}`, body: 'The quokka smiled.' }),
        rfc822({ from: `${who} <${who}@example.test>`, to: `${user}@example.test`, subject: `Quokka pictures from ${who}`, body: 'Attached.' }),
      ]);
      const added = (await call('accounts.add', imapAccount(user, password, 'plain'))) as { ok: true; result: { id: string } };
      ids.push(added.result.id);
      await services.account(added.result.id).sync();
    }
    await services.bodyIndexer.idle();
    expect(services.cache.search.status()).toMatchObject({ documents: 4, bodiesIndexed: 0 });
    const subjects = async (args: object) => {
      const r = (await call('messages.search', { query: 'quokka', ...args })) as { ok: true; result: { subject: string }[] };
      return r.result.map((m) => m.subject);
    };
    // The subject matches come from the index, ranked; the body matches from both servers after them.
    const all = await subjects({});
    expect(all.slice(0, 2).sort()).toEqual(['Quokka pictures from ann', 'Quokka pictures from bob']);
    expect(all.slice(2).sort()).toEqual(['Notes from ann', 'Notes from bob']);
    // One account on request; the operators still apply to what the server found.
    expect((await subjects({ accountId: ids[1] })).sort()).toEqual(['Notes from bob', 'Quokka pictures from bob']);
    expect(await subjects({ query: 'quokka from:ann -subject:pictures' })).toEqual(['Notes from ann']);
    // A full first page needs no server: later pages are the index's alone.
    expect(await subjects({ limit: 2 })).toHaveLength(2);
    expect(await subjects({ offset: 2 })).toEqual([]);
  });
});
