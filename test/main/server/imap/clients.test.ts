// Real mail programs against our server: python3 imaplib, mbsync (both ways), neomutt over IMAPS.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer } from '../../../support/imap-test-server.ts';
import type { TestServer } from '../../../support/imap-test-server.ts';
import { startTcpProxy } from '../../../support/tcp-proxy.ts';
import { corpusMessage } from '../../../support/corpus.ts';

const run = promisify(execFile);
let srv: TestServer;
const FIXTURES = path.join(import.meta.dirname, 'fixtures');

beforeAll(async () => {
  srv = await startTestServer();
  const mail = await srv.store.user(srv.user);
  for (const f of ['rfc-000.eml', 'rfc-001.eml', 'thirdparty-000.eml']) await mail.append('INBOX', corpusMessage(f));
});
afterAll(async () => {
  await srv?.close();
});

/** Keep what a client sent as a parser fixture, with our test password masked. */
function saveTranscript(name: string, bytes: Buffer): void {
  if (!process.env.HEARTH_RECORD_TRANSCRIPTS) return;
  mkdirSync(FIXTURES, { recursive: true });
  writeFileSync(path.join(FIXTURES, `${name}.client.txt`), bytes);
}

describe('python3 imaplib', () => {
  it('logs in, selects, searches, fetches, stores, expunges', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: srv.plain.port });
    const script = `
import imaplib, sys, json
c = imaplib.IMAP4('127.0.0.1', ${proxy.port})
c.login(sys.argv[1], sys.argv[2])
out = {}
out['caps'] = list(c.capabilities)
typ, data = c.select('INBOX')
out['exists'] = int(data[0])
typ, data = c.search(None, 'ALL')
out['all'] = data[0].decode()
typ, data = c.fetch('1', '(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
out['subject'] = data[0][1].decode().strip()
typ, data = c.fetch('2', '(BODY[])')
out['body_len'] = len(data[0][1])
typ, data = c.fetch('2', '(FLAGS)')
out['flags2'] = data[0].decode()
c.store('3', '+FLAGS', '(\\\\Deleted)')
typ, data = c.expunge()
out['expunged'] = [x.decode() for x in data if x]
typ, data = c.uid('SEARCH', 'CHARSET', 'UTF-8', 'UNSEEN')
out['unseen_uids'] = data[0].decode()
c.create('Py/Sub')
typ, data = c.list()
out['list'] = [x.decode() for x in data]
c.logout()
print(json.dumps(out))
`;
    const { stdout } = await run('/usr/bin/python3', ['-c', script, srv.user, srv.password]);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.caps).toContain('IDLE');
    expect(out.exists).toBe(3);
    expect(out.all).toBe('1 2 3');
    expect(out.subject).toBe('Subject: A multipart example');
    expect(out.body_len).toBe(corpusMessage('rfc-001.eml').length);
    expect(out.flags2).toMatch(/\\Seen/);
    expect(out.expunged).toEqual(['3']);
    expect(out.unseen_uids).toBe('1');
    expect((out.list as string[]).some((l) => l.endsWith('"/" Py/Sub'))).toBe(true);
    saveTranscript('imaplib', proxy.clientBytes());
    await proxy.close();
  });
});

describe('imapflow through a recording proxy', () => {
  it('runs a typical client session (ENABLE, LIST, SELECT, FETCH, STORE, IDLE) and keeps the transcript', async () => {
    const { ImapFlow } = await import('imapflow');
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: srv.plain.port });
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: proxy.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: srv.user, pass: srv.password },
      logger: false,
    } as ConstructorParameters<typeof ImapFlow>[0]);
    await c.connect();
    const boxes = await c.list({ statusQuery: { messages: true, unseen: true } });
    expect(boxes.find((b) => b.path === 'INBOX')?.status?.messages).toBeGreaterThan(0);
    const lock = await c.getMailboxLock('INBOX');
    try {
      const msgs = await c.fetchAll('1:*', {
        uid: true,
        flags: true,
        envelope: true,
        bodyStructure: true,
        internalDate: true,
        size: true,
        headers: ['subject'],
      });
      expect(msgs.length).toBeGreaterThan(0);
      await c.messageFlagsAdd({ uid: `${msgs[0]!.uid}` }, ['$Label1'], { uid: true });
      const found = await c.search({ keyword: '$Label1' }, { uid: true });
      expect(found).toEqual([msgs[0]!.uid]);
    } finally {
      lock.release();
    }
    await c.logout();
    const sent = proxy.clientBytes().toString('latin1');
    expect(sent).toMatch(/ENABLE/);
    expect(sent).toMatch(/UID SEARCH|SEARCH/);
    saveTranscript('imapflow', proxy.clientBytes());
    await proxy.close();
  });
});

describe('mbsync', () => {
  it('syncs a mailbox both ways', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: srv.plain.port });
    const dir = path.join(srv.dir, 'mbsync');
    const local = path.join(dir, 'local');
    mkdirSync(local, { recursive: true });
    const rc = path.join(dir, 'mbsyncrc');
    writeFileSync(
      rc,
      `IMAPAccount hearth
Host 127.0.0.1
Port ${proxy.port}
User ${srv.user}
Pass ${srv.password}
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account hearth

MaildirStore local
Path ${local}/
Inbox ${local}/INBOX
SubFolders Verbatim

Channel sync
Far :remote:
Near :local:
Patterns INBOX Archive
Create Both
Expunge Both
SyncState *
`,
    );
    const mail = await srv.store.user(srv.user);
    const before = (await mail.status('INBOX')).messages;
    await run('mbsync', ['-c', rc, '-a'], { env: { ...process.env, HOME: dir } });
    const curNew = (box: string) =>
      ['cur', 'new'].flatMap((d) =>
        existsSync(path.join(local, box, d)) ? readdirSync(path.join(local, box, d)).map((f) => path.join(local, box, d, f)) : [],
      );
    const pulled = curNew('INBOX');
    expect(pulled).toHaveLength(before);
    // A message written locally goes up; a local \Seen flag goes up too.
    const localMsg = corpusMessage('rfc-003.eml');
    writeFileSync(path.join(local, 'INBOX', 'new', `${Date.now()}.local1.host`), localMsg);
    const first = pulled.find((p) => !/,.*S/.test(path.basename(p)))!;
    const flagged = first.includes(':2,') ? first.replace(/:2,([A-Z]*)$/, (_m, f: string) => `:2,${[...f, 'F'].sort().join('')}`) : first + ':2,F';
    renameSync(first, flagged);
    await run('mbsync', ['-c', rc, '-a'], { env: { ...process.env, HOME: dir } });
    const after = await mail.status('INBOX');
    expect(after.messages).toBe(before + 1);
    const box = await mail.openMailbox('INBOX');
    const metas = await box.listMessages();
    expect(metas.filter((m) => m.flags.includes('\\Flagged'))).toHaveLength(1);
    const newest = metas[metas.length - 1]!;
    // mbsync sends CRLF line ends (IMAP requires them) and adds its X-TUID header; otherwise the same.
    const stored = (await box.readMessageBuffer(newest.uid))
      .toString('latin1')
      .replace(/\r\n/g, '\n')
      .replace(/^X-TUID: .*\n/m, '');
    expect(stored).toBe(localMsg.toString('latin1'));
    // And a server-side change comes down: delete on the server, sync, gone locally.
    await box.setFlags([newest.uid], { mode: 'add', flags: ['\\Deleted'] });
    await box.expunge();
    await run('mbsync', ['-c', rc, '-a'], { env: { ...process.env, HOME: dir } });
    expect(curNew('INBOX')).toHaveLength(before);
    saveTranscript('mbsync', proxy.clientBytes());
    await proxy.close();
  });
});

describe('neomutt', () => {
  it('shows the INBOX index over IMAPS', async () => {
    const name = `hearth-imap-${process.pid}-${Date.now()}`;
    const home = path.join(srv.dir, 'neomutt-home');
    mkdirSync(path.join(home, 'Mail'), { recursive: true }); // else neomutt asks whether to create it
    const cmd =
      `HOME=${home} neomutt -n -F /dev/null -e 'set ssl_force_tls=yes ssl_ca_certificates_file=${srv.certPath} imap_user=${srv.user} imap_pass=${srv.password} header_cache="" message_cachedir=""' ` +
      `-f imaps://localhost:${srv.tls.port}/INBOX`;
    execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', '160', '-y', '20', cmd]);
    try {
      let screen = '';
      for (let i = 0; i < 50; i++) {
        await new Promise((r) => setTimeout(r, 200));
        screen = execFileSync('tmux', ['capture-pane', '-p', '-t', name]).toString();
        if (/A multipart example/.test(screen)) break;
      }
      expect(screen).toMatch(/A multipart example/);
      expect(screen).toMatch(/INBOX/);
    } finally {
      execFileSync('tmux', ['kill-session', '-t', name]);
    }
  });
});
