import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMaildir, listMaildir, maildirNameFlags } from '../../../src/main/maildir/maildir-reader.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('maildir reader', () => {
  it('maps the :2, info letters to IMAP flags', () => {
    expect(maildirNameFlags('1700000000.M1P2.host,S=120:2,DFPRST')).toEqual(['\\Draft', '\\Flagged', '$Forwarded', '\\Answered', '\\Seen', '\\Deleted']);
    expect(maildirNameFlags('1700000000.M1P2.host:2,ab')).toEqual([]);
    expect(maildirNameFlags('1700000000.M1P2.host')).toEqual([]);
  });

  it('lists cur/ and new/ oldest first, with flags, leaving out dot files', async () => {
    const dir = tempDir('maildir');
    expect(await isMaildir(dir)).toBe(false);
    for (const d of ['cur', 'new', 'tmp']) mkdirSync(path.join(dir, d));
    const put = (name: string, t: number) => {
      writeFileSync(path.join(dir, name), `Subject: ${name}\n\nx\n`);
      utimesSync(path.join(dir, name), t, t);
    };
    put('new/3.M3.host', 3000);
    put('cur/1.M1.host:2,S', 1000);
    put('cur/2.M2.host:2,RF', 2000);
    writeFileSync(path.join(dir, 'cur/.hidden'), 'x');
    expect(await isMaildir(dir)).toBe(true);
    const list = await listMaildir(dir);
    expect(list.map((e) => [e.name, e.key, e.flags, e.mtime.getTime()])).toEqual([
      ['cur/1.M1.host:2,S', '1.M1.host', ['\\Seen'], 1_000_000],
      ['cur/2.M2.host:2,RF', '2.M2.host', ['\\Answered', '\\Flagged'], 2_000_000],
      ['new/3.M3.host', '3.M3.host', [], 3_000_000],
    ]);
  });
});
