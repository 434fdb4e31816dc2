// Background downloads (offline copies, the search index's text) on their own connection against
// a real Dovecot: opening a message does not wait behind them, and what they fetch is searchable.
import { describe, expect, it } from 'vitest';
import type { HearthServices, HearthServicesOptions } from '../../../../src/main/client/hearth-services.ts';
import type { MessageBody } from '../../../../src/shared/api.ts';
import { createDovecotUser, dovecot } from '../../../support/peers.ts';
import { rfc822 } from '../../../support/messages.ts';
import { putIntoDovecotMaildir } from '../../../support/dovecot-mail.ts';
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
    const total = 1500;
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
    expect(await search(s, 'kiwi1499fruit')).toEqual(['note 1499']);
    const note700 = inbox(s, id).find((m) => m.subject === 'note 700')!;
    expect(s.cache.messages.isBodyCached(note700.id)).toBe(false);
    expect(await s.dispatch('search.status', {})).toMatchObject({ ok: true, result: { messages: total, bodiesIndexed: total, bodiesPending: 0 } });
  });
});
