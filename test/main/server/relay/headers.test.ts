import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { fromHeaderDomain, readHeaderBlock } from '../../../../src/main/server/relay/headers.ts';
import { tempDir } from '../../../support/temp-dir.ts';

describe('queued message headers', () => {
  it('reads the header block from the start of a body file, within the byte limit', async () => {
    const file = path.join(tempDir(), 'body');
    writeFileSync(file, 'From: a@home.test\r\nSubject: x\r\n\r\nFrom: not@a.header\r\n');
    expect(await readHeaderBlock(file, 1000)).toBe('From: a@home.test\r\nSubject: x');
    expect(await readHeaderBlock(file, 10)).toBe('From: a@ho');
    await expect(readHeaderBlock(path.join(tempDir(), 'missing'), 10)).rejects.toThrow(/ENOENT/);
  });

  it('finds the From domain', () => {
    expect(fromHeaderDomain('From: "Doe, J" <j@Home.Test>\r\nTo: x')).toBe('home.test');
    expect(fromHeaderDomain('From:\r\n alice@home.test (Alice)')).toBe('home.test');
    expect(fromHeaderDomain('To: a@b')).toBe('');
  });
});
