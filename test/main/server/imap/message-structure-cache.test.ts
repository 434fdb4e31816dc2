// The structure cache against the real store: full parses, header-only reads for big messages,
// shared concurrent loads, and MESSAGE_GONE not being cached.
import { describe, it, expect, afterAll } from 'vitest';
import { rmSync } from 'node:fs';
import { MaildirStore } from '../../../../src/main/maildir/maildir-store.ts';
import { StructureCache } from '../../../../src/main/server/imap/message-structure-cache.ts';
import { bodyStructure } from '../../../../src/main/server/imap/protocol/body-structure.ts';
import { envelope } from '../../../../src/main/server/imap/protocol/envelope.ts';
import { serializeToBuffer } from '../../../../src/main/server/imap/protocol/response.ts';
import { corpusMessage } from '../../../support/corpus.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const dir = tempDir('imap-cache');
const store = new MaildirStore({ root: dir, hostname: 'test' });
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('StructureCache', () => {
  it('parses big messages by header only, small ones fully, and shares concurrent loads', async () => {
    const mail = await store.user('carol@home.arpa');
    const small = corpusMessage('rfc-000.eml');
    const big = Buffer.concat([
      Buffer.from('Subject: big one\r\nFrom: a@b.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\n'),
      Buffer.alloc(200_000, 'a'),
      Buffer.from('\r\n--x--\r\n'),
    ]);
    const s1 = await mail.append('INBOX', small);
    const s2 = await mail.append('INBOX', big);
    const box = await mail.openMailbox('INBOX');
    const cache = new StructureCache(10, 100_000);
    const [m1, m2] = await box.listMessages();
    const full = await cache.get('carol', box, m1!);
    expect(full.children.length).toBeGreaterThan(1);
    const [a, b] = await Promise.all([cache.get('carol', box, m2!), cache.get('carol', box, m2!)]);
    expect(a).toBe(b);
    expect(a.children).toEqual([]);
    expect(serializeToBuffer(envelope(a)).toString()).toContain('"big one"');
    expect(serializeToBuffer(bodyStructure(a, false)).toString()).toMatch(/^\("application" "octet-stream" NIL NIL NIL "7bit" \d+\)$/);
    // A header-only read for ENVELOPE of a small message is its full structure (one read).
    expect(await cache.getHeader('carol', box, m1!)).toBe(full);
    // Gone messages fail and are not remembered.
    await box.remove([s1.uid]);
    const fresh = new StructureCache(10, 100_000);
    await expect(fresh.get('carol', box, m1!)).rejects.toMatchObject({ code: 'MESSAGE_GONE' });
    await expect(fresh.get('carol', box, m1!)).rejects.toMatchObject({ code: 'MESSAGE_GONE' });
    expect(s2.uid).toBeGreaterThan(s1.uid);
  });

  it('keeps serialised ENVELOPEs within a byte budget, least recently used out first', async () => {
    const mail = await store.user('dave@home.arpa');
    for (let n = 1; n <= 3; n++) await mail.append('INBOX', Buffer.from(`Subject: ${n}\r\n\r\nbody\r\n`));
    const box = await mail.openMailbox('INBOX');
    const [m1, m2, m3] = await box.listMessages();
    const cache = new StructureCache(10, 100_000, 250);
    const bytes = (c: string) => Buffer.alloc(100, c);
    cache.keepEnvelope('dave', box, m1!, bytes('a'));
    cache.keepEnvelope('dave', box, m2!, bytes('b'));
    expect(cache.envelope('dave', box, m1!)?.[0]).toBe(97); // m1 used: m2 is now the oldest
    cache.keepEnvelope('dave', box, m3!, bytes('c')); // 300 bytes > 250: m2 goes
    expect(cache.envelope('dave', box, m2!)).toBeUndefined();
    expect(cache.envelope('dave', box, m1!)).toBeDefined();
    expect(cache.envelope('dave', box, m3!)).toBeDefined();
    // The same message of another user is another key.
    expect(cache.envelope('carol', box, m1!)).toBeUndefined();
    // No budget, nothing kept.
    const none = new StructureCache(10, 100_000);
    none.keepEnvelope('dave', box, m1!, bytes('a'));
    expect(none.envelope('dave', box, m1!)).toBeUndefined();
  });
});
