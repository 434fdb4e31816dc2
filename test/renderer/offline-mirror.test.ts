// The browser's offline copy: bodies of every message in the offline window (real corpus messages
// parsed by main's own parser), their inline images, eviction oldest first beyond the budget, and
// a stop as soon as main goes away. fake-indexeddb stands in for the browser's IndexedDB.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { HearthDb } from '../../src/renderer/src/db.ts';
import { OfflineMirror, evictToBudget, inlineImageUrls, offlineUsage, saveOfflineSettings } from '../../src/renderer/src/offline-mirror.ts';
import { parseMessageBody } from '../../src/main/mail/message-body.ts';
import type { Transport, ConnectionState } from '../../src/renderer/src/api/transport.ts';
import type { ArgsOf, MessageSummary, MethodName, ResultOf } from '../../src/shared/api.ts';
import { corpusMessage } from '../support/corpus.ts';
import { summaryOf } from '../support/summaries.ts';
import { HearthError } from '../../src/shared/errors.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
/** Messages with inline (cid:) images, plain text ones and others. */
const FILES = ['thirdparty-016.eml', 'legacy-015.eml', 'legacy-051.eml', 'legacy-000.eml', 'legacy-001.eml', 'legacy-003.eml'];

/** Main as the page sees it: bodies and attachments parsed from raw messages; can be "stopped". */
class MainStandIn implements Transport {
  readonly kind = 'web' as const;
  connection: ConnectionState = 'online';
  bodyCalls: number[] = [];
  /** Stop answering (the host goes down) after this many body requests. */
  stopAfter = Infinity;
  private readonly raw: Map<number, Buffer>;
  constructor(raw: Map<number, Buffer>) {
    this.raw = raw;
  }
  state() {
    return this.connection;
  }
  onState() {
    return () => {};
  }
  on() {
    return () => {};
  }
  async call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
    if (this.connection !== 'online') throw new HearthError('OFFLINE', 'Hearth’s background service is not running');
    const { messageId, partId } = args as { messageId: number; partId?: string };
    const source = this.raw.get(messageId);
    if (!source) throw new HearthError('NOT_FOUND', 'No such message');
    if (method === 'messages.body') {
      this.bodyCalls.push(messageId);
      if (this.bodyCalls.length >= this.stopAfter) this.connection = 'offline';
      return (await parseMessageBody(messageId, source)) as ResultOf<M>;
    }
    if (method === 'messages.attachment') {
      const parsed = await simpleParser(source, { skipImageLinks: true, skipTextLinks: true });
      const a = parsed.attachments.find((x, i) => (x.partId ?? String(i + 1)) === partId)!;
      return { filename: a.filename ?? null, contentType: a.contentType, contentBase64: a.content.toString('base64') } as ResultOf<M>;
    }
    throw new Error(`unexpected ${method}`);
  }
}

function summary(id: number, date: number, size = 2000): MessageSummary {
  return summaryOf(id, { accountId: 'acc', date, size });
}

/** Messages 1..n dated one day apart (1 the newest), each a corpus message. */
async function seeded(n: number) {
  const db = new HearthDb(`offline-${Math.random()}`);
  const raw = new Map<number, Buffer>();
  const rows: MessageSummary[] = [];
  for (let id = 1; id <= n; id++) {
    raw.set(id, corpusMessage(FILES[(id - 1) % FILES.length]!));
    rows.push(summary(id, NOW - id * DAY));
  }
  await db.messages.bulkPut(rows);
  return { db, main: new MainStandIn(raw) };
}

describe('OfflineMirror', () => {
  it('keeps the body of every message in the window, newest first, with its inline images, and none outside', async () => {
    const { db, main } = await seeded(12);
    await saveOfflineSettings(db, { windowDays: 10, budgetMb: 500 });
    await db.messages.put(summary(99, NOW - 2 * DAY, 50 * 1024 * 1024)); // too big to keep, as in main
    await new OfflineMirror(db, main, () => NOW).fill();
    expect(main.bodyCalls).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await db.bodies.toCollection().primaryKeys()).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // thirdparty-016: HTML whose only content is a cid: image; it reads with the host stopped.
    main.connection = 'offline';
    const body = (await db.bodies.get(1))!;
    expect(body.html).toMatch(/cid:part1\.8C5E6A81\.D0C1B91A@example\.com/);
    const urls = await inlineImageUrls(db, main, body);
    expect([...urls.keys()]).toEqual(['part1.8C5E6A81.D0C1B91A@example.com']);
    expect(urls.get('part1.8C5E6A81.D0C1B91A@example.com')).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    // legacy-015: two inline PNGs referenced from HTML.
    expect(await db.parts.where('messageId').equals(2).count()).toBe(2);

    // A second run has nothing left to fetch.
    main.connection = 'online';
    main.bodyCalls = [];
    await new OfflineMirror(db, main, () => NOW).fill();
    expect(main.bodyCalls).toEqual([]);
  });

  it('stops when main goes away and goes on where it stopped when it is back', async () => {
    const { db, main } = await seeded(8);
    main.stopAfter = 5;
    const mirror = new OfflineMirror(db, main, () => NOW);
    await mirror.fill();
    // A body whose inline images could not be fetched is not kept half: it is fetched again later.
    const kept = await db.bodies.toCollection().primaryKeys();
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(8);
    main.connection = 'online';
    main.stopAfter = Infinity;
    main.bodyCalls = [];
    await mirror.fill();
    expect(await db.bodies.count()).toBe(8);
    expect(main.bodyCalls.filter((id) => kept.includes(id))).toEqual([]);
  });

  it('evicts the oldest bodies and their images first when the budget is exceeded', async () => {
    const { db, main } = await seeded(12);
    await new OfflineMirror(db, main, () => NOW).fill();
    const all = await offlineUsage(db);
    expect(all.messages).toBe(12);
    // Summed from the size indexes: the same as adding up every stored body and image.
    const stored = (await db.bodies.toArray()).reduce((n, b) => n + (b.bytes ?? 0), 0) + (await db.parts.toArray()).reduce((n, p) => n + p.bytes, 0);
    expect(all.bytes).toBe(stored);
    expect(all.bytes).toBeGreaterThan(0);
    // A budget for about half of it: the newest stay, the oldest go, images with their messages.
    const left = await evictToBudget(db, all.bytes / 2, all.bytes);
    expect(left).toBeLessThanOrEqual(all.bytes / 2);
    const ids = (await db.bodies.toCollection().primaryKeys()).sort((a, b) => a - b);
    expect(ids.length).toBeGreaterThan(2);
    expect(ids.length).toBeLessThan(12);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
    const partOwners = new Set((await db.parts.toArray()).map((p) => p.messageId));
    for (const id of partOwners) expect(ids).toContain(id);
    expect((await offlineUsage(db)).bytes).toBe(left);
  });
});
