// Real third-party POP3 clients against the household server: python3 poplib, fetchmail, getmail6,
// over plain POP3 (with STLS where the client does it) and POP3S.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Pop3Client } from '../../../../src/main/client/pop3/index.ts';
import { startPop3TestServer } from '../../../support/pop3-test-server.ts';
import type { Pop3TestServer } from '../../../support/pop3-test-server.ts';
import { corpusMessageCrlf } from '../../../support/corpus.ts';
import { sha256 } from '../../../support/bytes.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const run = promisify(execFile);

/** Stored message as an LF-ending text with a final newline: how fetchmail's mda and getmail's Maildir write it. */
function asLfText(b: Buffer): string {
  const s = b.toString('latin1').replace(/\r\n/g, '\n');
  return s.endsWith('\n') ? s : s + '\n';
}

/** Drops the header lines a client adds in front (fetchmail's Received block, getmail's Return-Path). */
function withoutAddedHeader(text: string, name: string): string {
  const lines = text.split('\n');
  expect(lines[0]!.startsWith(name + ':')).toBe(true);
  let i = 1;
  while (i < lines.length && /^[ \t]/.test(lines[i]!)) i++;
  return lines.slice(i).join('\n');
}

const POPLIB = String.raw`
import hashlib, json, poplib, ssl, sys
mode, port, user, pw, ca, action = sys.argv[1:7]
ctx = ssl.create_default_context(cafile=ca)
if mode == 'ssl':
    c = poplib.POP3_SSL('127.0.0.1', int(port), context=ctx)
else:
    c = poplib.POP3('127.0.0.1', int(port))
    if mode == 'stls':
        c.stls(context=ctx)
out = {'capa': sorted(c.capa().keys())}
try:
    c.user(user)
    c.pass_(pw)
except poplib.error_proto as e:
    print(json.dumps({'error': e.args[0].decode('latin1')}))
    sys.exit(0)
out['stat'] = list(c.stat())
out['uidl'] = [l.decode() for l in c.uidl()[1]]
msgs = []
for i in range(1, out['stat'][0] + 1):
    resp, lines, octets = c.retr(i)
    msgs.append(hashlib.sha256(b'\r\n'.join(lines) + b'\r\n').hexdigest())
out['sha256'] = msgs
out['top'] = [l.decode('latin1') for l in c.top(1, 0)[1]]
if action == 'dele-first':
    c.dele(1)
c.quit()
print(json.dumps(out))
`;

async function poplib(mode: 'plain' | 'stls' | 'ssl', port: number, user: string, pw: string, ca: string, action = 'keep'): Promise<Record<string, unknown>> {
  const { stdout } = await run('/usr/bin/python3', ['-c', POPLIB, mode, String(port), user, pw, ca, action], { timeout: 20_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('python3 poplib against the household POP3 server', () => {
  let srv: Pop3TestServer;
  const messages = ['rfc-000.eml', 'malformed-018.eml', 'thirdparty-003.eml'].map(corpusMessageCrlf);
  const dotted = Buffer.from('Subject: dots\r\n\r\n.\r\n..x\r\n.y\r\n');
  beforeAll(async () => {
    srv = await startPop3TestServer();
    await srv.deliver(srv.users[0]![0], [...messages, dotted]);
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('retrieves every message exactly over plain, STLS and POP3S', async () => {
    const [alice, pw] = srv.users[0]!;
    const expected = [...messages, dotted].map((m) => sha256(m.subarray(-2).toString() === '\r\n' ? m : Buffer.concat([m, Buffer.from('\r\n')])));
    for (const [mode, port] of [
      ['plain', srv.plain.port],
      ['stls', srv.plain.port],
      ['ssl', srv.tls.port],
    ] as const) {
      const out = await poplib(mode, port, alice, pw, srv.certPath);
      expect(out.error, mode).toBeUndefined();
      expect((out.stat as number[])[0]).toBe(4);
      expect(out.sha256).toEqual(expected);
      expect((out.uidl as string[]).length).toBe(4);
      expect((out.top as string[]).at(-1)).toBe('');
      if (mode === 'plain') expect(out.capa).toContain('STLS');
      else expect(out.capa).not.toContain('STLS');
    }
  });

  it('sees [IN-USE] while a Hearth client holds the maildrop, and DELE+QUIT removes from the store', async () => {
    const [alice, pw] = srv.users[0]!;
    const holder = await Pop3Client.connect({ host: '127.0.0.1', port: srv.plain.port, security: 'none' });
    await holder.login(alice, pw);
    const locked = await poplib('ssl', srv.tls.port, alice, pw, srv.certPath);
    expect(locked.error).toMatch(/^-ERR \[IN-USE\]/);
    await holder.quit();
    const before = await srv.inboxUids(alice);
    const out = await poplib('ssl', srv.tls.port, alice, pw, srv.certPath, 'dele-first');
    expect(out.error).toBeUndefined();
    expect(await srv.inboxUids(alice)).toEqual(before.slice(1));
  });

  it('a wrong password gets -ERR [AUTH]', async () => {
    const out = await poplib('stls', srv.plain.port, srv.users[0]![0], 'wrong', srv.certPath);
    expect(out.error).toMatch(/^-ERR \[AUTH\]/);
  });
});

describe('fetchmail and getmail against the household POP3 server', () => {
  let srv: Pop3TestServer;
  let work: string;
  const simple = Buffer.from('From: a@home.arpa\r\nTo: b@home.arpa\r\nSubject: plain one\r\nMessage-ID: <plain.1@home.arpa>\r\n\r\n.\r\n..two dots\r\nend\r\n');
  const messages = [...['rfc-001.eml', 'malformed-021.eml', 'thirdparty-006.eml', 'legacy-000.eml'].map(corpusMessageCrlf), simple];
  beforeAll(async () => {
    srv = await startPop3TestServer();
    await srv.deliver(srv.users[0]![0], messages);
    work = tempDir('pop3-clients');
    chmodSync(work, 0o755); // getmail delivers as uid mail and must reach the Maildir
  });
  afterAll(async () => {
    await srv?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function fetchmail(name: string, port: number, extra: string): Promise<string[]> {
    const dir = path.join(work, name);
    const out = path.join(dir, 'out');
    mkdirSync(out, { recursive: true });
    const mda = path.join(dir, 'deliver.sh');
    writeFileSync(mda, `#!/bin/sh\ncat > "$(mktemp ${out}/msg.XXXXXX)"\n`);
    chmodSync(mda, 0o755);
    const rc = path.join(dir, 'fetchmailrc');
    const [alice, pw] = srv.users[0]!;
    writeFileSync(
      rc,
      `set no syslog\npoll localhost service ${port} protocol pop3 user "${alice}" password "${pw}" ${extra} norewrite sslcertck sslcertfile "${srv.certPath}" mda "${mda}"\n`,
    );
    chmodSync(rc, 0o600);
    const { stdout, stderr } = await run('fetchmail', ['-f', rc, '--all', '-v', '-i', path.join(dir, 'ids')], {
      env: { ...process.env, HOME: dir },
      timeout: 30_000,
    });
    const log = stdout + stderr;
    expect(log).toMatch(/poll completed|normal termination/);
    // mktemp names are random, so callers compare the messages as a sorted set.
    return [log, ...readdirSync(out).map((f) => readFileSync(path.join(out, f), 'latin1'))];
  }

  it('fetchmail retrieves everything over POP3 with STLS and over POP3S, byte for byte', async () => {
    const expected = messages.map(asLfText).sort();
    const [log1, ...plain] = await fetchmail('fm-stls', srv.plain.port, 'keep');
    expect(log1).toContain('upgrade to TLS succeeded');
    expect(plain.map((m) => withoutAddedHeader(m, 'Received')).sort()).toEqual(expected);
    const [, ...secure] = await fetchmail('fm-ssl', srv.tls.port, 'keep ssl');
    expect(secure.map((m) => withoutAddedHeader(m, 'Received')).sort()).toEqual(expected);
    expect(await srv.inboxUids(srv.users[0]![0])).toHaveLength(messages.length);
  });

  async function getmail(name: string, type: string, port: number): Promise<string[]> {
    const dir = path.join(work, name);
    const maildir = path.join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true });
    mkdirSync(path.join(dir, 'state'));
    await run('chown', ['-R', 'mail:mail', maildir]);
    const [alice, pw] = srv.users[0]!;
    const rc = path.join(dir, 'getmailrc');
    writeFileSync(
      rc,
      [
        '[retriever]',
        `type = ${type}`,
        'server = localhost',
        `port = ${port}`,
        `username = ${alice}`,
        `password = ${pw}`,
        ...(type.includes('SSL') ? [`ca_certs = ${srv.certPath}`] : []),
        '[destination]',
        'type = Maildir',
        `path = ${maildir}/`,
        'user = mail',
        '[options]',
        'read_all = true',
        'delete = false',
        'delivered_to = false',
        'received = false',
        '',
      ].join('\n'),
    );
    const { stdout } = await run('getmail', [`--rcfile=${rc}`, `--getmaildir=${path.join(dir, 'state')}`], { timeout: 30_000 });
    expect(stdout).toMatch(new RegExp(`${messages.length} messages .* retrieved`));
    return readdirSync(path.join(maildir, 'new')).map((f) => readFileSync(path.join(maildir, 'new', f), 'latin1'));
  }

  it('getmail retrieves everything over POP3 and POP3S', async () => {
    // getmail re-serialises MIME with Python's email package (refolds headers, closes boundaries),
    // so only the simple message can be compared byte for byte; the others by their first header line.
    const firstLines = messages.map((m) => asLfText(m).split('\n')[0]).sort();
    for (const [name, type, port] of [
      ['gm-plain', 'SimplePOP3Retriever', srv.plain.port],
      ['gm-ssl', 'SimplePOP3SSLRetriever', srv.tls.port],
    ] as const) {
      const got = (await getmail(name, type, port)).map((m) => withoutAddedHeader(m, 'Return-Path'));
      expect(got.map((m) => m.split('\n')[0]).sort()).toEqual(firstLines);
      expect(got).toContain(asLfText(simple));
    }
  });

  it('fetchmail without "keep" deletes through DELE+QUIT: the store is empty afterwards', async () => {
    const [, ...got] = await fetchmail('fm-flush', srv.tls.port, 'ssl');
    expect(got).toHaveLength(messages.length);
    expect(await srv.inboxUids(srv.users[0]![0])).toEqual([]);
  });
});
