// Shared helpers for the household server's tests.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CORPUS_DIR = path.resolve(import.meta.dirname, '../../../shared/corpus/mime');

/** Real .eml fixtures from the shared corpus, CRLF line ends (as SMTP carries them). */
export function corpusMessages(limit = Infinity): Array<{ name: string; raw: Buffer }> {
  const names = readdirSync(CORPUS_DIR)
    .filter((n) => n.endsWith('.eml'))
    .sort()
    .slice(0, limit);
  return names.map((name) => ({ name, raw: toCrlf(readFileSync(path.join(CORPUS_DIR, name))) }));
}

export function toCrlf(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

export function tempDir(prefix = 'hearth-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function streamToBuffer(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}
