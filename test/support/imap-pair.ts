// Hearth and Dovecot side by side for parity tests (Dovecot is the reference for how a rule of
// RFC 3501 comes out on the wire): a raw logged-in connection to each, APPEND of the same bytes to
// both, and pairs that hold the same messages and compare one command's answers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createDovecotUser, dovecot } from './peers.ts';
import { RawClient } from './imap-raw-client.ts';
import { startTestServer } from './imap-test-server.ts';
import type { TestServer } from './imap-test-server.ts';
import { toCrlf } from './corpus.ts';

export async function login(port: number, user: string, password: string): Promise<RawClient> {
  const c = await RawClient.connect(port);
  await c.until(/\* OK/);
  const r = await c.cmd('login', `LOGIN ${user} ${password}`);
  if (!/login OK/.test(r)) throw new Error(`login failed: ${r}`);
  return c;
}

/** A logged-in connection to our server and one to Dovecot (a fresh user with an empty mailbox). */
export async function openPair(srv: TestServer): Promise<{ ours: RawClient; theirs: RawClient }> {
  const du = createDovecotUser();
  return { ours: await login(srv.plain.port, srv.user, srv.password), theirs: await login(dovecot.imapPort, du.user, du.password) };
}

/** APPEND with LITERAL+; returns the server's lines up to the tagged reply. */
export async function appendMessage(c: RawClient, mailbox: string, message: Buffer | string, extra = ''): Promise<string> {
  const m = Buffer.isBuffer(message) ? message : Buffer.from(message, 'utf8');
  c.write(`ap APPEND ${mailbox}${extra} {${m.length}+}\r\n`);
  c.write(m);
  c.write('\r\n');
  return c.until(/(^|\r\n)ap (OK|NO|BAD)[^\r\n]*\r\n/);
}

/** The untagged lines of a reply (the tagged line and Dovecot's timing text dropped). */
export function untagged(reply: string): string[] {
  return reply.split('\r\n').filter((l) => l.startsWith('* '));
}

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
