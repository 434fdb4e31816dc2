// Offline reading in the browser: the IndexedDB mirror keeps the bodies (and inline `cid:` images)
// of every message inside the offline window, fetched from main in the background in small
// batches, newest first, and evicted oldest first when the user's size budget is exceeded. With
// the host stopped, every synced message in the window is then readable from this window alone.
import type { MessageBody, MessageSummary } from '../../shared/api.ts';
import type { Transport } from './api/transport.ts';
import type { CachedBody, CachedPart, HearthDb } from './db.ts';
import { coalescing } from './coalesce.ts';
import { cachedSettings, SETTINGS_META_KEY } from './app-settings.ts';

export interface OfflineSettings {
  /** Messages this recent keep their bodies in the browser, days. */
  windowDays: number;
  /** The most the bodies and inline images may take, MB. */
  budgetMb: number;
  /** Larger messages are fetched when opened, not kept, MB. */
  maxMessageMb?: number;
}

export const DEFAULT_OFFLINE_SETTINGS: OfflineSettings = { windowDays: 90, budgetMb: 500 };
const SETTINGS_KEY = 'offline.settings';

/** Limits of the background download (main keeps messages up to 5 MB offline; the same here). */
export const offlineLimits = {
  maxMessageBytes: 5 * 1024 * 1024,
  /** An inline image bigger than this is fetched when the message is opened, not kept. */
  maxInlinePartBytes: 2 * 1024 * 1024,
  /** Bodies per batch, and requests to main in flight at once. */
  batch: 20,
  parallel: 4,
} as const;

const DAY_MS = 86_400_000;

/** The user's offline settings (Settings › Mail checking and offline), else those this window kept before there were any. */
export async function loadOfflineSettings(db: HearthDb): Promise<OfflineSettings> {
  if (await db.meta.get(SETTINGS_META_KEY)) {
    const s = await cachedSettings(db);
    return { windowDays: s['offline.windowDays'], budgetMb: s['offline.browserBudgetMb'], maxMessageMb: s['offline.maxMessageMb'] };
  }
  const stored = (await db.meta.get(SETTINGS_KEY))?.value as Partial<OfflineSettings> | undefined;
  return { ...DEFAULT_OFFLINE_SETTINGS, ...stored };
}

export async function saveOfflineSettings(db: HearthDb, settings: OfflineSettings): Promise<void> {
  await db.meta.put({ key: SETTINGS_KEY, value: settings });
}

/** Whether a part is an image shown in the message: referenced as cid: from the HTML, or marked inline. */
function isInlineImage(a: MessageBody['attachments'][number]): boolean {
  return (a.contentId !== null || a.inline) && a.contentType.toLowerCase().startsWith('image/');
}

/** A data: URL for an image part; a content type that is not a plain image/subtype is shown as bytes. */
function imageDataUrl(contentType: string, base64: string): string {
  const type = contentType.trim().toLowerCase();
  return `data:${/^image\/[a-z0-9.+-]+$/.test(type) ? type : 'application/octet-stream'};base64,${base64}`;
}

/** The key the reader looks an inline image up by: its Content-ID without angle brackets, else its part. */
export function inlineKey(a: { contentId: string | null; partId: string }): string {
  return a.contentId ? a.contentId.trim().replace(/^<|>$/g, '') : `part:${a.partId}`;
}

function bodyBytes(body: MessageBody): number {
  return (body.html?.length ?? 0) + (body.text?.length ?? 0) + JSON.stringify(body.attachments).length;
}

/**
 * Stores a body fetched from main with its inline images (as data: URLs), so the message reads
 * the same offline. Inline images too large for the mirror are left out; returns what it stored.
 */
export async function keepBody(db: HearthDb, api: Transport, body: MessageBody, date: number | undefined): Promise<{ body: CachedBody; parts: CachedPart[] }> {
  const parts: CachedPart[] = [];
  for (const a of body.attachments.filter(isInlineImage)) {
    if (a.size > offlineLimits.maxInlinePartBytes) continue;
    const content = await api.call('messages.attachment', { messageId: body.id, partId: a.partId });
    const dataUrl = imageDataUrl(a.contentType, content.contentBase64);
    parts.push({ messageId: body.id, partId: a.partId, contentId: inlineKey(a), contentType: a.contentType, dataUrl, bytes: dataUrl.length });
  }
  const cached: CachedBody = { ...body, fetchedAt: Date.now(), bytes: bodyBytes(body), ...(date !== undefined ? { date } : {}) };
  await db.transaction('rw', [db.bodies, db.parts, db.messages], async () => {
    // The message may have been removed while its body was in flight: keep nothing of it then.
    if (!(await db.messages.get(body.id))) return;
    await db.bodies.put(cached);
    await db.parts.bulkPut(parts);
  });
  return { body: cached, parts };
}

/**
 * The inline images of a message as data: URLs by inlineKey: those the mirror keeps, and (online)
 * those too large to keep, fetched for this reading only. An image that cannot be had is left out.
 */
export async function inlineImageUrls(db: HearthDb, api: Transport, body: MessageBody): Promise<Map<string, string>> {
  const kept = await db.parts.where('messageId').equals(body.id).toArray();
  const urls = new Map(kept.map((p) => [p.contentId, p.dataUrl]));
  for (const a of body.attachments.filter(isInlineImage)) {
    if (urls.has(inlineKey(a)) || api.state() !== 'online') continue;
    const content = await api.call('messages.attachment', { messageId: body.id, partId: a.partId }).catch(() => null);
    if (content) urls.set(inlineKey(a), imageDataUrl(a.contentType, content.contentBase64));
  }
  return urls;
}

export interface OfflineUsage {
  messages: number;
  bytes: number;
}

/**
 * From the `bytes` indexes' keys: no body is read (reading each one cost more CPU than all the
 * list's rendering, and this runs after every journal pull). A body kept without a size counts 0.
 */
export async function offlineUsage(db: HearthDb): Promise<OfflineUsage> {
  const [messages, bodySizes, partSizes] = await Promise.all([db.bodies.count(), db.bodies.orderBy('bytes').keys(), db.parts.orderBy('bytes').keys()]);
  let bytes = 0;
  for (const b of bodySizes) bytes += Number(b);
  for (const b of partSizes) bytes += Number(b);
  return { messages, bytes };
}

/** Drops the oldest bodies (and their inline images) until the mirror fits the budget; returns the bytes now used. */
export async function evictToBudget(db: HearthDb, budgetBytes: number, used: number): Promise<number> {
  if (used <= budgetBytes) return used;
  // Bodies kept before v3 have no date: they go first.
  const undated = await db.bodies.filter((b) => b.date === undefined).primaryKeys();
  const byAge = [...undated, ...(await db.bodies.orderBy('date').primaryKeys())];
  for (const id of byAge) {
    if (used <= budgetBytes) break;
    await db.transaction('rw', [db.bodies, db.parts], async () => {
      const body = await db.bodies.get(id);
      const parts = await db.parts.where('messageId').equals(id).toArray();
      used -= (body?.bytes ?? 0) + parts.reduce((n, p) => n + p.bytes, 0);
      await db.bodies.delete(id);
      await db.parts.where('messageId').equals(id).delete();
    });
  }
  return used;
}

/** Runs `work` over `items` with at most `parallel` in flight. */
async function inParallel<T>(items: T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, lane));
}

export type OfflineState = { phase: 'idle' | 'filling'; kept: number; bytes: number };

/**
 * The background filler. `fill()` is called when the page comes online and after every journal
 * pull; calls while one runs coalesce into one more round. It stops at once when main goes away.
 */
export class OfflineMirror {
  private readonly listeners = new Set<(s: OfflineState) => void>();
  private state: OfflineState = { phase: 'idle', kept: 0, bytes: 0 };
  private readonly db: HearthDb;
  private readonly api: Transport;
  private readonly now: () => number;

  constructor(db: HearthDb, api: Transport, now: () => number = Date.now) {
    this.db = db;
    this.api = api;
    this.now = now;
  }

  onState(l: (s: OfflineState) => void): () => void {
    this.listeners.add(l);
    l(this.state);
    return () => this.listeners.delete(l);
  }

  private setState(s: OfflineState): void {
    this.state = s;
    for (const l of this.listeners) l(s);
  }

  /** Fetches what the window lacks; calls while it runs coalesce into one more round. */
  readonly fill = coalescing(
    () => this.fillOnce(),
    () => this.setState({ ...this.state, phase: 'idle' }),
  );

  private async fillOnce(): Promise<void> {
    const settings = await loadOfflineSettings(this.db);
    const budget = settings.budgetMb * 1024 * 1024;
    const since = this.now() - settings.windowDays * DAY_MS;
    let { messages: kept, bytes: used } = await offlineUsage(this.db);
    used = await evictToBudget(this.db, budget, used);
    const have = new Set(await this.db.bodies.toCollection().primaryKeys());
    // Newest first, so a budget that runs out keeps the mail people read most.
    // Keys only (ids in date order): the summaries are read a batch at a time.
    // (Reversed here: Dexie reads a reversed range with a cursor, one step per key, after every journal pull.)
    const inWindow = (await this.db.messages.where('date').aboveOrEqual(since).primaryKeys()).reverse();
    const wanted = inWindow.filter((id) => !have.has(id));
    this.setState({ phase: wanted.length ? 'filling' : 'idle', kept, bytes: used });
    for (let i = 0; i < wanted.length && used < budget; i += offlineLimits.batch) {
      if (this.api.state() !== 'online') return;
      const rows = await this.db.messages.bulkGet(wanted.slice(i, i + offlineLimits.batch));
      const maxBytes = settings.maxMessageMb !== undefined ? settings.maxMessageMb * 1024 * 1024 : offlineLimits.maxMessageBytes;
      const batch = rows.filter((m): m is MessageSummary => m !== undefined && m.size <= maxBytes);
      await inParallel(batch, offlineLimits.parallel, async (m) => {
        if (used >= budget) return;
        const body = await this.api.call('messages.body', { messageId: m.id }).catch((e: unknown) => {
          // A message removed on the server meanwhile is not a reason to stop the others.
          if (this.api.state() !== 'online') throw e;
          return null;
        });
        if (!body) return;
        const stored = await keepBody(this.db, this.api, body, m.date);
        used += (stored.body.bytes ?? 0) + stored.parts.reduce((n, p) => n + p.bytes, 0);
        kept++;
      });
      this.setState({ phase: 'filling', kept, bytes: used });
    }
    await evictToBudget(this.db, budget, used);
  }
}
