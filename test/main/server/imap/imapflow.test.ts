// imapflow (the client library Hearth itself uses) against our server over real sockets.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { startTestServer } from '../../../support/imap-test-server.ts';
import { RawClient } from '../../../support/imap-raw-client.ts';
import type { TestServer } from '../../../support/imap-test-server.ts';
import { corpusMessage } from '../../../support/corpus.ts';

let srv: TestServer;
const open: ImapFlow[] = [];

beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  for (const c of open) await c.logout().catch(() => c.close());
  await srv?.close();
});

function client(opts: { tls?: 'implicit' | 'starttls' | 'none'; qresync?: boolean } = {}): ImapFlow {
  const mode = opts.tls ?? 'none';
  const c = new ImapFlow({
    host: '127.0.0.1',
    port: mode === 'implicit' ? srv.tls.port : srv.plain.port,
    secure: mode === 'implicit',
    doSTARTTLS: mode === 'starttls' ? true : mode === 'none' ? false : undefined,
    tls: { ca: [readFileSync(srv.certPath)], servername: 'localhost', minVersion: 'TLSv1.2' },
    auth: { user: srv.user, pass: srv.password },
    logger: false,
    qresync: opts.qresync ?? false,
  } as ConstructorParameters<typeof ImapFlow>[0]);
  open.push(c);
  return c;
}

describe('imapflow against the Hearth IMAP server', () => {
  it('logs in over plain, STARTTLS and implicit TLS and lists special-use mailboxes', async () => {
    for (const tls of ['none', 'starttls', 'implicit'] as const) {
      const c = client({ tls });
      await c.connect();
      expect(c.authenticated).toBeTruthy();
      const boxes = await c.list();
      const byUse = Object.fromEntries(boxes.filter((b) => b.specialUse).map((b) => [b.specialUse, b.path]));
      expect(byUse).toMatchObject({ '\\Sent': 'Sent', '\\Trash': 'Trash', '\\Drafts': 'Drafts' });
      expect(boxes.map((b) => b.path)).toContain('INBOX');
      await c.logout();
    }
  });

  it('rejects a wrong password with AUTHENTICATIONFAILED', async () => {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: srv.plain.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: srv.user, pass: 'wrong' },
      logger: false,
    } as ConstructorParameters<typeof ImapFlow>[0]);
    const err = await c.connect().then(
      () => null,
      (e: unknown) => e as { authenticationFailed?: boolean; serverResponseCode?: string },
    );
    expect(err).not.toBeNull();
    expect(err!.authenticationFailed || err!.serverResponseCode === 'AUTHENTICATIONFAILED').toBeTruthy();
  });

  it('appends with APPENDUID, fetches envelope, bodystructure and bodies, searches, stores, copies, moves, expunges', async () => {
    const c = client();
    await c.connect();
    await c.mailboxCreate('Work');
    const files = ['rfc-000.eml', 'rfc-001.eml', 'thirdparty-000.eml', 'legacy-000.eml'];
    const appended: Array<{ uid?: number; uidValidity?: bigint | number }> = [];
    for (const f of files) appended.push((await c.append('Work', corpusMessage(f), ['\\Flagged'])) as { uid?: number; uidValidity?: bigint });
    expect(appended.map((a) => a.uid)).toEqual([1, 2, 3, 4]);
    expect(Number(appended[0]!.uidValidity)).toBeGreaterThan(0);

    const box = await c.mailboxOpen('Work');
    expect(box.exists).toBe(4);
    const msgs = await c.fetchAll('1:*', { uid: true, flags: true, envelope: true, bodyStructure: true, size: true, source: true });
    expect(msgs).toHaveLength(4);
    for (const [i, m] of msgs.entries()) {
      expect(m.source!.equals(corpusMessage(files[i]!))).toBe(true);
      expect(m.size).toBe(corpusMessage(files[i]!).length);
      expect(m.flags!.has('\\Flagged')).toBe(true);
      expect(m.bodyStructure).toBeTruthy();
    }
    // The envelope subject matches what mailparser reads from the same file.
    const { simpleParser } = await import('mailparser');
    const parsed = await simpleParser(corpusMessage(files[0]!));
    expect(msgs[0]!.envelope!.subject).toBe(parsed.subject);

    // imapflow reads with BODY.PEEK, which must not set \Seen (BODY[] is checked in the transcript tests).
    const peek = await c.fetchOne('2', { bodyParts: ['TEXT'], flags: true });
    expect(peek && peek.flags!.has('\\Seen')).toBe(false);
    const { content } = await c.download('2');
    const chunks: Buffer[] = [];
    for await (const ch of content!) chunks.push(ch as Buffer);
    expect(Buffer.concat(chunks).length).toBeGreaterThan(0);
    const after = await c.fetchOne('2', { flags: true, uid: true });
    expect(after && after.flags!.has('\\Seen')).toBe(false);
    await c.messageFlagsAdd('2', ['\\Seen']);

    // SEARCH by header, body text and flags.
    const subjWord =
      String(parsed.subject ?? '')
        .split(/\s+/)
        .find((w) => w.length > 3) ?? '';
    const bySubject = await c.search({ subject: subjWord }, { uid: true });
    expect(bySubject).toContain(1);
    expect(await c.search({ seen: true }, { uid: true })).toEqual([2]);
    expect(await c.search({ all: true })).toEqual([1, 2, 3, 4]);

    // STORE
    await c.messageFlagsAdd('1:2', ['$Work'], { uid: true });
    await c.messageFlagsRemove('1', ['\\Flagged'], { uid: true });
    const flags = await c.fetchAll('1:2', { flags: true, uid: true }, { uid: true });
    // Appended while no session had Work selected: this session's SELECT claimed them (\Recent).
    expect([...flags[0]!.flags!].sort()).toEqual(['$Work', '\\Recent']);
    expect([...flags[1]!.flags!].sort()).toEqual(['$Work', '\\Flagged', '\\Recent', '\\Seen']);

    // COPY with COPYUID, MOVE, EXPUNGE
    const copied = await c.messageCopy('1:2', 'Archive', { uid: true });
    expect(copied && copied.uidMap && [...copied.uidMap.entries()]).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const moved = await c.messageMove('3', 'Trash', { uid: true });
    expect(moved && moved.uidMap && [...moved.uidMap.entries()]).toEqual([[3, 1]]);
    expect(c.mailbox && (c.mailbox as { exists: number }).exists).toBe(3);
    await c.messageDelete('4', { uid: true });
    const left = await c.fetchAll('1:*', { uid: true });
    expect(left.map((m) => m.uid)).toEqual([1, 2]);
    const archive = (await c.status('Archive', { messages: true, unseen: true })) as { messages: number; unseen: number };
    expect(archive.messages).toBe(2);
    expect(archive.unseen).toBe(1);
    await c.logout();
  });

  it('IDLE receives a message appended and flags changed by another session', async () => {
    const watcher = client();
    const writer = client();
    await watcher.connect();
    await writer.connect();
    await watcher.mailboxCreate('Idle');
    await watcher.mailboxOpen('Idle');
    const existsSeen = new Promise<number>((resolve) => watcher.on('exists', (d: { count: number }) => resolve(d.count)));
    const idling = watcher.idle();
    await writer.append('Idle', corpusMessage('rfc-003.eml'));
    expect(await existsSeen).toBe(1);
    const flagsSeen = new Promise<string[]>((resolve) => watcher.on('flags', (d: { flags: Set<string> }) => resolve([...d.flags])));
    await writer.mailboxOpen('Idle');
    await writer.messageFlagsAdd('1', ['\\Answered']);
    expect(await flagsSeen).toContain('\\Answered');
    const expunged = new Promise<number>((resolve) => watcher.on('expunge', (d: { seq: number }) => resolve(d.seq)));
    await writer.messageDelete('1');
    expect(await expunged).toBe(1);
    await watcher.noop();
    await idling.catch(() => {});
    await watcher.logout();
    await writer.logout();
  });

  it('CONDSTORE: CHANGEDSINCE returns only changed messages; UNCHANGEDSINCE refuses stale stores', async () => {
    const c = client();
    await c.connect();
    await c.mailboxCreate('Cs');
    for (const f of ['rfc-000.eml', 'rfc-001.eml', 'rfc-003.eml']) await c.append('Cs', corpusMessage(f));
    const box = await c.mailboxOpen('Cs');
    const modseq = BigInt(box.highestModseq!);
    await c.messageFlagsAdd('2', ['\\Seen']);
    const changed = await c.fetchAll('1:*', { flags: true, uid: true }, { changedSince: modseq });
    expect(changed.map((m) => m.uid)).toEqual([2]);
    expect(BigInt(changed[0]!.modseq!)).toBeGreaterThan(modseq);
    // UNCHANGEDSINCE with an old modseq fails for the changed message.
    await c.messageFlagsAdd('1:2', ['$X'], { unchangedSince: modseq });
    const now = await c.fetchAll('1:2', { flags: true });
    expect(now.map((m) => m.flags!.has('$X'))).toEqual([true, false]);
    await c.logout();
  });
});

describe('QRESYNC resync (raw protocol)', () => {
  it('reports VANISHED (EARLIER) and changed flags after reconnecting', async () => {
    const c = client();
    await c.connect();
    await c.mailboxCreate('Q');
    for (const f of ['rfc-000.eml', 'rfc-001.eml', 'rfc-003.eml', 'rfc-004.eml']) await c.append('Q', corpusMessage(f));
    const st = (await c.status('Q', { uidValidity: true, highestModseq: true })) as { uidValidity: bigint; highestModseq: bigint };
    const modseq = st.highestModseq!;
    await c.mailboxOpen('Q');
    await c.messageDelete('2', { uid: true });
    await c.messageFlagsAdd('3', ['\\Flagged'], { uid: true });
    await c.logout();

    const raw = await RawClient.connect(srv.plain.port);
    await raw.until(/\* OK/);
    expect(await raw.cmd('a', `LOGIN ${srv.user} ${srv.password}`)).toMatch(/a OK/);
    expect(await raw.cmd('b', 'ENABLE QRESYNC')).toMatch(/\* ENABLED QRESYNC/);
    const sel = await raw.cmd('c', `SELECT Q (QRESYNC (${st.uidValidity} ${modseq} 1:4))`);
    expect(sel).toMatch(/\* VANISHED \(EARLIER\) 2\r\n/);
    expect(sel).toMatch(/\* 2 FETCH \(UID 3 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)/);
    expect(sel).toMatch(/c OK \[READ-WRITE\]/);
    const f = await raw.cmd('d', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)`);
    expect(f).toMatch(/\* VANISHED \(EARLIER\) 2\r\n/);
    expect(f).toMatch(/UID 3/);
    expect(f).not.toMatch(/UID 1 /);
    // A QRESYNC expunge is reported as VANISHED, not EXPUNGE.
    await raw.cmd('e', 'UID STORE 4 +FLAGS.SILENT (\\Deleted)');
    const x = await raw.cmd('g', 'EXPUNGE');
    expect(x).toMatch(/\* VANISHED 4\r\n/);
    raw.close();
  });
});
