// The shared MIME corpus (../shared/corpus/mime): real messages, some stored with LF and some with
// CRLF line ends, read byte for byte or with CRLF line ends (as SMTP, IMAP and POP3 carry mail).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const CORPUS_DIR = path.resolve(import.meta.dirname, '../../../shared/corpus/mime');

/** The corpus' .eml file names, sorted (only those starting with `prefix` when one is given). */
export function corpusNames(prefix = ''): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.eml') && f.startsWith(prefix))
    .sort();
}

/** One corpus message, byte for byte as stored. */
export function corpusMessage(name: string): Buffer {
  return readFileSync(path.join(CORPUS_DIR, name));
}

/** One corpus message with CRLF line ends. */
export function corpusMessageCrlf(name: string): Buffer {
  return toCrlf(corpusMessage(name));
}

/** The first `limit` corpus messages (in name order) with CRLF line ends. */
export function corpusMessages(limit = Infinity): Array<{ name: string; raw: Buffer }> {
  return corpusNames()
    .slice(0, limit)
    .map((name) => ({ name, raw: corpusMessageCrlf(name) }));
}

/** Lone LF becomes CRLF, as on the wire (and as Dovecot's POP3 server sends a stored message). */
export function toCrlf(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}
