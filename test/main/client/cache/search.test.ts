// Main's full-text search on a fixed corpus: exact result sets for words, prefixes, phrases,
// accents, CJK and other scripts, every operator, combinations and negation; the index following
// changes and deletions; a rebuild giving the same answers; bodies indexed in batches.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { BodyIndexer } from '../../../../src/main/client/cache/body-indexer.ts';
import { CacheDb } from '../../../../src/main/client/cache/cache-db.ts';
import type { MessageInput } from '../../../../src/main/client/cache/messages.ts';
import { searchMessages, type SearchScope } from '../../../../src/main/client/cache/search.ts';
import { silentLogger } from '../../../../src/main/base/log.ts';
import { parseSearchQuery } from '../../../../src/shared/search-query.ts';
import { seedAccount, seedFolder, seededCaches } from '../../../support/cache-db.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const openCache = seededCaches();
const NOW = new Date(2026, 2, 10).getTime();
const day = (y: number, m: number, d: number) => new Date(y, m - 1, d, 12).getTime();

interface Fixture {
  key: string;
  folder: 'a/INBOX' | 'a/Sent' | 'b/INBOX';
  input: Partial<MessageInput> & { subject: string; date: number };
  raw: string;
}

const text = (headers: string, body: string) => `${headers}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;

const FIXTURES: Fixture[] = [
  {
    key: 'cafe',
    folder: 'a/INBOX',
    input: { subject: 'Café meeting', from: [{ name: 'Zoë Dubois', address: 'zoe@example.fr' }], date: day(2026, 3, 1), flags: ['\\Seen'] },
    raw: text('Subject: Café meeting', 'Nous nous retrouvons au café près de la gare.'),
  },
  {
    key: 'report',
    folder: 'a/INBOX',
    input: {
      subject: 'Quarterly report',
      from: [{ name: 'Bob Chen', address: 'bob@corp.example.com' }],
      to: [{ name: 'Alice', address: 'alice@example.test' }],
      cc: [{ name: 'Carol Diaz', address: 'carol@example.org' }],
      date: day(2026, 2, 10),
      size: 250_000,
      hasAttachments: true,
      attachmentNames: ['q3-figures.pdf'],
    },
    raw:
      'Subject: Quarterly report\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' +
      'The quarterly figures are attached. Revenue grew.\r\n--b1\r\nContent-Type: application/pdf; name=q3-figures.pdf\r\nContent-Disposition: attachment; filename=q3-figures.pdf\r\n' +
      'Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n',
  },
  {
    key: 'kaigi',
    folder: 'a/INBOX',
    input: { subject: '会議の議題', from: [{ name: '田中', address: 'tanaka@example.jp' }], date: day(2026, 2, 20), flags: ['\\Flagged', '\\Seen'] },
    raw: text('Subject: =?UTF-8?B?5Lya6K2w44Gu6K2w6aGM?=', '明日の会議室は三階です。'),
  },
  {
    key: 'reply',
    folder: 'a/Sent',
    input: {
      subject: 'Re: Quarterly report',
      from: [{ name: 'Alice', address: 'alice@example.test' }],
      to: [{ name: 'Bob Chen', address: 'bob@corp.example.com' }],
      date: day(2026, 2, 11),
      flags: ['\\Seen'],
    },
    raw: text('Subject: Re: Quarterly report', 'Thanks Bob, the report looks good.'),
  },
  {
    key: 'vstrecha',
    folder: 'a/INBOX',
    input: { subject: 'Встреча в понедельник', from: [{ name: 'Иван', address: 'ivan@example.ru' }], date: day(2026, 1, 5) },
    raw: text('Subject: x', 'Привет! Встреча переносится на понедельник.'),
  },
  {
    key: 'newsletter',
    folder: 'b/INBOX',
    input: { subject: 'Newsletter', from: [{ name: '', address: 'news@lists.example.io' }], date: day(2025, 12, 1), flags: ['\\Seen'] },
    raw:
      'Subject: Newsletter\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n' +
      '<html><head><style>.promo { color: crimson }</style></head><body><p>Big <b>summer</b> sale &amp; free shipping</p></body></html>\r\n',
  },
  {
    key: 'strasse',
    folder: 'a/INBOX',
    input: { subject: 'Überprüfung der Straße', from: [{ name: 'Jürgen Müller', address: 'jm@example.de' }], date: day(2026, 3, 5), flags: ['\\Seen'] },
    raw: text('Subject: x', 'Die Straßenbahn fährt über die Brücke.'),
  },
  {
    key: 'greek',
    folder: 'a/INBOX',
    input: { subject: 'Καλημέρα', from: [{ name: 'Νίκος', address: 'nikos@example.gr' }], date: day(2026, 2, 1), flags: ['\\Seen'] },
    raw: text('Subject: x', 'Η συνάντηση είναι αύριο.'),
  },
  {
    key: 'arabic',
    folder: 'a/INBOX',
    input: { subject: 'مرحبا', from: [{ name: 'سارة', address: 'sara@example.eg' }], date: day(2026, 2, 2), flags: ['\\Seen'] },
    raw: text('Subject: x', 'الاجتماع غدا في الساعة العاشرة'),
  },
];

interface Corpus {
  cache: CacheDb;
  indexer: BodyIndexer;
  ids: Map<string, number>;
  keys: Map<number, string>;
  batches: { kind: string; count: number }[];
}

async function corpus(): Promise<Corpus> {
  const cache = openCache('a', 'b');
  const folders = {
    'a/INBOX': seedFolder(cache, 'a', 'INBOX', 'inbox').id,
    'a/Sent': seedFolder(cache, 'a', 'Sent', 'sent').id,
    'b/INBOX': seedFolder(cache, 'b', 'INBOX', 'inbox').id,
  };
  const raws = new Map<number, Buffer>();
  const ids = new Map<string, number>();
  const keys = new Map<number, string>();
  FIXTURES.forEach((f, i) => {
    const [id] = cache.messages.upsert([message(f, folders[f.folder], i + 1)]);
    raws.set(id!, Buffer.from(f.raw));
    ids.set(f.key, id!);
    keys.set(id!, f.key);
  });
  const batches: { kind: string; count: number }[] = [];
  const indexer = new BodyIndexer({
    cache,
    localSource: async (id) => raws.get(id) ?? null,
    log: silentLogger,
    onBatch: (kind, count) => batches.push({ kind, count }),
  });
  indexer.kick();
  await indexer.idle();
  return { cache, indexer, ids, keys, batches };
}

function message(f: Fixture, mailboxId: number, uid: number): MessageInput {
  return {
    accountId: f.folder.split('/')[0]!,
    mailboxId,
    uid,
    messageId: `<${f.key}@fixture>`,
    from: [],
    to: [],
    cc: [],
    flags: [],
    size: 2_000,
    snippet: '',
    hasAttachments: false,
    ...f.input,
  };
}

function find(c: Corpus, query: string, scope: SearchScope = {}): string[] {
  const found = searchMessages(c.cache, parseSearchQuery(query, NOW), scope, { offset: 0, limit: 100, now: NOW });
  return found.map((m) => c.keys.get(m.id) ?? `?${m.id}`).sort();
}

const ALL = FIXTURES.map((f) => f.key).sort();
const without = (...keys: string[]) => ALL.filter((k) => !keys.includes(k));

const CASES: [string, string[]][] = [
  // words, accents folded both ways, several scripts
  ['cafe', ['cafe']],
  ['CAFÉ', ['cafe']],
  ['pres gare', ['cafe']],
  ['uberprufung', ['strasse']],
  ['brücke', ['strasse']],
  ['понедельник', ['vstrecha']],
  ['ПРИВЕТ', ['vstrecha']],
  ['ΚΑΛΗΜΕΡΑ', ['greek']],
  ['συναντηση', ['greek']],
  ['غدا', ['arabic']],
  // CJK: one character, two, three or more (a phrase of bigrams), in subject and body
  ['会', ['kaigi']],
  ['議題', ['kaigi']],
  ['会議室', ['kaigi']],
  ['三階です', ['kaigi']],
  ['会議はない', []],
  // two words, prefix, phrase
  ['quarterly report', ['reply', 'report']],
  ['quart*', ['reply', 'report']],
  ['revenue grew', ['report']],
  ['"report looks good"', ['reply']],
  ['"good report"', []],
  ['"quarterly figures"', ['report']],
  // HTML reduced to text: words yes, markup and style no
  ['summer shipping', ['newsletter']],
  ['crimson', []],
  ['promo', []],
  // fields
  ['from:bob', ['report']],
  ['from:bob@corp.example.com', ['report']],
  ['from:"Bob Chen"', ['report']],
  ['to:bob', ['reply']],
  ['cc:carol', ['report']],
  ['subject:report', ['reply', 'report']],
  ['subject:figures', []],
  ['filename:q3', ['report']],
  ['filename:figures.pdf', ['report']],
  ['from:müller', ['strasse']],
  ['from:田中', ['kaigi']],
  // operators on the rows
  ['has:attachment', ['report']],
  ['is:unread', ['report', 'vstrecha']],
  ['is:read', without('report', 'vstrecha')],
  ['is:flagged', ['kaigi']],
  ['in:sent', ['reply']],
  ['in:inbox account:b', ['newsletter']],
  ['account:a', without('newsletter')],
  ['before:2026-01-01', ['newsletter']],
  ['after:2026-03-01', ['cafe', 'strasse']],
  ['after:2026-02-01 before:2026-02-03', ['arabic', 'greek']],
  ['after:7d', ['strasse']],
  ['larger:100k', ['report']],
  ['smaller:100k', without('report')],
  // negation and combinations
  ['report -from:alice', ['report']],
  ['quarterly -re', ['report']],
  ['-report', without('report', 'reply')],
  ['-is:read -has:attachment', ['vstrecha']],
  ['report is:unread has:attachment after:2026-02-01 from:bob', ['report']],
  ['report in:sent -is:unread', ['reply']],
  // words with flags (the flags kept beside each document)
  ['quarterly is:unread', ['report']],
  ['quarterly is:read', ['reply']],
  ['quarterly -is:unread', ['reply']],
  ['会議 is:flagged', ['kaigi']],
  ['会議 -is:flagged', []],
  ['quarterly -figures is:unread', []],
  ['quarterly -figures is:read', ['reply']],
  // words within dates (the dates also bound the index's walk)
  ['cafe after:2026-03-01', ['cafe']],
  ['cafe after:2026-03-02', []],
  ['cafe before:2026-03-01', []],
  ['cafe before:2026-03-02', ['cafe']],
  ['cafe -after:2026-03-02', ['cafe']],
  ['cafe -before:2026-03-01', ['cafe']],
  ['quarterly after:2026-02-10 before:2026-02-11', ['report']],
  ['quarterly after:2026-02-11 before:2026-02-10', []],
  ['-in:inbox', ['reply']],
];

describe('search on a fixed corpus', () => {
  it.each(CASES)('%s', async (query, expected) => {
    const c = await corpus();
    expect(find(c, query)).toEqual(expected.sort());
  });

  it('searches one folder or one account on request', async () => {
    const c = await corpus();
    const sent = c.cache.mailboxes.list('a').find((m) => m.path === 'Sent')!.id;
    expect(find(c, 'report', { mailboxId: sent })).toEqual(['reply']);
    expect(find(c, 'sale', { accountId: 'a' })).toEqual([]);
    expect(find(c, 'sale', { accountId: 'b' })).toEqual(['newsletter']);
  });

  it('names an unknown folder or account clearly', async () => {
    const c = await corpus();
    expect(() => find(c, 'in:nowhere')).toThrow(/No folder is called "nowhere"/);
    expect(() => find(c, 'account:zz')).toThrow(/No account is called "zz"/);
  });

  it('pages without repeating or losing a message', async () => {
    const c = await corpus();
    const page = (offset: number) =>
      searchMessages(c.cache, parseSearchQuery('account:a', NOW), {}, { offset, limit: 3, now: NOW }).map((m) => c.keys.get(m.id)!);
    const pages = [...page(0), ...page(3), ...page(6), ...page(9)];
    expect(pages.sort()).toEqual(without('newsletter'));
  });

  it('ranks a subject match above a body-only match', async () => {
    const c = await corpus();
    const found = searchMessages(c.cache, parseSearchQuery('report', NOW), {}, { offset: 0, limit: 10, now: NOW }).map((m) => c.keys.get(m.id));
    // Both have "report" in the subject; "reply" also in the body, and is one day newer.
    expect(found).toEqual(['reply', 'report']);
    const quarterly = searchMessages(c.cache, parseSearchQuery('figures', NOW), {}, { offset: 0, limit: 10, now: NOW });
    expect(quarterly.map((m) => c.keys.get(m.id))).toEqual(['report']);
  });

  it('ranks a phrase by where it is (subject above Cc) without bm25, then by date', async () => {
    const c = await corpus();
    const inbox = c.cache.mailboxes.list('a').find((m) => m.path === 'INBOX')!.id;
    const add = (key: string, uid: number, input: Fixture['input']) => {
      const [id] = c.cache.messages.upsert([message({ key, folder: 'a/INBOX', input, raw: '' }, inbox, uid)]);
      c.keys.set(id!, key);
    };
    const committee = [{ name: 'Garden Party Committee', address: 'gp@example.org' }];
    add('in-cc-newest', 901, { subject: 'Chairs', cc: committee, date: day(2026, 3, 9) });
    add('in-subject', 902, { subject: 'Plans for the garden party', date: day(2026, 3, 2) });
    add('in-cc-older', 903, { subject: 'Tables', cc: committee, date: day(2026, 3, 5) });
    // Both words, neither phrase: not a match.
    add('apart', 904, { subject: 'Garden chairs for the party', date: day(2026, 3, 9) });
    const ranked = (q: string) => searchMessages(c.cache, parseSearchQuery(q, NOW), {}, { offset: 0, limit: 10, now: NOW }).map((m) => c.keys.get(m.id));
    expect(ranked('"garden party"')).toEqual(['in-subject', 'in-cc-newest', 'in-cc-older']);
    // Words joined by a hyphen are a phrase too, here with a prefix.
    expect(ranked('garden-par*')).toEqual(['in-subject', 'in-cc-newest', 'in-cc-older']);
    expect(ranked('"party garden"')).toEqual([]);
    expect(ranked('"garden party" chairs')).toEqual(['in-cc-newest']);
  });

  it('follows a changed summary and a deleted message', async () => {
    const c = await corpus();
    const reportId = c.ids.get('report')!;
    const before = c.cache.messages.get(reportId)!;
    const inbox = before.mailboxId;
    c.cache.messages.upsert([{ ...before, subject: 'Annual numbers', attachmentNames: [] }]);
    expect(find(c, 'subject:quarterly')).toEqual(['reply']);
    expect(find(c, 'annual')).toEqual(['report']);
    // The body is indexed again after the change.
    await c.indexer.idle();
    expect(find(c, 'revenue')).toEqual(['report']);
    c.cache.messages.remove([c.ids.get('cafe')!]);
    expect(find(c, 'cafe')).toEqual([]);
    // A folder removed takes its messages' documents with it (the delete cascades).
    c.cache.mailboxes.remove(inbox);
    expect(find(c, 'account:a')).toEqual(['reply']);
    expect(find(c, 'revenue')).toEqual([]);
  });

  it("follows a message's flags in searches with words", async () => {
    const c = await corpus();
    const report = c.ids.get('report')!;
    c.cache.messages.setFlags(report, ['\\Seen', '\\Flagged']);
    expect(find(c, 'quarterly is:unread')).toEqual([]);
    expect(find(c, 'quarterly is:flagged')).toEqual(['report']);
    // Stored again by a sync with other flags: a new document, with them.
    c.cache.messages.upsert([{ ...c.cache.messages.get(report)!, flags: [], attachmentNames: [] }]);
    expect(find(c, 'quarterly is:unread')).toEqual(['report']);
    expect(find(c, 'quarterly is:flagged')).toEqual([]);
  });

  it("fills the documents' flags when it opens a cache of schema 4", () => {
    const dir = tempDir('cache-v4');
    let cache = new CacheDb(dir);
    seedAccount(cache, 'a');
    const inbox = seedFolder(cache, 'a', 'INBOX', 'inbox').id;
    const lantern = (key: string, uid: number, flags: string[]) =>
      message({ key, folder: 'a/INBOX', input: { subject: `Lantern ${key}`, date: day(2026, 2, uid), flags }, raw: '' }, inbox, uid);
    cache.messages.upsert([lantern('read', 1, ['\\Seen']), lantern('unread', 2, []), lantern('flagged', 3, ['\\Seen', '\\Flagged'])]);
    // What schema 4 had: no flags beside the documents, no trigger to keep them.
    cache.db.exec(`DROP TRIGGER messages_flags_to_search; ALTER TABLE search_docs DROP COLUMN flags; UPDATE meta SET value = '4' WHERE key = 'schema'`);
    cache.close();
    cache = new CacheDb(dir);
    try {
      const subjects = (q: string) => searchMessages(cache, parseSearchQuery(q, NOW), {}, { offset: 0, limit: 10, now: NOW }).map((m) => m.subject);
      expect(subjects('lantern is:unread')).toEqual(['Lantern unread']);
      expect(subjects('lantern is:flagged')).toEqual(['Lantern flagged']);
      const [unread] = cache.messages.upsert([lantern('unread', 2, ['\\Seen'])]);
      cache.messages.setFlags(unread!, ['\\Seen']);
      expect(subjects('lantern is:unread')).toEqual([]);
    } finally {
      cache.close();
    }
  });

  it('puts a message at the edge of a day on the right side of a date', async () => {
    const c = await corpus();
    const inbox = c.cache.mailboxes.list('a').find((m) => m.path === 'INBOX')!.id;
    const midnight = new Date(2026, 2, 1).getTime();
    const edge = (key: string, date: number, uid: number) => {
      const [id] = c.cache.messages.upsert([message({ key, folder: 'a/INBOX', input: { subject: `${key} kettle`, date }, raw: '' }, inbox, uid)]);
      c.keys.set(id!, key);
    };
    edge('midnight', midnight, 901);
    edge('evening', midnight - 1, 902);
    edge('lateevening', midnight - 1001, 903);
    expect(find(c, 'kettle after:2026-03-01')).toEqual(['midnight']);
    expect(find(c, 'kettle before:2026-03-01')).toEqual(['evening', 'lateevening']);
    expect(find(c, 'kettle -before:2026-03-01')).toEqual(['midnight']);
  });

  it('indexes a message listed twice in one store once, as its last version', async () => {
    const c = await corpus();
    const reportId = c.ids.get('report')!;
    const before = c.cache.messages.get(reportId)!;
    const docs = () => c.cache.db.prepare('SELECT COUNT(*) AS n FROM search_docs WHERE message_id=?').get(reportId) as { n: number };
    c.cache.messages.upsert([
      { ...before, subject: 'Walnut list' },
      { ...before, subject: 'Chestnut list' },
    ]);
    expect(find(c, 'walnut')).toEqual([]);
    expect(find(c, 'chestnut')).toEqual(['report']);
    expect(docs().n).toBe(1);
    c.cache.db.prepare("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')").run();
  });

  it('indexes a body when it is downloaded later', async () => {
    const c = await corpus();
    // Only this test's indexer reads bodies from here on.
    c.indexer.close();
    const cache = c.cache;
    seedAccount(cache, 'late');
    const folder = seedFolder(cache, 'late', 'INBOX', 'inbox').id;
    let available = false;
    const indexer = new BodyIndexer({
      cache,
      localSource: async () => (available ? Buffer.from(text('Subject: s', 'The zucchini harvest doubled.')) : null),
      log: silentLogger,
    });
    const [id] = cache.messages.upsert([message({ key: 'late', folder: 'a/INBOX', input: { subject: 'Garden', date: day(2026, 3, 2) }, raw: '' }, folder, 1)]);
    await indexer.idle();
    expect(find(c, 'zucchini')).toEqual([]);
    available = true;
    cache.messages.setBodyCached(id!, true);
    await indexer.idle();
    expect(searchMessages(cache, parseSearchQuery('zucchini', NOW), {}, { offset: 0, limit: 5, now: NOW }).map((m) => m.id)).toEqual([id]);
    indexer.close();
  });

  it('indexes bodies after the downloads under way, not beside them', async () => {
    const c = await corpus();
    c.indexer.close();
    const cache = c.cache;
    seedAccount(cache, 'dl');
    const folder = seedFolder(cache, 'dl', 'INBOX', 'inbox').id;
    let release!: () => void;
    let downloading: Promise<void> | null = new Promise<void>((r) => (release = r));
    const read: number[] = [];
    const indexer = new BodyIndexer({
      cache,
      localSource: async (id) => (read.push(id), Buffer.from(text('Subject: s', 'Parsnips by the crate.'))),
      downloading: async () => {
        await downloading;
      },
      log: silentLogger,
    });
    const [id] = cache.messages.upsert([message({ key: 'dl', folder: 'a/INBOX', input: { subject: 'Roots', date: day(2026, 3, 4) }, raw: '' }, folder, 1)]);
    const found = (q: string) => searchMessages(cache, parseSearchQuery(q, NOW), {}, { offset: 0, limit: 5, now: NOW }).map((m) => m.id);
    indexer.kick();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    // The summary is searchable at once; the body waits for the download to end.
    expect(found('roots')).toEqual([id]);
    expect(read).toEqual([]);
    expect(found('parsnips')).toEqual([]);
    release();
    downloading = null;
    await indexer.idle();
    expect(read).toEqual([id]);
    expect(found('parsnips')).toEqual([id]);
    indexer.close();
  });

  it('marks bodies that cannot be local absent in bulk, reading only those that can', async () => {
    const c = await corpus();
    c.indexer.close();
    const cache = c.cache;
    seedAccount(cache, 'bulk');
    const folder = seedFolder(cache, 'bulk', 'INBOX', 'inbox').id;
    const read: number[] = [];
    const marked: number[] = [];
    const indexer = new BodyIndexer({
      cache,
      localSource: async (id) => {
        read.push(id);
        return cache.messages.isBodyCached(id) ? Buffer.from(text('Subject: s', 'Kept offline: kohlrabi.')) : null;
      },
      markAbsent: (limit) => {
        const n = cache.search.markAbsentWithoutCopy(limit);
        marked.push(n);
        return n;
      },
      log: silentLogger,
    });
    const ids = cache.messages.upsert(
      Array.from({ length: 40 }, (_, i) =>
        message({ key: `bulk${i}`, folder: 'a/INBOX', input: { subject: `Bulk ${i}`, date: day(2026, 3, 3) + i * 1000 }, raw: '' }, folder, i + 1),
      ),
    );
    cache.messages.setBodyCached(ids[7]!, true);
    await indexer.idle();
    // Only the one with an offline copy was read; the 39 others were marked in one statement.
    expect(read).toEqual([ids[7]]);
    expect(marked[0]).toBe(39);
    expect(searchMessages(cache, parseSearchQuery('kohlrabi', NOW), {}, { offset: 0, limit: 5, now: NOW }).map((m) => m.subject)).toEqual(['Bulk 7']);
    // One downloaded later is read then.
    cache.messages.setBodyCached(ids[3]!, true);
    await indexer.idle();
    expect(read).toEqual([ids[7], ids[3]]);
    indexer.close();
  });

  it('gives the same answers after a rebuild', async () => {
    const c = await corpus();
    const answers = CASES.map(([q]) => find(c, q));
    c.cache.search.clear();
    expect(find(c, 'cafe')).toEqual([]);
    await c.indexer.idle();
    expect(CASES.map(([q]) => find(c, q))).toEqual(answers);
    expect(c.cache.search.status()).toMatchObject({ messages: FIXTURES.length, documents: FIXTURES.length, bodiesIndexed: FIXTURES.length, bodiesPending: 0 });
  });
});

describe('body indexing in the background', () => {
  it('indexes in bounded batches and lets the event loop turn between them', async () => {
    const cache = openCache('a');
    const folder = seedFolder(cache, 'a', 'INBOX', 'inbox').id;
    const n = 130;
    const body = (subject: string) => text(`Subject: ${subject}`, `This message says ${'lorem ipsum '.repeat(200)} marker${subject}`);
    const turns = { count: 0 };
    let ticking = true;
    const tick = () => {
      turns.count++;
      if (ticking) setImmediate(tick);
    };
    const seenAt: number[] = [];
    const sizes: number[] = [];
    const indexer = new BodyIndexer({
      cache,
      localSource: async (id) => Buffer.from(body(cache.messages.get(id)!.subject)),
      log: silentLogger,
      onBatch: (kind, count) => {
        if (kind !== 'bodies') return;
        sizes.push(count);
        seenAt.push(turns.count);
      },
    });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    setImmediate(tick);
    cache.messages.upsert(
      Array.from({ length: n }, (_, i) =>
        message({ key: `m${i}`, folder: 'a/INBOX', input: { subject: `m${i}`, date: day(2026, 1, 1) + i * 1000 }, raw: '' }, folder, i + 1),
      ),
    );
    await indexer.idle();
    ticking = false;
    delay.disable();
    indexer.close();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(25);
    expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil(n / 25));
    // Other work ran between every two batches.
    for (let i = 1; i < seenAt.length; i++) expect(seenAt[i]!).toBeGreaterThan(seenAt[i - 1]!);
    expect(cache.search.status()).toMatchObject({ bodiesIndexed: n, bodiesPending: 0 });
    const hit = searchMessages(cache, parseSearchQuery('markerm76', NOW), {}, { offset: 0, limit: 5, now: NOW });
    expect(hit.map((m) => m.subject)).toEqual(['m76']);
  });
});
