// Offline copies of messages in bodies.sqlite: the bytes come back exactly, a batch is all or
// nothing, removal is final, writes sent before close() are kept, and bodies an earlier version
// kept as files are still read.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BodyStore } from '../../../../src/main/client/imap/body-store.ts';
import { corpusMessage } from '../../../support/corpus.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const open: BodyStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
function store(dir: string): BodyStore {
  const s = new BodyStore(dir);
  open.push(s);
  return s;
}

describe('BodyStore', () => {
  it('returns every byte as written, across a reopen', async () => {
    const dir = tempDir('bodies');
    const raw = corpusMessage('rfc-000.eml');
    // 8-bit, NUL and a lone CR: a cache of raw messages must not touch them.
    const binary = Buffer.concat([Buffer.from('Subject: x\r\n\r\n'), Buffer.from([0, 0xff, 0x0d, 0x41, 0x80])]);
    const s = store(dir);
    await s.write(1, raw);
    await s.writeMany([
      [2, binary],
      [3, Buffer.alloc(0)],
    ]);
    expect(s.read(1)!.equals(raw)).toBe(true);
    expect(s.read(2)!.equals(binary)).toBe(true);
    expect(s.read(3)!.length).toBe(0);
    expect(s.read(4)).toBeNull();
    await s.close();
    const again = store(dir);
    expect(again.read(1)!.equals(raw)).toBe(true);
    expect(again.read(2)!.equals(binary)).toBe(true);
  });

  it('replaces a body written again, and removes for good', async () => {
    const s = store(tempDir('bodies'));
    await s.write(7, Buffer.from('old'));
    await s.writeMany([[7, Buffer.from('new')]]);
    expect(s.read(7)!.toString()).toBe('new');
    await s.writeMany([
      [8, Buffer.from('a')],
      [9, Buffer.from('b')],
    ]);
    await s.removeMany([7, 8, 404]);
    expect([s.read(7), s.read(8), s.read(9)!.toString()]).toEqual([null, null, 'b']);
  });

  it('takes over a body that owns its memory when handed over, and copies a pooled one', async () => {
    const s = store(tempDir('bodies'));
    const owned = Buffer.alloc(64 * 1024, 7);
    const pooled = Buffer.from('Subject: small\r\n\r\nfits in the pool\r\n');
    await s.writeMany(
      [
        [1, owned],
        [2, pooled],
      ],
      true,
    );
    expect(owned.length).toBe(0); // moved to the writer, not copied
    expect(pooled.toString()).toContain('fits in the pool');
    expect(s.read(1)!.equals(Buffer.alloc(64 * 1024, 7))).toBe(true);
    expect(s.read(2)!.equals(pooled)).toBe(true);
    // Without handing over, the caller keeps its bytes.
    const kept = Buffer.alloc(64 * 1024, 9);
    await s.writeMany([[3, kept]]);
    expect(kept.length).toBe(64 * 1024);
  });

  it('keeps what was sent before close(), and refuses writes after it', async () => {
    const dir = tempDir('bodies');
    const s = store(dir);
    // Not awaited: close() must let them finish first.
    const writes = Array.from({ length: 20 }, (_, i) => s.write(i + 1, Buffer.alloc(64 * 1024, i)));
    await s.close();
    await Promise.all(writes);
    await expect(s.write(99, Buffer.from('late'))).rejects.toThrow(/closed/);
    const again = store(dir);
    for (let i = 0; i < 20; i++) expect(again.read(i + 1)!.equals(Buffer.alloc(64 * 1024, i))).toBe(true);
  });

  it('keeps none of a batch that fails part-way, and goes on working', async () => {
    const s = store(tempDir('bodies'));
    await s.write(1, Buffer.from('kept'));
    await expect(
      s.writeMany([
        [2, Buffer.from('two')],
        [3, null as unknown as Buffer], // NOT NULL: the statement fails
      ]),
    ).rejects.toThrow(/offline copy/);
    expect(s.read(2)).toBeNull();
    expect(s.read(1)!.toString()).toBe('kept');
    await s.writeMany([[2, Buffer.from('two')]]);
    expect(s.read(2)!.toString()).toBe('two');
  });

  it('reads and removes the files an earlier version kept', async () => {
    const dir = tempDir('bodies');
    const legacy = path.join(dir, 'bodies', '2a', '42.eml'); // 42 % 256 = 0x2a
    mkdirSync(path.dirname(legacy), { recursive: true });
    writeFileSync(legacy, 'Subject: from a file\r\n\r\nhi\r\n');
    const s = store(dir);
    expect(s.read(42)!.toString()).toContain('from a file');
    await s.removeMany([42]);
    expect(existsSync(legacy)).toBe(false);
    expect(s.read(42)).toBeNull();
  });
});
