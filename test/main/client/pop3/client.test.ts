// The POP3 client against real Dovecot POP3 (10110 with STLS, 10995 implicit TLS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Pop3Client } from '../../../../src/main/client/pop3/index.ts';
import type { Pop3ClientOptions } from '../../../../src/main/client/pop3/index.ts';
import { HearthError } from '../../../../src/shared/errors.ts';
import { createDovecotUser, dovecot } from '../../../support/peers.ts';
import { corpusMessage, toCrlf } from '../../../support/corpus.ts';
import { simpleMessage } from '../../../support/messages.ts';
import { putIntoDovecotMaildir } from '../../../support/dovecot-mail.ts';
import { startTcpProxy } from '../../../support/tcp-proxy.ts';
import { expectCode } from '../../../support/expect-code.ts';
import { sha256 } from '../../../support/bytes.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const ca = readFileSync(dovecot.caCertPath);
const starttls: Pop3ClientOptions = { host: '127.0.0.1', port: dovecot.pop3Port, security: 'starttls', ca };
const implicitTls: Pop3ClientOptions = { host: '127.0.0.1', port: dovecot.pop3sPort, security: 'tls', ca };

/** ~20 MB of CRLF lines, some starting with dots, deterministic per seed. */
function bigMessage(targetBytes: number): Buffer {
  const parts: Buffer[] = [simpleMessage('big one', []).subarray(0, -2)];
  let size = parts[0]!.length;
  let i = 0;
  while (size < targetBytes) {
    const line = i % 97 === 0 ? '.' + randomBytes(30).toString('base64') : i % 101 === 0 ? '..' : randomBytes(57).toString('base64');
    const b = Buffer.from(line + '\r\n');
    parts.push(b);
    size += b.length;
    i++;
  }
  return Buffer.concat(parts);
}

const tmp = tempDir('pop3-client');

describe('POP3 client against Dovecot', () => {
  const account = createDovecotUser('pop');
  const small = [simpleMessage('one', ['first']), simpleMessage('two', ['second', 'line']), simpleMessage('three', ['third'])];
  const dotted = simpleMessage('dots', ['.', '..', '...', '.leading dot', '..two leading', 'trailing dot.', ' .space dot', '.\t', '.']);
  const big = bigMessage(20 * 1024 * 1024);
  const malformedRaw = corpusMessage('malformed-018.eml');

  beforeAll(() => {
    putIntoDovecotMaildir(account.user, [...small, dotted, big, malformedRaw]);
  });

  afterAll(() => {});

  it('upgrades with STLS, reads CAPA and logs in with SASL PLAIN', async () => {
    const c = await Pop3Client.connect(starttls);
    expect(c.secure).toBe(true);
    expect(c.capabilities.has('STLS')).toBe(false); // not offered again once encrypted
    expect(c.capabilities.get('SASL')).toContain('PLAIN');
    await c.login(account.user, account.password, 'plain');
    const stat = await c.stat();
    expect(stat.count).toBe(6);
    await c.quit();
    expect(c.closed).toBe(true);
  });

  it('logs in with USER/PASS over implicit TLS and lists sizes that match the bytes', async () => {
    const c = await Pop3Client.connect(implicitTls);
    expect(c.secure).toBe(true);
    await c.login(account.user, account.password, 'user');
    const list = await c.list();
    expect(list.map((e) => e.msg)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(list[0]!.size).toBe(small[0]!.length);
    expect(list[4]!.size).toBe(big.length);
    expect(await c.listOne(2)).toEqual({ msg: 2, size: small[1]!.length });
    const stat = await c.stat();
    expect(stat.size).toBe(list.reduce((s, e) => s + e.size, 0));
    await c.quit();
  });

  it('refuses a certificate it was not told to trust', async () => {
    await expectCode(Pop3Client.connect({ ...implicitTls, ca: undefined }), 'CERT_UNTRUSTED');
    await expectCode(Pop3Client.connect({ ...starttls, ca: undefined }), 'CERT_UNTRUSTED');
  });

  it('refuses a certificate for the wrong name', async () => {
    await expectCode(Pop3Client.connect({ ...implicitTls, servername: 'mail.example.test' }), 'CERT_UNTRUSTED');
  });

  it('reports a wrong password as AUTH_FAILED for every method', async () => {
    for (const method of ['user', 'plain'] as const) {
      const c = await Pop3Client.connect(starttls);
      const err = await expectCode(c.login(account.user, 'not-the-password', method), 'AUTH_FAILED');
      expect(err.response).toMatch(/^-ERR/);
      expect(err.message).not.toContain('not-the-password');
      c.close();
    }
  });

  it('refuses unencrypted connections to anything but loopback, before connecting', async () => {
    await expectCode(Pop3Client.connect({ host: '192.0.2.10', port: 110, security: 'none' }), 'PLAINTEXT_REFUSED');
    await expectCode(Pop3Client.connect({ host: 'mail.example.test', port: 110, security: 'none' }), 'PLAINTEXT_REFUSED');
    const c = await Pop3Client.connect({ host: '127.0.0.1', port: dovecot.pop3Port, security: 'none' });
    expect(c.secure).toBe(false);
    await c.login(account.user, account.password);
    expect((await c.stat()).count).toBe(6);
    await c.quit();
  });

  it('streams a 20 MB message byte-exact into a file', async () => {
    const c = await Pop3Client.connect(starttls);
    await c.login(account.user, account.password);
    const file = path.join(tmp, 'big.eml');
    const n = await c.retrToFile(5, file);
    expect(n).toBe(big.length);
    expect(statSync(file).size).toBe(big.length);
    expect(sha256(readFileSync(file))).toBe(sha256(big));
    // The stream hands out pieces, never the whole message at once.
    const stream = await c.retr(5);
    let largest = 0;
    const hash = createHash('sha256');
    for await (const chunk of stream) {
      largest = Math.max(largest, (chunk as Buffer).length);
      hash.update(chunk as Buffer);
    }
    expect(hash.digest('hex')).toBe(sha256(big));
    expect(largest).toBeLessThan(4 * 1024 * 1024);
    await c.quit();
  });

  it('undoes byte-stuffing exactly', async () => {
    const c = await Pop3Client.connect(starttls);
    await c.login(account.user, account.password);
    expect((await c.retrBuffer(4)).equals(dotted)).toBe(true);
    await c.quit();
  });

  it('retrieves a malformed corpus message (mixed line ends, no final newline) byte-exact', async () => {
    const c = await Pop3Client.connect(starttls);
    await c.login(account.user, account.password);
    const got = await c.retrBuffer(6);
    // Dovecot sends every line with CRLF and ends the unterminated last line before the ".".
    let expected = toCrlf(malformedRaw);
    if (!expected.subarray(-2).equals(Buffer.from('\r\n'))) expected = Buffer.concat([expected, Buffer.from('\r\n')]);
    expect(got.toString('latin1')).toBe(expected.toString('latin1'));
    await c.quit();
  });

  it('pipelines many RETRs back to back when the server offers PIPELINING', async () => {
    const c = await Pop3Client.connect(implicitTls);
    await c.login(account.user, account.password);
    expect(c.capabilities.has('PIPELINING')).toBe(true);
    const order = [1, 2, 3, 4, 1, 2, 3, 4, 6, 1];
    const expected = [...small, dotted];
    const files = order.map((m, i) => path.join(tmp, `pipe-${i}.eml`));
    const sizes = await Promise.all(order.map((m, i) => c.retrToFile(m, files[i]!, { fsync: false })));
    order.forEach((m, i) => {
      if (m === 6) return;
      expect(readFileSync(files[i]!).equals(expected[m - 1]!)).toBe(true);
      expect(sizes[i]).toBe(expected[m - 1]!.length);
    });
    await c.quit();
  });
});

describe('POP3 client UIDL, TOP, DELE and RSET against Dovecot', () => {
  const account = createDovecotUser('popd');
  const msgs = [simpleMessage('a', ['alpha 1', 'alpha 2', 'alpha 3']), simpleMessage('b', ['beta 1', '.beta 2', 'beta 3']), simpleMessage('c', ['gamma 1'])];
  beforeAll(() => putIntoDovecotMaildir(account.user, msgs));

  it('UIDL ids are unique and stable across sessions, TOP gives headers plus n lines', async () => {
    const c = await Pop3Client.connect(starttls);
    await c.login(account.user, account.password);
    const uidl = await c.uidl();
    expect(uidl.map((u) => u.msg)).toEqual([1, 2, 3]);
    expect(new Set(uidl.map((u) => u.uid)).size).toBe(3);
    expect(await c.uidlOne(2)).toEqual(uidl[1]);
    const header = msgs[1]!.subarray(0, msgs[1]!.indexOf('\r\n\r\n') + 4);
    expect((await c.top(2, 0)).equals(header)).toBe(true);
    expect((await c.top(2, 2)).toString()).toBe(header.toString() + 'beta 1\r\n.beta 2\r\n');
    await c.quit();
    const again = await Pop3Client.connect(implicitTls);
    await again.login(account.user, account.password);
    expect(await again.uidl()).toEqual(uidl);
    await again.quit();
  });

  it('DELE hides a message, RSET brings it back, a dropped connection keeps it, QUIT removes it', async () => {
    const c = await Pop3Client.connect(starttls);
    await c.login(account.user, account.password);
    const before = await c.uidl();
    await c.dele(2);
    expect((await c.list()).map((e) => e.msg)).toEqual([1, 3]);
    await expectCode(c.retr(2), 'MESSAGE_GONE');
    await expectCode(c.dele(2), 'MESSAGE_GONE');
    await expectCode(c.listOne(9), 'MESSAGE_GONE');
    expect(await c.stat()).toEqual({ count: 2, size: msgs[0]!.length + msgs[2]!.length });
    await c.rset();
    expect((await c.list()).map((e) => e.msg)).toEqual([1, 2, 3]);
    await c.dele(1);
    c.close(); // no QUIT: nothing is removed

    const d = await Pop3Client.connect(starttls);
    await d.login(account.user, account.password);
    expect(await d.uidl()).toEqual(before);
    await d.dele(1);
    await d.noop();
    await d.quit();

    const e = await Pop3Client.connect(starttls);
    await e.login(account.user, account.password);
    const after = await e.uidl();
    expect(after.map((u) => u.uid)).toEqual([before[1]!.uid, before[2]!.uid]);
    expect((await e.retrBuffer(1)).equals(msgs[1]!)).toBe(true);
    await e.quit();
    await expectCode(e.noop(), 'OFFLINE');
  });
});

describe('POP3 client when the connection breaks', () => {
  const account = createDovecotUser('popk');
  const big = bigMessage(4 * 1024 * 1024);
  beforeAll(() => putIntoDovecotMaildir(account.user, [big, simpleMessage('after', ['x'])]));

  it('a connection killed mid-RETR fails the stream and leaves no file behind', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: dovecot.pop3Port });
    proxy.cutAfter(1024 * 1024, 'close');
    try {
      const c = await Pop3Client.connect({ host: '127.0.0.1', port: proxy.port, security: 'none' });
      await c.login(account.user, account.password);
      const dir = mkdtempSync(path.join(tmp, 'cut-'));
      const file = path.join(dir, 'cut.eml');
      const retrieval = c.retrToFile(1, file);
      const next = c.noop(); // queued behind the RETR: must fail too, not hang
      next.catch(() => {});
      const err = await expectCode(retrieval, 'NETWORK');
      expect(err.message).toMatch(/cut off/);
      await expectCode(next, 'NETWORK');
      expect(existsSync(file)).toBe(false);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a RETR stream being read when the connection dies ends in an error, not a short "end"', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: dovecot.pop3Port });
    proxy.cutAfter(2 * 1024 * 1024, 'close');
    try {
      const c = await Pop3Client.connect({ host: '127.0.0.1', port: proxy.port, security: 'none' });
      await c.login(account.user, account.password);
      const stream = await c.retr(1);
      let got = 0;
      let ended = false;
      stream.on('end', () => (ended = true));
      const err = await (async () => {
        try {
          for await (const chunk of stream) got += (chunk as Buffer).length;
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(HearthError);
      expect(ended).toBe(false);
      expect(got).toBeGreaterThan(0);
      expect(got).toBeLessThan(big.length);
    } finally {
      await proxy.close();
    }
  });

  it('a server that stops answering gives TIMEOUT, at connect and per command', async () => {
    const silentAtOnce = await startTcpProxy({ host: '127.0.0.1', port: dovecot.pop3Port });
    silentAtOnce.swallowServerBytes();
    try {
      await expectCode(Pop3Client.connect({ host: '127.0.0.1', port: silentAtOnce.port, security: 'none', connectTimeoutMs: 300 }), 'TIMEOUT');
    } finally {
      await silentAtOnce.close();
    }
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: dovecot.pop3Port });
    try {
      const c = await Pop3Client.connect({ host: '127.0.0.1', port: proxy.port, security: 'none', commandTimeoutMs: 300 });
      await c.login(account.user, account.password);
      // From now on the server's replies are dropped on the floor.
      proxy.swallowServerBytes();
      await expectCode(c.stat(), 'TIMEOUT');
      expect(c.closed).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('connection refused maps to CONNECTION_REFUSED', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: dovecot.pop3Port });
    const port = proxy.port;
    await proxy.close();
    await expectCode(Pop3Client.connect({ host: '127.0.0.1', port, security: 'none' }), 'CONNECTION_REFUSED');
  });
});
