// Background downloads (offline copies, the search index's text) on their own connection against
// a real Dovecot: opening a message does not wait behind them, what they fetch is searchable, and
// closing in the middle of any fetch leaves no promise rejected without a handler.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { HearthServices, HearthServicesOptions } from '../../../../src/main/client/hearth-services.ts';
import type { EventOf, MessageBody } from '../../../../src/shared/api.ts';
import { createDovecotUser, dovecot } from '../../../support/peers.ts';
import { rfc822 } from '../../../support/messages.ts';
import { deliverToDovecot, putIntoDovecotMaildir } from '../../../support/dovecot-mail.ts';
import { startServices } from '../../../support/services.ts';
import { closeAfterEach } from '../../../support/cleanup.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const open = closeAfterEach();
const services = (dataDir: string, opts: Partial<HearthServicesOptions> = {}): HearthServices => open.add(startServices(dataDir, { idle: false, ...opts }));

async function addAccount(s: HearthServices, user: string, password: string): Promise<string> {
  const a = await s.addAccount({
    name: 'T',
    email: `${user}@example.test`,
    incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user, password, auth: 'password' },
  });
  await s.account(a.id).sync();
  return a.id;
}

function inbox(s: HearthServices, accountId: string) {
  const mb = s.cache.mailboxes.list(accountId).find((m) => m.path === 'INBOX');
  if (!mb) throw new Error('no INBOX');
  return s.cache.messages.page(mb.id, 0, 5000).messages;
}

async function search(s: HearthServices, query: string): Promise<string[]> {
  const r = (await s.dispatch('messages.search', { query })) as { ok: true; result: { subject: string }[] };
  return r.result.map((m) => m.subject);
}

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

describe('background downloads', () => {
  it('opens an uncached message while a large text fetch runs, and then finds words of bodies never opened', async () => {
    const { user, password } = createDovecotUser();
    const total = 800;
    putIntoDovecotMaildir(
      user,
      Array.from({ length: total }, (_, i) =>
        rfc822({
          from: 'Ann <ann@example.test>',
          to: 'me@example.test',
          subject: `note ${i}`,
          body: `Remember kiwi${i}fruit today.`,
          date: minutesAgo(total - i),
        }),
      ),
    );
    // What happened, in order: background batches, and the user opening the oldest message
    // (the text fetch goes newest first, so it is the last one it would reach).
    const events: string[] = [];
    let opened: Promise<MessageBody> | null = null;
    const s: HearthServices = services(tempDir('bg-open'), {
      offlineBodies: false,
      onBackgroundBatch: (b) => {
        events.push(b.kind);
        if (b.kind !== 'text' || opened) return;
        const oldest = inbox(s, b.accountId).find((m) => m.subject === 'note 0')!;
        expect(s.cache.messages.isBodyCached(oldest.id)).toBe(false);
        events.push('open:start');
        opened = s.dispatch('messages.body', { messageId: oldest.id }).then((r) => {
          events.push('open:done');
          if (!r.ok) throw new Error(`open failed: ${r.error.message}`);
          return r.result as MessageBody;
        });
      },
    });
    const id = await addAccount(s, user, password);
    await s.account(id).bodiesDone();
    events.push('background:done');
    expect(opened).not.toBeNull();
    expect((await opened!).text).toContain('kiwi0fruit');

    const start = events.indexOf('open:start');
    const end = events.indexOf('open:done');
    expect(end).toBeGreaterThan(start);
    // The open did not wait for the background fetch: it went on after the message was shown…
    expect(events.slice(end + 1).filter((e) => e === 'text').length).toBeGreaterThan(0);
    // …and held off while the user waited: at most the batch already in flight ended meanwhile.
    expect(events.slice(start + 1, end).filter((e) => e === 'text').length, events.join(' ')).toBeLessThanOrEqual(1);

    // Every body is in the index now, though only one was ever opened.
    await s.bodyIndexer.idle();
    expect(await search(s, 'kiwi700fruit')).toEqual(['note 700']);
    expect(await search(s, 'kiwi799fruit')).toEqual(['note 799']);
    const note700 = inbox(s, id).find((m) => m.subject === 'note 700')!;
    expect(s.cache.messages.isBodyCached(note700.id)).toBe(false);
    expect(await s.dispatch('search.status', {})).toMatchObject({ ok: true, result: { messages: total, bodiesIndexed: total, bodiesPending: 0 } });
  }, 60_000);
});

describe('closing in the middle of a fetch', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });
  /** A rejection nobody handles is reported once the microtasks of its turn have run. */
  const settled = () => new Promise((r) => setTimeout(r, 50));

  // Recent multipart messages (offline copies want them; the text is part 1.1, so the list's
  // snippets take a FETCH of their own), three header batches' worth.
  const count = 700;
  let mail: { user: string; password: string };
  beforeAll(async () => {
    mail = createDovecotUser();
    const built = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        new MailComposer({
          from: 'ann@example.test',
          to: 'me@example.test',
          subject: `report ${i}`,
          date: minutesAgo(count - i),
          text: `Quarterly figures ${i}.`,
          html: `<p>Quarterly figures <b>${i}</b>.</p>`,
          attachments: [{ filename: `figures-${i}.csv`, content: `a,b\n${i},1\n` }],
        })
          .compile()
          .build(),
      ),
    );
    putIntoDovecotMaildir(mail.user, built);
  });

  type Moment = 'account' | 'services';
  /**
   * Runs a first sync with its background work and closes when `when` says so: `account` closes
   * the account at that very moment (its LOGOUT goes out before anything that follows), `services`
   * closes the services the way the app quits (a few turns later, with a FETCH in flight).
   */
  async function closeWhen(
    name: string,
    how: Moment,
    when: (e: { progress?: EventOf<'sync.progress'>; batch?: 'bodies' | 'text' }) => boolean,
    opts: Partial<HearthServicesOptions> = {},
    dataDir = tempDir(name),
  ): Promise<void> {
    let closing: Promise<void> | null = null;
    let accountId = '';
    const s: HearthServices = services(dataDir, {
      ...opts,
      onBackgroundBatch: (b) => {
        if (!closing && when({ batch: b.kind })) closing = how === 'account' ? s.account(b.accountId).close() : s.close();
      },
    });
    s.events.subscribe((event, payload) => {
      if (event !== 'sync.progress' || closing) return;
      const progress = payload as EventOf<'sync.progress'>;
      if (when({ progress })) closing = how === 'account' ? s.account(progress.accountId).close() : s.close();
    });
    try {
      accountId = await addAccount(s, mail.user, mail.password);
    } catch {
      /* closed mid-sync */
    }
    if (accountId && !closing) await s.account(accountId).bodiesDone();
    expect(closing, `${name}: the moment to close came`).not.toBeNull();
    await closing;
    open.forget(s);
    if (how === 'account') await s.close();
    await settled();
    expect(unhandled, name).toEqual([]);
  }

  it('before the first header FETCH of a folder', async () => {
    await closeWhen('headers-start', 'account', ({ progress }) => progress?.phase === 'headers' && progress.done === 0, {
      offlineBodies: false,
      searchText: false,
    });
  });

  it('between header batches, with the next batch fetched ahead', async () => {
    await closeWhen('headers-mid', 'account', ({ progress }) => progress?.phase === 'headers' && progress.done > 0 && progress.done < progress.total, {
      offlineBodies: false,
      searchText: false,
    });
    await closeWhen('headers-mid-quit', 'services', ({ progress }) => progress?.phase === 'headers' && progress.done > 0 && progress.done < progress.total, {
      offlineBodies: false,
      searchText: false,
    });
  });

  it('while the snippets of the last header batch are fetched', async () => {
    await closeWhen('snippets', 'services', ({ progress }) => progress?.phase === 'headers' && progress.total > 0 && progress.done === progress.total, {
      offlineBodies: false,
      searchText: false,
    });
  });

  it('while offline copies are downloaded', async () => {
    await closeWhen('bodies', 'services', ({ batch }) => batch === 'bodies', { searchText: false });
    await closeWhen('bodies-between', 'account', ({ batch }) => batch === 'bodies', { searchText: false });
  });

  it('while the text of messages is fetched for search', async () => {
    await closeWhen('text', 'services', ({ batch }) => batch === 'text', { offlineBodies: false });
    await closeWhen('text-between', 'account', ({ batch }) => batch === 'text', { offlineBodies: false });
  });

  it('before new mail is fetched by UID in a resync', async () => {
    const dataDir = tempDir('resync');
    const first = services(dataDir, { offlineBodies: false, searchText: false });
    await addAccount(first, mail.user, mail.password);
    await first.close();
    open.forget(first);
    await deliverToDovecot(mail.user, [rfc822({ from: 'bob@example.test', to: 'me@example.test', subject: 'new one', body: 'fresh' })]);
    let closing: Promise<void> | null = null;
    const s = services(dataDir, { offlineBodies: false, searchText: false });
    s.events.subscribe((event, payload) => {
      const p = payload as EventOf<'sync.progress'>;
      if (event === 'sync.progress' && !closing && p.phase === 'headers' && p.done === 0) closing = s.account(p.accountId).close();
    });
    const [account] = s.cache.accounts.list();
    await s
      .account(account!.id)
      .sync()
      .catch(() => {});
    expect(closing).not.toBeNull();
    await closing;
    await s.close();
    open.forget(s);
    await settled();
    expect(unhandled).toEqual([]);
  });

  it('while an uncached message is opened', async () => {
    const s = services(tempDir('open'), { offlineBodies: false, searchText: false });
    const id = await addAccount(s, mail.user, mail.password);
    const target = inbox(s, id)[0]!;
    const reading = s.dispatch('messages.body', { messageId: target.id });
    open.forget(s);
    await s.close();
    // It either made it or failed with a reason; it did not hang or escape.
    expect(await reading).toHaveProperty('ok');
    await settled();
    expect(unhandled).toEqual([]);
  });
});
