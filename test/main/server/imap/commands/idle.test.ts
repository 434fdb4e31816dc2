// IDLE gathers other sessions' changes for idleNotifyDelayMs and sends each message's flags once,
// as they then are. The servers here wait 3 s, far longer than two STOREs on loopback take, so
// the outcome does not depend on the machine's speed; imapServerLimits keeps it short.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer } from '../../../../support/imap-test-server.ts';
import type { TestServer } from '../../../../support/imap-test-server.ts';
import { loggedIn, type RawClient } from '../../../../support/imap-raw-client.ts';

const fetchLines = (text: string) => text.split('\r\n').filter((l) => / FETCH \(/.test(l));

async function seeded(srv: TestServer): Promise<[RawClient, RawClient]> {
  const mail = await srv.store.user(srv.user);
  for (let i = 1; i <= 3; i++) await mail.append('INBOX', Buffer.from(`Subject: m${i}\r\n\r\nbody ${i}\r\n`));
  const login = { port: srv.plain.port, user: srv.user, password: srv.password };
  const idler = await loggedIn(login);
  const other = await loggedIn(login);
  expect(await idler.cmd('s', 'SELECT INBOX')).toMatch(/s OK/);
  expect(await other.cmd('s', 'SELECT INBOX')).toMatch(/s OK/);
  return [idler, other];
}

/**
 * Another session adds then removes a keyword while `idler` idles; what IDLE sent, up to DONE's OK.
 * `heardBetween`: the idler hears of the first change before the second is made.
 */
async function burstDuringIdle(idler: RawClient, other: RawClient, heardBetween = false): Promise<string> {
  idler.write('i IDLE\r\n');
  await idler.until(/^\+ /m);
  expect(await other.cmd('a', 'STORE 1:3 +FLAGS ($Burst)')).toMatch(/a OK/);
  let seen = heardBetween ? await idler.until(/\* 3 FETCH[^\r\n]*\r\n/) : '';
  expect(await other.cmd('b', 'STORE 1:3 -FLAGS ($Burst)')).toMatch(/b OK/);
  seen += await idler.until(/\* 3 FETCH[^\r\n]*\r\n/);
  idler.write('DONE\r\n');
  seen += await idler.until(/(^|\r\n)i OK[^\r\n]*\r\n/);
  return seen;
}

/** A server for the tests of this describe block whose IDLE waits `ms`; the getter gives it. */
function serverWaiting(ms: number): () => TestServer {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ tuning: { idleNotifyDelayMs: ms } });
  });
  afterAll(async () => {
    await srv.close();
  });
  return () => srv;
}

describe('IDLE', () => {
  describe('gathering changes (3 s)', () => {
    const server = serverWaiting(3000);

    it("sends another session's +FLAGS then -FLAGS as one FETCH a message, in the final state", async () => {
      const [idler, other] = await seeded(server());
      const seen = await burstDuringIdle(idler, other);
      expect(fetchLines(seen)).toEqual(['* 1 FETCH (UID 1 FLAGS (\\Recent))', '* 2 FETCH (UID 2 FLAGS (\\Recent))', '* 3 FETCH (UID 3 FLAGS (\\Recent))']);
      // The keyword it never showed on a message is still announced (it is the mailbox's now).
      expect(seen).toMatch(/\* FLAGS \([^)]*\$Burst\)/);
      idler.close();
      other.close();
    });

    it('sends new mail once the wait is over, without any command', async () => {
      const [idler, other] = await seeded(server());
      idler.write('i IDLE\r\n');
      await idler.until(/^\+ /m);
      await (await server().store.user(server().user)).append('INBOX', Buffer.from('Subject: new\r\n\r\nnew\r\n'));
      expect(await idler.until(/\* \d+ EXISTS\r\n/)).toMatch(/\* 7 EXISTS/);
      idler.write('DONE\r\n');
      expect(await idler.until(/(^|\r\n)i OK[^\r\n]*\r\n/)).not.toMatch(/EXISTS/);
      idler.close();
      other.close();
    });
  });

  describe('without gathering', () => {
    const server = serverWaiting(0);

    it('sends each change as it happens (what the wait saves)', async () => {
      const [idler, other] = await seeded(server());
      const seen = await burstDuringIdle(idler, other, true);
      const lines = fetchLines(seen);
      expect(lines.filter((l) => l.includes('$Burst'))).toHaveLength(3);
      expect(lines).toHaveLength(6);
      idler.close();
      other.close();
    });
  });
});
