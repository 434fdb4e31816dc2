// Hearth and Dovecot side by side for parity tests: a raw logged-in connection to each, and
// APPEND of the same bytes to both.
import { createDovecotUser, dovecot } from './peers.ts';
import { RawClient } from './imap-raw-client.ts';
import type { TestServer } from './imap-test-server.ts';

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
