// Mail acknowledged is mail kept: APPEND, kill -9 the `hearth serve` process, restart it on the
// same data folder, and the message is there and the next APPEND gets a greater UID.
import { describe, it, expect, afterAll } from 'vitest';
import { rmSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { corpusMessage } from '../../../support/corpus.ts';
import { runHearth, startHearthServe, type ServeProcess } from '../../../support/hearth-cli.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const dir = tempDir('imap-durable');
const servers: ServeProcess[] = [];

afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** `hearth serve` with only the IMAP listener, on a free port. */
async function serve(): Promise<ServeProcess> {
  const s = await startHearthServe(dir, { imap: 0 });
  servers.push(s);
  return s;
}

async function login(port: number): Promise<ImapFlow> {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: 'dana@home.arpa', pass: 'dana-password-1' },
    logger: false,
  } as ConstructorParameters<typeof ImapFlow>[0]);
  await c.connect();
  return c;
}

describe('durability across kill -9', () => {
  it('keeps an acknowledged APPEND and continues with a greater UID', async () => {
    expect(await runHearth(['user', 'add', 'dana@home.arpa', '--data', dir, '--password', 'dana-password-1'])).toMatchObject({ code: 0 });
    const first = await serve();
    const c1 = await login(first.ports.imap!);
    const msg = corpusMessage('rfc-003.eml');
    const a1 = (await c1.append('INBOX', msg, ['\\Flagged'])) as { uid: number; uidValidity: bigint };
    expect(a1.uid).toBeGreaterThan(0);
    // No LOGOUT, no shutdown: the process dies right after the OK.
    await first.stop('SIGKILL');
    c1.close();

    const second = await serve();
    const c2 = await login(second.ports.imap!);
    const box = await c2.mailboxOpen('INBOX');
    expect(BigInt(box.uidValidity)).toBe(BigInt(a1.uidValidity));
    const msgs = await c2.fetchAll('1:*', { uid: true, flags: true, source: true });
    const kept = msgs.find((m) => m.uid === a1.uid);
    expect(kept).toBeTruthy();
    expect(kept!.source!.equals(msg)).toBe(true);
    expect(kept!.flags!.has('\\Flagged')).toBe(true);
    const a2 = (await c2.append('INBOX', msg)) as { uid: number };
    expect(a2.uid).toBeGreaterThan(a1.uid);
    await c2.logout();
    await second.stop();
  });
});
