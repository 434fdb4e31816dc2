// Offline copies of messages in bodies.sqlite: the bytes come back exactly, a batch is all or
// nothing, removal is final, and bodies an earlier version kept as files are still read.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BodyStore } from '../../../../src/main/client/imap/body-store.ts';
import { corpusMessage } from '../../../support/corpus.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const open: BodyStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
function store(dir: string): BodyStore {
  const s = new BodyStore(dir);
  open.push(s);
  return s;
}

describe('BodyStore', () => {
  it('returns every byte as written, across a reopen', () => {
    const dir = tempDir('bodies');
    const raw = corpusMessage('rfc-000.eml');
    // 8-bit, NUL and a lone CR: a cache of raw messages must not touch them.
    const binary = Buffer.concat([Buffer.from('Subject: x\r\n\r\n'), Buffer.from([0, 0xff, 0x0d, 0x41, 0x80])]);
    const s = store(dir);
    s.write(1, raw);
    s.writeMany([
      [2, binary],
      [3, Buffer.alloc(0)],
    ]);
    expect(s.read(1)!.equals(raw)).toBe(true);
    expect(s.read(2)!.equals(binary)).toBe(true);
    expect(s.read(3)!.length).toBe(0);
    expect(s.read(4)).toBeNull();
    s.close();
    const again = store(dir);
    expect(again.read(1)!.equals(raw)).toBe(true);
    expect(again.read(2)!.equals(binary)).toBe(true);
  });

  it('replaces a body written again, and removes for good', () => {
    const s = store(tempDir('bodies'));
    s.write(7, Buffer.from('old'));
    s.writeMany([[7, Buffer.from('new')]]);
    expect(s.read(7)!.toString()).toBe('new');
    s.writeMany([
      [8, Buffer.from('a')],
      [9, Buffer.from('b')],
    ]);
    s.removeMany([7, 8, 404]);
    s.remove(9);
    expect([s.read(7), s.read(8), s.read(9)]).toEqual([null, null, null]);
  });

  it('keeps none of a batch that fails part-way', () => {
    const s = store(tempDir('bodies'));
    s.write(1, Buffer.from('kept'));
    expect(() =>
      s.writeMany([
        [2, Buffer.from('two')],
        [3, null as unknown as Buffer], // NOT NULL: the statement fails
      ]),
    ).toThrow();
    expect(s.read(2)).toBeNull();
    expect(s.read(1)!.toString()).toBe('kept');
    // The store goes on working after the rollback.
    s.writeMany([[2, Buffer.from('two')]]);
    expect(s.read(2)!.toString()).toBe('two');
  });

  it('reads and removes the files an earlier version kept', () => {
    const dir = tempDir('bodies');
    const legacy = path.join(dir, 'bodies', '2a', '42.eml'); // 42 % 256 = 0x2a
    mkdirSync(path.dirname(legacy), { recursive: true });
    writeFileSync(legacy, 'Subject: from a file\r\n\r\nhi\r\n');
    const s = store(dir);
    expect(s.read(42)!.toString()).toContain('from a file');
    s.removeMany([42]);
    expect(existsSync(legacy)).toBe(false);
    expect(s.read(42)).toBeNull();
  });
});
