// The household POP3 server, driven by Hearth's own POP3 client (src/main/client/pop3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { Pop3Client } from '../../../../src/main/client/pop3/index.ts';
import type { Pop3ClientOptions } from '../../../../src/main/client/pop3/index.ts';
import { HearthError } from '../../../../src/shared/errors.ts';
import { startPop3TestServer } from '../../../support/pop3-test-server.ts';
import type { Pop3TestServer } from '../../../support/pop3-test-server.ts';
import { corpusMessageCrlf, corpusNames } from '../../../support/corpus.ts';
import { expectCode } from '../../../support/expect-code.ts';
import { sha256 } from '../../../support/bytes.ts';

/** What a POP3 client receives for a stored message: an unterminated last line gets its CRLF. */
function asRetrieved(stored: Buffer): Buffer {
  return stored.length === 0 || stored.subarray(-2).equals(Buffer.from('\r\n')) ? stored : Buffer.concat([stored, Buffer.from('\r\n')]);
}

/** A raw POP3 connection for transcript-style checks. */
async function rawSession(port: number): Promise<{ send(line: string): void; next(): Promise<string>; socket: net.Socket }> {
  const socket = net.connect(port, '127.0.0.1');
  let buf = '';
  const waiters: Array<() => void> = [];
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => {
    buf += d;
    waiters.splice(0).forEach((w) => w());
  });
  socket.on('close', () => waiters.splice(0).forEach((w) => w()));
  const next = async (): Promise<string> => {
    for (;;) {
      const i = buf.indexOf('\r\n');
      if (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        return line;
      }
      if (socket.destroyed) throw new Error('closed');
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  await next(); // greeting
  return { send: (l) => socket.write(l + '\r\n'), next, socket };
}

describe('household POP3 server with the Hearth POP3 client', () => {
  let srv: Pop3TestServer;
  let plainOpts: Pop3ClientOptions;
  let starttls: Pop3ClientOptions;
  let implicitTls: Pop3ClientOptions;
  const names = corpusNames().slice(0, 30);
  const stored = names.map((n) => corpusMessageCrlf(n));
  const dotted = Buffer.from('Subject: dots\r\n\r\n.\r\n..\r\n.x\r\nend.\r\n');
  const big = Buffer.concat([
    Buffer.from('Subject: big\r\n\r\n'),
    ...Array.from({ length: 120_000 }, (_, i) => Buffer.from((i % 50 === 0 ? '.' : '') + randomBytes(48).toString('base64') + '\r\n')),
  ]);
  let alice: string;
  let alicePw: string;

  beforeAll(async () => {
    srv = await startPop3TestServer();
    [alice, alicePw] = srv.users[0]!;
    plainOpts = { host: '127.0.0.1', port: srv.plain.port, security: 'none' };
    starttls = { host: '127.0.0.1', port: srv.plain.port, security: 'starttls', ca: srv.ca };
    implicitTls = { host: '127.0.0.1', port: srv.tls.port, security: 'tls', ca: srv.ca };
    await srv.deliver(alice, [...stored, dotted, big]);
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('offers STLS, upgrades, and logs in with AUTH PLAIN and with USER/PASS', async () => {
    const c = await Pop3Client.connect(starttls);
    expect(c.secure).toBe(true);
    expect(c.capabilities.has('STLS')).toBe(false);
    expect(c.capabilities.has('PIPELINING')).toBe(true);
    expect(c.capabilities.get('SASL')).toEqual(['PLAIN']);
    await c.login(alice, alicePw, 'plain');
    expect((await c.stat()).count).toBe(stored.length + 2);
    await c.quit();
    const d = await Pop3Client.connect(implicitTls);
    await d.login(alice.toUpperCase(), alicePw, 'user');
    expect((await d.list()).length).toBe(stored.length + 2);
    await d.quit();
  });

  it('accepts a password with spaces over USER/PASS', async () => {
    const [bob, bobPw] = srv.users[1]!;
    const c = await Pop3Client.connect(implicitTls);
    await c.login(bob, bobPw, 'user');
    expect(await c.stat()).toEqual({ count: 0, size: 0 });
    await c.quit();
  });

  it('rejects a wrong password with [AUTH] and the session goes on', async () => {
    const c = await Pop3Client.connect(starttls);
    const e = await expectCode(c.login(alice, 'wrong', 'plain'), 'AUTH_FAILED');
    expect(e.response).toMatch(/^-ERR \[AUTH\]/);
    await expectCode(c.login(alice, 'wrong', 'user'), 'AUTH_FAILED');
    await c.login(alice, alicePw, 'user');
    await c.quit();
  });

  it('sends every message byte-exact, sizes as LIST says, stuffed lines undone', async () => {
    const c = await Pop3Client.connect(plainOpts);
    await c.login(alice, alicePw);
    const list = await c.list();
    for (let i = 0; i < stored.length; i++) {
      expect(list[i]!.size).toBe(stored[i]!.length);
      const got = await c.retrBuffer(i + 1);
      expect(got.toString('latin1'), names[i]).toBe(asRetrieved(stored[i]!).toString('latin1'));
    }
    expect((await c.retrBuffer(stored.length + 1)).equals(dotted)).toBe(true);
    await c.quit();
  });

  it('streams a large message byte-exact and pipelines RETRs', async () => {
    const c = await Pop3Client.connect(implicitTls);
    await c.login(alice, alicePw);
    const hash = createHash('sha256');
    for await (const chunk of await c.retr(stored.length + 2)) hash.update(chunk as Buffer);
    expect(hash.digest('hex')).toBe(sha256(big));
    const all = await Promise.all(stored.map((_, i) => c.retrBuffer(i + 1)));
    all.forEach((b, i) => expect(b.equals(asRetrieved(stored[i]!))).toBe(true));
    // Giving up on a message half way leaves the session usable.
    const abandoned = await c.retr(stored.length + 2);
    await new Promise<void>((resolve) => abandoned.once('data', () => resolve()));
    abandoned.destroy();
    await c.noop();
    expect((await c.retrBuffer(stored.length + 1)).equals(dotted)).toBe(true);
    await c.quit();
  });

  it('UIDL is stable across sessions and derived from UIDVALIDITY+UID; TOP gives header and n lines', async () => {
    const c = await Pop3Client.connect(plainOpts);
    await c.login(alice, alicePw);
    const uidl = await c.uidl();
    expect(new Set(uidl.map((u) => u.uid)).size).toBe(uidl.length);
    const inbox = await (await srv.store.user(alice)).openMailbox('INBOX');
    const uids = (await inbox.listMessages()).map((m) => m.uid);
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
    expect(uidl.map((u) => u.uid)).toEqual(uids.map((u) => hex(u) + hex(inbox.uidValidity)));
    const top0 = await c.top(stored.length + 1, 0);
    expect(top0.toString()).toBe('Subject: dots\r\n\r\n');
    expect((await c.top(stored.length + 1, 2)).toString()).toBe('Subject: dots\r\n\r\n.\r\n..\r\n');
    expect((await c.top(stored.length + 1, 100)).equals(dotted)).toBe(true);
    await c.quit();
    const d = await Pop3Client.connect(implicitTls);
    await d.login(alice, alicePw);
    expect(await d.uidl()).toEqual(uidl);
    expect(await d.uidlOne(3)).toEqual(uidl[2]);
    await d.quit();
  });

  it('a second session for the same user gets [IN-USE] until the first ends', async () => {
    const first = await Pop3Client.connect(plainOpts);
    await first.login(alice, alicePw);
    const second = await Pop3Client.connect(implicitTls);
    const e = await expectCode(second.login(alice, alicePw), 'MAILDROP_LOCKED');
    expect(e.response).toMatch(/^-ERR \[IN-USE\]/);
    first.close(); // dropped, not QUIT: the lock must still go
    for (let i = 0; ; i++) {
      try {
        await second.login(alice, alicePw, 'user');
        break;
      } catch (err) {
        if (i > 50 || (err as HearthError).code !== 'MAILDROP_LOCKED') throw err;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    await second.quit();
  });
});

describe('POP3 DELE, RSET, QUIT and dropped connections against the store', () => {
  let srv: Pop3TestServer;
  let opts: Pop3ClientOptions;
  let alice: string;
  let pw: string;
  beforeAll(async () => {
    srv = await startPop3TestServer();
    [alice, pw] = srv.users[0]!;
    opts = { host: '127.0.0.1', port: srv.plain.port, security: 'none' };
    await srv.deliver(
      alice,
      ['one', 'two', 'three', 'four'].map((s) => Buffer.from(`Subject: ${s}\r\n\r\n${s}\r\n`)),
    );
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('DELE hides, RSET restores, a dropped connection removes nothing', async () => {
    const before = await srv.inboxUids(alice);
    const c = await Pop3Client.connect(opts);
    await c.login(alice, pw);
    await c.dele(1);
    await expectCode(c.dele(1), 'MESSAGE_GONE');
    await expectCode(c.retr(1), 'MESSAGE_GONE');
    expect((await c.list()).map((e) => e.msg)).toEqual([2, 3, 4]);
    await c.rset();
    expect((await c.list()).map((e) => e.msg)).toEqual([1, 2, 3, 4]);
    await c.dele(2);
    await c.dele(3);
    c.close();
    // Wait until the server has seen the drop (the lock is free again), then look at the store.
    for (let i = 0; ; i++) {
      const d = await Pop3Client.connect(opts);
      try {
        await d.login(alice, pw);
        await d.quit();
        break;
      } catch (err) {
        d.close();
        if (i > 50) throw err;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect(await srv.inboxUids(alice)).toEqual(before);
  });

  it('DELE + QUIT removes the messages from the store the IMAP server uses', async () => {
    const before = await srv.inboxUids(alice);
    const inbox = await (await srv.store.user(alice)).openMailbox('INBOX');
    const events: unknown[] = [];
    const stop = inbox.watch((e) => events.push(e));
    const c = await Pop3Client.connect(opts);
    await c.login(alice, pw);
    await c.dele(2);
    await c.dele(4);
    await c.quit();
    stop();
    expect(await srv.inboxUids(alice)).toEqual([before[0], before[2]]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'expunge', uids: [before[1], before[3]] }));
    const d = await Pop3Client.connect(opts);
    await d.login(alice, pw);
    expect((await d.retrBuffer(2)).toString()).toBe('Subject: three\r\n\r\nthree\r\n');
    await d.quit();
  });

  it('messages expunged by IMAP during a POP3 session give -ERR, not a broken reply', async () => {
    const c = await Pop3Client.connect(opts);
    await c.login(alice, pw);
    const inbox = await (await srv.store.user(alice)).openMailbox('INBOX');
    const [first] = await inbox.listMessages();
    await inbox.remove([first!.uid]);
    await expectCode(c.retr(1), 'MESSAGE_GONE');
    expect((await c.retrBuffer(2)).toString()).toBe('Subject: three\r\n\r\nthree\r\n');
    await c.quit();
  });
});

describe('POP3 plain authentication policy', () => {
  let srv: Pop3TestServer;
  beforeAll(async () => {
    srv = await startPop3TestServer({ options: { allowPlainAuthOnLoopback: false } });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('without TLS (loopback allowance off) USER and AUTH PLAIN are refused and not advertised', async () => {
    const [alice, pw] = srv.users[0]!;
    const c = await Pop3Client.connect({ host: '127.0.0.1', port: srv.plain.port, security: 'none' });
    expect(c.capabilities.has('USER')).toBe(false);
    expect(c.capabilities.has('SASL')).toBe(false);
    expect(c.capabilities.has('STLS')).toBe(true);
    await expectCode(c.login(alice, pw, 'user'), 'AUTH_FAILED');
    await expectCode(c.login(alice, pw, 'plain'), 'AUTH_FAILED');
    await c.quit();
    const raw = await rawSession(srv.plain.port);
    raw.send('USER ' + alice);
    expect(await raw.next()).toMatch(/^-ERR Use STLS first/);
    raw.socket.destroy();
    const s = await Pop3Client.connect({ host: '127.0.0.1', port: srv.plain.port, security: 'starttls', ca: srv.ca });
    expect(s.capabilities.get('SASL')).toEqual(['PLAIN']);
    await s.login(alice, pw);
    await s.quit();
  });
});

describe('POP3 server transcripts', () => {
  let srv: Pop3TestServer;
  beforeAll(async () => {
    srv = await startPop3TestServer();
    await srv.deliver(srv.users[0]![0], [Buffer.from('Subject: a\r\n\r\nbody\r\n')]);
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('answers unknown, malformed, out-of-state and over-long commands with -ERR and goes on', async () => {
    const [alice, pw] = srv.users[0]!;
    const r = await rawSession(srv.plain.port);
    r.send('FOO');
    expect(await r.next()).toBe('-ERR Unknown command');
    r.send('');
    expect(await r.next()).toMatch(/^-ERR/);
    r.send('STAT');
    expect(await r.next()).toMatch(/^-ERR STAT is not allowed before login/);
    r.send('PASS x');
    expect(await r.next()).toBe('-ERR Send USER first');
    r.send('X'.repeat(5000));
    expect(await r.next()).toBe('-ERR Line too long');
    r.send('AUTH');
    expect([await r.next(), await r.next(), await r.next()]).toEqual(['+OK Mechanisms follow', 'PLAIN', '.']);
    // AUTH PLAIN without initial response: continuation, then the credentials.
    r.send('AUTH PLAIN');
    expect(await r.next()).toBe('+ ');
    r.send(Buffer.from(`\0${alice}\0${pw}`).toString('base64'));
    expect(await r.next()).toMatch(/^\+OK Logged in/);
    r.send('RETR 0');
    expect(await r.next()).toMatch(/^-ERR/);
    r.send('RETR 1 2');
    expect(await r.next()).toMatch(/^-ERR Wrong number of arguments/);
    r.send('TOP 1 x');
    expect(await r.next()).toMatch(/^-ERR Invalid line count/);
    r.send('list 1');
    expect(await r.next()).toMatch(/^\+OK 1 \d+$/);
    r.send('USER x');
    expect(await r.next()).toMatch(/^-ERR USER is not allowed after login/);
    r.send('QUIT');
    expect(await r.next()).toMatch(/^\+OK Bye/);
  });
});
