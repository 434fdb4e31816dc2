import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DirSyncer, atomicWriteFile, atomicWriteFileSync } from '../../../src/main/base/fs-durable.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('atomic writes', () => {
  for (const [kind, write] of [
    ['async', atomicWriteFile],
    ['sync', atomicWriteFileSync],
  ] as const) {
    it(`${kind}: replaces the content whole, with the mode asked for, and leaves no temp file`, async () => {
      const dir = tempDir();
      const file = path.join(dir, 'state.json');
      writeFileSync(file, 'old content that is longer than the new');
      await write(file, '{"n":1}');
      await write(path.join(dir, 'key.pem'), Buffer.from('secret'), 0o600);
      await write(path.join(dir, 'cert.pem'), 'public', 0o644);
      expect(readFileSync(file, 'utf8')).toBe('{"n":1}');
      expect(readFileSync(path.join(dir, 'key.pem'), 'utf8')).toBe('secret');
      if (process.platform !== 'win32') {
        expect(statSync(path.join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
        expect(statSync(path.join(dir, 'cert.pem')).mode & 0o777).toBe(0o644 & ~process.umask());
      }
      expect(readdirSync(dir).sort()).toEqual(['cert.pem', 'key.pem', 'state.json']);
    });

    it(`${kind}: a failed write leaves the old content and no temp file`, async () => {
      const dir = tempDir();
      const target = path.join(dir, 'taken');
      mkdirSync(target); // renaming a file over a directory fails
      await expect(async () => write(target, 'x')).rejects.toThrow();
      expect(statSync(target).isDirectory()).toBe(true);
      expect(readdirSync(dir)).toEqual(['taken']);
    });
  }
});

describe('DirSyncer', () => {
  it('callers of one tick share a directory fsync; every caller is answered', async () => {
    const a = tempDir();
    const b = tempDir();
    const syncer = new DirSyncer();
    const first = syncer.sync(a);
    expect(syncer.sync(a)).toBe(first);
    await Promise.all([first, syncer.syncAll([a, b, b])]);
    await expect(syncer.sync(path.join(a, 'missing'))).rejects.toThrow();
  });
});
