// What the relay reads from a queued message's header block: the block itself (from the start of
// the body file) and the From domain (to decide DKIM signing).
import { open } from 'node:fs/promises';
import { headerBlockOf } from './dsn.ts';

/** The header block (up to the blank line) among the first `max` bytes of a message file. */
export async function readHeaderBlock(file: string, max: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(max);
    const { bytesRead } = await fh.read(buf, 0, max, 0);
    return headerBlockOf(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** The domain of the (first) From header address, lower-cased, or ''. */
export function fromHeaderDomain(headerBlock: string): string {
  const m = /^from[ \t]*:((?:.*)(?:\r?\n[ \t].*)*)/im.exec(headerBlock);
  if (!m) return '';
  const v = m[1]!;
  const angle = /<[^>@]*@([^>\s]+)>/.exec(v);
  const bare = /[^\s<>"@,;:]+@([^\s<>",;:]+)/.exec(v);
  return (angle?.[1] ?? bare?.[1] ?? '').toLowerCase();
}
