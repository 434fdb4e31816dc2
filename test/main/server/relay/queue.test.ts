import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MessageQueue } from '../../../../src/main/server/relay/queue.ts';
import type { QueueEnvelope } from '../../../../src/main/server/relay/types.ts';
import { createLogger } from '../../../../src/main/base/log.ts';
import { corpusMessage } from '../../../support/corpus.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { streamToBuffer } from '../../../support/bytes.ts';

async function enqueue(q: MessageQueue, body: Buffer, rcpts = ['bob@remote.test']): Promise<QueueEnvelope> {
  const written = await q.writeBody(
    (async function* () {
      yield body;
    })(),
  );
  const env: QueueEnvelope = {
    version: 1,
    id: written.id,
    from: 'alice@home.test',
    recipients: rcpts.map((address) => ({ address, state: 'pending', attempts: 0, nextAttemptAt: 0 })),
    createdAt: 1,
    prepend: 'Received: from x\r\n',
    bodySize: written.size,
    bodySha256: written.sha256,
  };
  await q.commit(written, env);
  return env;
}

describe('MessageQueue', () => {
  it('keeps a committed message with its envelope and state across a reload', async () => {
    const dir = tempDir('queue');
    const q = new MessageQueue(dir);
    await q.init();
    const eml = corpusMessage('legacy-000.eml');
    const env = await enqueue(q, eml, ['a@x.test', 'b@y.test']);
    env.recipients[0]!.state = 'deferred';
    env.recipients[0]!.attempts = 2;
    env.recipients[0]!.lastReply = '451 4.3.0 later';
    await q.update(env);

    const again = await new MessageQueue(dir).load();
    expect(again).toHaveLength(1);
    expect(again[0]!.recipients[0]).toMatchObject({ address: 'a@x.test', state: 'deferred', attempts: 2, lastReply: '451 4.3.0 later' });
    const content = await streamToBuffer(q.openMessage(again[0]!));
    expect(content.equals(Buffer.concat([Buffer.from('Received: from x\r\n'), eml]))).toBe(true);
    expect(q.messageSize(again[0]!)).toBe(content.length);
    // files are private to the server
    expect(statSync(q.bodyPath(env.id)).mode & 0o777).toBe(0o600);
    expect(statSync(q.envelopePath(env.id)).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.join(dir, 'queue')).sort()).toEqual(['corrupt', `${env.id}.eml`, `${env.id}.json`, 'tmp'].sort());
  });

  it('moves a truncated body to corrupt/ and never returns it', async () => {
    const dir = tempDir('queue');
    const logs: string[] = [];
    const q = new MessageQueue(dir, createLogger({ write: (l) => logs.push(l) }));
    await q.init();
    const good = await enqueue(q, corpusMessage('legacy-001.eml'));
    const bad = await enqueue(q, corpusMessage('legacy-003.eml'));
    truncateSync(q.bodyPath(bad.id), 100);
    const loaded = await q.load();
    expect(loaded.map((e) => e.id)).toEqual([good.id]);
    expect(existsSync(path.join(dir, 'queue/corrupt', `${bad.id}.eml`))).toBe(true);
    expect(existsSync(path.join(dir, 'queue/corrupt', `${bad.id}.json`))).toBe(true);
    expect(readFileSync(path.join(dir, 'queue/corrupt', `${bad.id}.reason.txt`), 'utf8')).toMatch(/body is 100 bytes/);
    expect(logs.some((l) => l.includes('damaged queue file moved aside') && l.includes(bad.id))).toBe(true);
    expect(await q.listCorrupt()).toEqual([bad.id]);
  });

  it('moves a damaged envelope and a body changed in place aside', async () => {
    const dir = tempDir('queue');
    const q = new MessageQueue(dir);
    await q.init();
    const a = await enqueue(q, corpusMessage('legacy-004.eml'));
    const b = await enqueue(q, corpusMessage('legacy-006.eml'));
    const c = await enqueue(q, corpusMessage('legacy-007.eml'));
    writeFileSync(q.envelopePath(a.id), readFileSync(q.envelopePath(a.id), 'utf8').slice(0, 40)); // torn JSON
    const body = readFileSync(q.bodyPath(b.id));
    body[body.length - 3] ^= 0x20; // same size, one bit flipped
    writeFileSync(q.bodyPath(b.id), body);
    const loaded = await q.load();
    expect(loaded.map((e) => e.id)).toEqual([c.id]);
    expect((await q.listCorrupt()).sort()).toEqual([a.id, b.id].sort());
    expect(readFileSync(path.join(dir, 'queue/corrupt', `${b.id}.reason.txt`), 'utf8')).toMatch(/checksum/);
  });

  it('treats a body without an envelope as never acknowledged and keeps it aside', async () => {
    const dir = tempDir('queue');
    const q = new MessageQueue(dir);
    await q.init();
    const a = await enqueue(q, corpusMessage('legacy-009.eml'));
    const written = await q.writeBody(
      (async function* () {
        yield Buffer.from('Subject: half\r\n\r\nx\r\n');
      })(),
    );
    writeFileSync(path.join(dir, 'queue', 'orphan-1.eml'), 'Subject: orphan\r\n\r\n');
    const loaded = await q.load();
    expect(loaded.map((e) => e.id)).toEqual([a.id]);
    expect(existsSync(written.tmpPath)).toBe(false); // unacknowledged temp file cleared
    expect(existsSync(path.join(dir, 'queue/corrupt/orphan-1.eml'))).toBe(true);
  });

  it('refuses a body over the size limit without leaving a file', async () => {
    const dir = tempDir('queue');
    const q = new MessageQueue(dir);
    await q.init();
    await expect(
      q.writeBody(
        (async function* () {
          yield Buffer.alloc(2000, 65);
        })(),
        1000,
      ),
    ).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
    expect(readdirSync(path.join(dir, 'queue/tmp'))).toEqual([]);
  });
});
