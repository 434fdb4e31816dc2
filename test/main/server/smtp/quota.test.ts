// Inbound SMTP and storage quotas, driven by swaks: a full mailbox refuses RCPT with 452 4.2.2; a
// message bigger than the whole quota is refused at DATA with 552 5.2.2; one that would overfill
// the mailbox with 452 4.2.2, for every recipient of the transaction (delivery stays all-or-none).
// Both DATA paths: streamed to the store, and buffered for the authentication checks.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { MaildirStore } from '../../../../src/main/maildir/maildir-store.ts';
import { startInboundSmtp, type DnsResolver, type RunningSmtpListener } from '../../../../src/main/server/smtp/inbound.ts';
import { setAlias, setStorageLimit } from '../../../../src/main/server/users/config.ts';
import { createTestServerContext, type TestServerContext } from '../../../support/server-context.ts';
import { swaks } from '../../../support/swaks.ts';

let base: TestServerContext;
let store: MaildirStore;
let streamed: RunningSmtpListener;
let buffered: RunningSmtpListener;

const noDns: DnsResolver = async (name, type) => {
  throw Object.assign(new Error(`fake DNS: no ${type} for ${name}`), { code: 'ENOTFOUND' });
};

async function messages(address: string): Promise<number> {
  return (await (await store.user(address)).status('INBOX')).messages;
}

function send(port: number, to: string[], bodyBytes: number) {
  return swaks(['--server', `127.0.0.1:${port}`, '--from', 'sender@example.org', '--to', to.join(','), '--body', 'x'.repeat(bodyBytes)]);
}

beforeAll(async () => {
  base = await createTestServerContext('smtp-quota', [
    ['alice@home.arpa', 'pw'],
    ['bob@home.arpa', 'pw'],
    ['carol@home.arpa', 'pw'],
  ]);
  store = base.store;
  await setAlias(base.dir, 'family@home.arpa', ['alice@home.arpa', 'bob@home.arpa']);
  await setStorageLimit(base.dir, 'alice@home.arpa', 8 * 1024);
  await setStorageLimit(base.dir, 'carol@home.arpa', 1000);
  // carol is full
  await (await store.user('carol@home.arpa')).append('INBOX', Buffer.from(`Subject: fill\r\n\r\n${'x'.repeat(1000)}\r\n`));
  streamed = await startInboundSmtp(base.ctx, { host: '127.0.0.1', port: 0, implicitTls: false });
  buffered = await startInboundSmtp(base.ctx, { host: '127.0.0.1', port: 0, implicitTls: false, resolver: noDns });
});

afterAll(async () => {
  await streamed?.close();
  await buffered?.close();
  await base?.close();
});

describe('inbound SMTP and storage quotas (swaks)', () => {
  it('a full mailbox is refused at RCPT with 452 4.2.2', async () => {
    const r = await send(streamed.port, ['carol@home.arpa'], 10);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/<\*\* 452 4\.2\.2 Mailbox full/);
    expect(await messages('carol@home.arpa')).toBe(1);
  });

  it.each([
    ['streamed', () => streamed.port],
    ['buffered', () => buffered.port],
  ])('%s: bigger than the whole quota -> 552 5.2.2 at DATA, nothing stored', async (_path, port) => {
    const r = await send(port(), ['alice@home.arpa'], 9000);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/<\*\* 552 5\.2\.2 Message exceeds the mailbox quota/);
    expect(await messages('alice@home.arpa')).toBe(0);
  });

  it('fits, then would overfill: 452 4.2.2 at DATA for every recipient (all-or-none)', async () => {
    expect((await send(streamed.port, ['alice@home.arpa'], 5000)).code).toBe(0);
    expect(await messages('alice@home.arpa')).toBe(1);
    const bobBefore = await messages('bob@home.arpa');
    for (const port of [streamed.port, buffered.port]) {
      const r = await send(port, ['family@home.arpa'], 5000);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/<\*\* 452 4\.2\.2 Mailbox full/);
    }
    expect(await messages('alice@home.arpa')).toBe(1);
    expect(await messages('bob@home.arpa')).toBe(bobBefore);
    // bob alone has no limit
    expect((await send(streamed.port, ['bob@home.arpa'], 50_000)).code).toBe(0);
    expect(await messages('bob@home.arpa')).toBe(bobBefore + 1);
  });

  it('a raised limit is seen at once (server.json is re-read)', async () => {
    await setStorageLimit(base.dir, 'carol@home.arpa', 1024 * 1024);
    expect((await send(streamed.port, ['carol@home.arpa'], 10)).code).toBe(0);
    await setStorageLimit(base.dir, 'carol@home.arpa', null);
    expect((await send(buffered.port, ['carol@home.arpa'], 10)).code).toBe(0);
    expect(await messages('carol@home.arpa')).toBe(3);
  });
});
