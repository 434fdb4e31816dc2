// The whole app in one process: the demo account writes to a foreign address; the message goes
// from the outbox through the household server's submission port into its relay queue, where a
// (loopback) smarthost refuses it; the queue is listed, retried and emptied through the API, and
// the relay and certificate status say why and what is served.
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/main/app.ts';
import { startTestApp } from '../support/test-app.ts';
import type { QueueItem } from '../../src/shared/api.ts';
import { tempDir } from '../support/temp-dir.ts';

let app: RunningApp | null = null;
afterAll(async () => {
  await app?.close();
});

describe('household server queue through the API', () => {
  it('shows a deferred message with the reason, retries it, and deletes it', async () => {
    process.env.HEARTH_SCRYPT_LN = '10';
    const dataDir = tempDir('app-queue');
    app = await startTestApp(dataDir, {
      // The demo account at once, without the first-run welcome.
      welcome: false,
      // Nothing listens on port 1: every remote delivery is deferred, and nothing leaves loopback.
      serverRelay: { smarthost: { host: '127.0.0.1', port: 1, requireTls: false } },
      undoHoldMs: 0,
    });
    const s = app.services;
    const demo = s.cache.accounts.list()[0]!;
    expect(demo.outgoing?.tls).toBe('starttls');
    await s.outbox.send({
      accountId: demo.id,
      identity: 0,
      to: 'friend@elsewhere.test',
      cc: '',
      bcc: '',
      subject: 'To the world',
      text: 'hi',
      attachments: [],
      references: [],
    });
    let list: QueueItem[] = [];
    for (let i = 0; i < 200; i++) {
      const r = (await s.dispatch('server.queue.list', {})) as { ok: true; result: QueueItem[] };
      list = r.result;
      if (list.length && list[0]!.recipients[0]!.attempts > 0) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(list).toHaveLength(1);
    expect(list[0]!.recipients[0]).toMatchObject({ address: 'friend@elsewhere.test', state: 'deferred' });
    // The Server panel learns at once why: the smarthost refused the connection.
    expect(await s.dispatch('server.relay.status', {})).toMatchObject({
      ok: true,
      result: { smarthost: { host: '127.0.0.1', port: 1, tls: 'starttls' }, problem: expect.stringMatching(/^smarthost problem: connection refused/) },
    });
    expect(await s.dispatch('server.certificate.status', {})).toMatchObject({
      ok: true,
      result: { source: 'self-signed', fingerprint256: app.server!.tls.fingerprint256, fallbackFingerprint256: app.server!.tls.fingerprint256, acme: null },
    });
    // The client's part is done once the server has it and the copy is filed in Sent.
    for (let i = 0; i < 200 && s.outbox.list().length; i++) await new Promise((res) => setTimeout(res, 50));
    expect(s.outbox.list()).toEqual([]);
    expect(await s.dispatch('server.queue.retry', { id: list[0]!.id })).toMatchObject({ ok: true });
    expect(await s.dispatch('server.queue.delete', { id: list[0]!.id, reason: 'test' })).toMatchObject({ ok: true });
    expect(await s.dispatch('server.queue.list', {})).toMatchObject({ ok: true, result: [] });
    expect(await s.dispatch('server.queue.delete', { id: 'nope' })).toMatchObject({ ok: false });
  });
});
