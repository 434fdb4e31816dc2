import { describe, expect, it } from 'vitest';
import { LaterSnippets } from '../../../../src/main/client/imap/folder-sync.ts';
import type { SnippetPart } from '../../../../src/main/client/imap/body-structure.ts';

describe('LaterSnippets (snippets fetched after the header batches of a first sync)', () => {
  const plain: SnippetPart = { part: '1.1', type: 'text/plain', encoding: 'quoted-printable', charset: 'utf-8' };
  const html: SnippetPart = { part: '2', type: 'text/html', encoding: 'base64', charset: 'utf-8' };

  it('groups UIDs by part and cuts each group into FETCHes of at most the batch size', () => {
    const later = new LaterSnippets();
    for (let uid = 1; uid <= 2500; uid++) later.add(uid, uid % 5 === 0 ? { ...html } : { ...plain });
    const chunks = [...later.chunks(1000)];
    expect(chunks.map((c) => [c.part.part, c.uids.length])).toEqual([
      ['1.1', 1000],
      ['1.1', 1000],
      ['2', 500],
    ]);
    expect(chunks.every((c) => c.uids.length <= 1000)).toBe(true);
    // Every UID once, under the part it was added with.
    expect(chunks.flatMap((c) => c.uids).sort((a, b) => a - b)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(
      chunks
        .filter((c) => c.part.part === '2')
        .flatMap((c) => c.uids)
        .every((uid) => uid % 5 === 0),
    ).toBe(true);
  });

  it('keeps one description per distinct part, not one per message', () => {
    const later = new LaterSnippets();
    for (let uid = 1; uid <= 100; uid++) later.add(uid, { ...plain });
    const parts = new Set([...later.chunks(10)].map((c) => c.part));
    expect(parts.size).toBe(1);
  });

  it('tells parts with another charset or encoding apart', () => {
    const later = new LaterSnippets();
    later.add(1, plain);
    later.add(2, { ...plain, charset: 'iso-8859-1' });
    expect([...later.chunks(1000)].map((c) => c.part.charset)).toEqual(['utf-8', 'iso-8859-1']);
  });
});
