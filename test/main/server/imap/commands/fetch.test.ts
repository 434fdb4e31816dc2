// FETCH of whole messages (BODY[], BODY.PEEK[], RFC822), the path clients that download a folder
// take: bytes exactly as stored, items in the order asked, FLAGS when the fetch set \Seen, large
// messages and files moved behind the index's back served all the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../../../support/imap-test-server.ts';
import { loggedIn, type RawClient } from '../../../../support/imap-raw-client.ts';

let srv: TestServer;
let c: RawClient;

const message = (n: number, body: string) =>
  Buffer.from(`From: a@home.arpa\r\nTo: alice@home.arpa\r\nSubject: message ${n}\r\nMessage-ID: <m${n}@home.arpa>\r\n\r\n${body}\r\n`, 'latin1');

// Small ones around one larger than an output buffer (512 KB), and 8-bit bytes.
const stored = [message(1, 'first'), message(2, 'caf\xe9 cr\xe8me'), message(3, 'x'.repeat(700 * 1024)), message(4, 'last')];

/** The literals of one untagged FETCH response per message: { msn: [name, bytes][] }. */
function literals(text: string): Map<number, Array<[string, string]>> {
  const out = new Map<number, Array<[string, string]>>();
  const re = /\* (\d+) FETCH |(BODY\[\]|RFC822) \{(\d+)\}\r\n/g;
  let msn = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1]) msn = Number(m[1]);
    else {
      const start = m.index + m[0].length;
      const bytes = text.slice(start, start + Number(m[3]));
      out.set(msn, [...(out.get(msn) ?? []), [m[2]!, bytes]]);
      re.lastIndex = start + bytes.length;
    }
  }
  return out;
}

/** The message files of every Maildir folder under `dir` (those in cur/ and new/). */
function messageFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return messageFiles(p);
    return /[/\\](cur|new)$/.test(dir) ? [p] : [];
  });
}

beforeAll(async () => {
  srv = await startTestServer({ users: [['alice@home.arpa', 'alice-secret-pw']] });
  c = await loggedIn({ port: srv.plain.port, user: 'alice@home.arpa', password: 'alice-secret-pw' });
  for (const m of stored) {
    c.write(`ap APPEND INBOX {${m.length}+}\r\n`);
    c.write(m);
    c.write('\r\n');
    expect(await c.until(/ap (OK|NO|BAD)[^\r\n]*\r\n/)).toMatch(/ap OK/);
  }
  expect(await c.cmd('s', 'SELECT INBOX')).toMatch(/s OK/);
});
afterAll(async () => {
  c?.close();
  await srv?.close();
});

describe('FETCH of whole messages', () => {
  it('sends every message byte for byte, with the other items in the order asked', async () => {
    const r = await c.cmd('f1', 'FETCH 1:* (UID BODY.PEEK[] RFC822.SIZE)');
    expect(r).toMatch(/f1 OK/);
    const got = literals(r);
    expect([...got.keys()]).toEqual([1, 2, 3, 4]);
    stored.forEach((m, i) => expect(got.get(i + 1)).toEqual([['BODY[]', m.toString('latin1')]]));
    // UID first, the literal, then RFC822.SIZE after it, and the response closed.
    expect(r).toMatch(new RegExp(`\\* 2 FETCH \\(UID 2 BODY\\[\\] \\{${stored[1]!.length}\\}\\r\\n`));
    expect(r).toContain(`\r\n RFC822.SIZE ${stored[1]!.length})\r\n`);
    expect(r).not.toMatch(/FLAGS/);
  });

  it('answers two whole-message items in one response, and RFC822 sets \\Seen and says so', async () => {
    const r = await c.cmd('f2', 'FETCH 4 (RFC822 BODY.PEEK[])');
    expect(r).toMatch(/f2 OK/);
    expect(literals(r).get(4)).toEqual([
      ['RFC822', stored[3]!.toString('latin1')],
      ['BODY[]', stored[3]!.toString('latin1')],
    ]);
    // RFC 3501 6.4.5: a FETCH that sets \Seen sends the new FLAGS even when not asked for them.
    expect(r).toMatch(/ FLAGS \(\\Seen( \\Recent)?\)\)\r\n/);
    expect(await c.cmd('f3', 'FETCH 4 (FLAGS)')).toMatch(/\* 4 FETCH \(FLAGS \(\\Seen/);
  });

  it('serves a message whose file was renamed outside Hearth', async () => {
    // Another program (or a crash mid-rename) leaves the file under other maildir flags.
    const files = messageFiles(srv.dir);
    const victim = files.find((f) => readFileSync(f, 'latin1').includes('Subject: message 2\r\n'))!;
    const base = path.basename(victim).split(':')[0]!;
    renameSync(victim, path.join(path.dirname(path.dirname(victim)), 'cur', `${base}:2,T`));
    const r = await c.cmd('f4', 'FETCH 1:* (BODY.PEEK[])');
    expect(r).toMatch(/f4 OK/);
    const got = literals(r);
    stored.forEach((m, i) => expect(got.get(i + 1)).toEqual([['BODY[]', m.toString('latin1')]]));
    // Ranges of it too (header fields, the text).
    const h = await c.cmd('f5', 'FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
    for (let n = 1; n <= stored.length; n++) expect(h).toContain(`* ${n} FETCH (BODY[HEADER.FIELDS (SUBJECT)] {22}\r\nSubject: message ${n}\r\n\r\n)`);
    expect(await c.cmd('f6', 'FETCH 2 (BODY.PEEK[TEXT])')).toContain('BODY[TEXT] {12}\r\ncaf\xe9 cr\xe8me\r\n)');
  });

  it('gives two sessions fetching many buffers at once each exactly their own bytes', async () => {
    // Output buffers are reused once written: a buffer handed on too early would carry another
    // session's (or another batch's) bytes. Thirty distinct 150 KB messages: several buffers each.
    const many = Array.from({ length: 30 }, (_, i) => message(10 + i, `${String.fromCharCode(65 + (i % 26))}${i}-`.repeat(40_000)));
    for (const m of many) {
      c.write(`ap APPEND INBOX {${m.length}+}\r\n`);
      c.write(m);
      c.write('\r\n');
      expect(await c.until(/ap (OK|NO|BAD)[^\r\n]*\r\n/)).toMatch(/ap OK/);
    }
    const other = await loggedIn({ port: srv.plain.port, user: 'alice@home.arpa', password: 'alice-secret-pw' });
    try {
      expect(await c.cmd('n', 'NOOP')).toMatch(/n OK/);
      expect(await other.cmd('s', 'EXAMINE INBOX')).toMatch(/s OK/);
      const first = stored.length + 1;
      const range = `${first}:${first + many.length - 1}`;
      const [a, b] = await Promise.all([c.cmd('m1', `FETCH ${range} (BODY.PEEK[])`), other.cmd('m2', `FETCH ${range} (BODY.PEEK[])`)]);
      for (const r of [a, b]) {
        const got = literals(r);
        many.forEach((m, i) => expect(got.get(first + i)).toEqual([['BODY[]', m.toString('latin1')]]));
      }
    } finally {
      other.close();
    }
  });
});

describe('FETCH of ENVELOPE and BODYSTRUCTURE', () => {
  it('answers parsed messages from the cache in order, with the bytes of a first read', async () => {
    // Message 2 parsed first: the next FETCH mixes cached and unread messages.
    expect(await c.cmd('e0', 'FETCH 2 (ENVELOPE)')).toMatch(/e0 OK/);
    const mixed = await c.cmd('e1', 'FETCH 1:* (UID ENVELOPE BODYSTRUCTURE)');
    const cached = await c.cmd('e2', 'FETCH 1:* (UID ENVELOPE BODYSTRUCTURE)');
    expect(mixed).toMatch(/e1 OK/);
    const responses = (r: string) => r.split('\r\n').filter((l) => l.startsWith('* '));
    const msns = responses(mixed).map((l) => Number(/^\* (\d+) FETCH/.exec(l)![1]));
    expect(msns).toEqual(msns.map((_, i) => i + 1));
    expect(msns.length).toBeGreaterThanOrEqual(stored.length);
    expect(responses(cached)).toEqual(responses(mixed));
    expect(responses(mixed)[2]).toContain('"message 3"');
  });
});

describe('a long FETCH shares the server', () => {
  it("answers another session's command while it answers thousands of cached envelopes", async () => {
    // 3,000 messages, appended 1,000 to a command (MULTIAPPEND, RFC 3502).
    expect(await c.cmd('k1', 'CREATE Many')).toMatch(/k1 OK/);
    for (let k = 0; k < 3; k++) {
      const parts: Buffer[] = [Buffer.from(`k1${k} APPEND Many`)];
      for (let i = 0; i < 1000; i++) {
        const m = message(10_000 + k * 1000 + i, `body ${i}`);
        parts.push(Buffer.from(` {${m.length}+}\r\n`), m);
      }
      c.write(Buffer.concat([...parts, Buffer.from('\r\n')]));
      expect(await c.until(new RegExp(`k1${k} (OK|NO|BAD)[^\r\n]*\r\n`))).toMatch(new RegExp(`k1${k} OK`));
    }
    const other = await loggedIn({ port: srv.plain.port, user: 'alice@home.arpa', password: 'alice-secret-pw' });
    try {
      expect(await c.cmd('k2', 'SELECT Many')).toMatch(/\* 3000 EXISTS/);
      // Parsed once, so the next FETCH is built from memory without waiting for the disk.
      expect(await c.cmd('k3', 'FETCH 1:* (ENVELOPE)')).toMatch(/k3 OK/);
      const order: string[] = [];
      const long = c.cmd('k4', 'FETCH 1:* (UID FLAGS ENVELOPE)').then((r) => {
        order.push('fetch');
        return r;
      });
      const noop = other.cmd('k5', 'NOOP').then(() => order.push('noop'));
      const [r] = await Promise.all([long, noop]);
      expect(r.match(/^\* \d+ FETCH/gm)).toHaveLength(3000);
      // Without turns of the event loop inside the FETCH, the NOOP waits for all of it.
      expect(order).toEqual(['noop', 'fetch']);
    } finally {
      other.close();
    }
  });
});

describe('ENVELOPEs of a mailbox larger than the structure cache', () => {
  it('are answered from the kept ENVELOPEs, without reading the messages again', async () => {
    // Two parsed structures for six messages: a FETCH 1:* in order evicts each before it is
    // used again, so only the kept ENVELOPEs can answer the second FETCH.
    const small = await startTestServer({ users: [['alice@home.arpa', 'alice-secret-pw']], tuning: { structureCacheEntries: 2 } });
    const s = await loggedIn({ port: small.plain.port, user: 'alice@home.arpa', password: 'alice-secret-pw' });
    try {
      for (let n = 1; n <= 6; n++) {
        const m = message(n, `body ${n}`);
        s.write(`a${n} APPEND INBOX {${m.length}+}\r\n`);
        s.write(m);
        s.write('\r\n');
        expect(await s.until(new RegExp(`a${n} (OK|NO|BAD)[^\r\n]*\r\n`))).toMatch(new RegExp(`a${n} OK`));
      }
      expect(await s.cmd('s', 'SELECT INBOX')).toMatch(/s OK/);
      const first = await s.cmd('e1', 'FETCH 1:* (UID ENVELOPE)');
      expect(first).toMatch(/e1 OK FETCH completed/);
      // The files go away behind the server's back: a read now would leave the messages out.
      const files = messageFiles(small.dir);
      expect(files).toHaveLength(6);
      for (const f of files) rmSync(f);
      const again = await s.cmd('e2', 'FETCH 1:* (UID ENVELOPE)');
      expect(again).toMatch(/e2 OK FETCH completed/);
      const lines = (r: string) => r.split('\r\n').filter((l) => l.startsWith('* '));
      expect(lines(again)).toEqual(lines(first));
      expect(lines(again)).toHaveLength(6);
      expect(lines(again)[5]).toContain('"message 6"');
      // What needs the message itself still reads it, and says the message is gone.
      expect(await s.cmd('e3', 'FETCH 1 (ENVELOPE BODYSTRUCTURE)')).not.toContain('* 1 FETCH');
    } finally {
      s.close();
      await small.close();
    }
  });
});
