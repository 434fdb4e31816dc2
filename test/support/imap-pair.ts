// Our IMAP server and Dovecot side by side, holding the same messages: each test sends one command
// to both over raw connections and compares the answers (Dovecot is the reference for how a rule
// of RFC 3501 comes out on the wire).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createDovecotUser, dovecot } from './peers.ts';
import { startTestServer, RawClient } from './imap-harness.ts';
import type { TestServer } from './imap-harness.ts';
import { toCrlf } from './server.ts';

/** Small .eml fixtures written for single protocol rules (test/fixtures/mime). */
export const MIME_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/mime');

/** A fixture's bytes with CRLF line ends, as IMAP carries a message. */
export function mimeFixture(name: string): Buffer {
  return toCrlf(readFileSync(path.join(MIME_FIXTURES, name)));
}

export interface ImapPair {
  ours: RawClient;
  dovecot: RawClient;
  /** One command's untagged answer and tagged status ("OK", "NO", "BAD") from each server. */
  both(command: string): Promise<{ ours: string; dovecot: string }>;
  close(): Promise<void>;
}

/** Appends `messages` in order to the INBOX of a fresh user on each server and selects it. */
export async function startImapPair(messages: readonly Buffer[]): Promise<ImapPair> {
  let srv: TestServer | undefined;
  let ours: RawClient | undefined;
  let theirs: RawClient | undefined;
  try {
    srv = await startTestServer();
    const du = createDovecotUser();
    ours = await RawClient.connect(srv.plain.port);
    theirs = await RawClient.connect(dovecot.imapPort);
    await load(ours, srv.user, srv.password, messages);
    await load(theirs, du.user, du.password, messages);
  } catch (err) {
    ours?.close();
    theirs?.close();
    await srv?.close();
    throw err;
  }
  const a = ours;
  const b = theirs;
  const server = srv;
  return {
    ours: a,
    dovecot: b,
    async both(command) {
      return { ours: await answer(a, command), dovecot: await answer(b, command) };
    },
    async close() {
      a.close();
      b.close();
      await server.close();
    },
  };
}

async function load(c: RawClient, user: string, pass: string, messages: readonly Buffer[]): Promise<void> {
  await c.until(/\* OK/);
  const login = await c.cmd('l', `LOGIN ${user} ${pass}`);
  if (!/l OK/.test(login)) throw new Error(`LOGIN failed: ${login}`);
  for (const m of messages) {
    c.write(`a APPEND INBOX {${m.length}+}\r\n`);
    c.write(m);
    c.write('\r\n');
    const r = await c.until(/a (OK|NO|BAD)[^\r\n]*\r\n/);
    if (!/a OK/.test(r)) throw new Error(`APPEND failed: ${r}`);
  }
  await c.cmd('s', 'SELECT INBOX');
}

/** The untagged lines of one command's answer, then its status word alone (no text, which differs). */
async function answer(c: RawClient, command: string): Promise<string> {
  const out = await c.cmd('t', command);
  return out.replace(/t (OK|NO|BAD)[^\r\n]*\r\n$/, '$1');
}
