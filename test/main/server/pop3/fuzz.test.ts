// A live POP3 session fed random lines (fast-check): the server never crashes, answers every line
// with +OK/-ERR (or a multi-line reply), and still serves a well-formed session afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import net from 'node:net';
import { Pop3Client } from '../../../../src/main/client/pop3/index.ts';
import { startPop3TestServer } from '../../../support/pop3-test-server.ts';
import type { Pop3TestServer } from '../../../support/pop3-test-server.ts';

const VERBS = ['USER', 'PASS', 'AUTH', 'AUTH PLAIN', 'CAPA', 'STAT', 'LIST', 'UIDL', 'TOP', 'RETR', 'DELE', 'RSET', 'NOOP', 'APOP', 'XYZ', 'list', 'Retr'];

/** Sends lines one at a time, each followed by NOOP as a marker, and reads until the marker's reply. */
async function exchange(port: number, prelude: string[], lines: string[]): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (received += d));
  socket.on('error', () => {});
  await new Promise<void>((r) => socket.once('connect', () => r()));
  for (const l of prelude) socket.write(l + '\r\n');
  for (const l of lines) socket.write(Buffer.concat([Buffer.from(l, 'latin1'), Buffer.from('\r\n')]));
  socket.write('NOOP\r\nQUIT\r\n');
  await new Promise<void>((resolve) => {
    socket.on('close', () => resolve());
    setTimeout(() => {
      socket.destroy();
      resolve();
    }, 5000).unref();
  });
  return received;
}

describe('POP3 server fuzz', () => {
  let srv: Pop3TestServer;
  beforeAll(async () => {
    srv = await startPop3TestServer();
    await srv.deliver(srv.users[0]![0], [Buffer.from('Subject: a\r\n\r\n.dot\r\nbody\r\n'), Buffer.from('Subject: b\r\n\r\nb\r\n')]);
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('random lines before and after login: every session ends with a QUIT answer, the server keeps serving', async () => {
    const [alice, pw] = srv.users[0]!;
    const randomLine = fc.oneof(
      fc.string({ maxLength: 80, unit: 'binary' }).map((s) => s.replace(/[\r\n]/g, '')),
      fc
        .tuple(
          fc.constantFrom(...VERBS),
          fc.array(
            fc.oneof(
              fc.nat(5).map(String),
              fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, '')),
            ),
            { maxLength: 3 },
          ),
        )
        .map(([v, a]) => [v, ...a].join(' ')),
      fc.constant('X'.repeat(3000)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(randomLine, { maxLength: 25 }), fc.boolean(), async (lines, loggedIn) => {
        // AUTH PLAIN without argument waits for a continuation line; the next random line is it.
        const prelude = loggedIn ? [`USER ${alice}`, `PASS ${pw}`] : [];
        const out = await exchange(
          srv.plain.port,
          prelude,
          lines.filter((l) => !/^\s*(STLS|QUIT)\b/i.test(l)),
        );
        expect(out.startsWith('+OK')).toBe(true);
        // The session reached our QUIT (the last reply is its answer), or was closed for too many failed logins.
        expect(out).toMatch(/(\+OK Bye[^\r\n]*|-ERR \[AUTH\][^\r\n]*too many attempts)\r\n$/);
      }),
      { numRuns: 60 },
    );
    // Nothing was deleted by the fuzzing sessions unless a random DELE met a QUIT, and the server still works.
    const c = await Pop3Client.connect({ host: '127.0.0.1', port: srv.plain.port, security: 'none' });
    await c.login(alice, pw);
    await c.stat();
    await c.quit();
  });
});
