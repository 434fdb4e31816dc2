// Import and export through the API, into and out of a POP3 account's local folders and an IMAP
// folder on Dovecot: every corpus message comes back byte for byte (as .eml files and through an
// mbox), Maildir flags and arrival dates are kept, progress is reported and a job can be cancelled.
import { mkdirSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TransferProgress } from '../../../../src/shared/api.ts';
import type { HearthServices } from '../../../../src/main/client/hearth-services.ts';
import { mboxEntry, readMbox } from '../../../../src/main/mail/mbox.ts';
import { closeAfterEach } from '../../../support/cleanup.ts';
import { CORPUS_DIR, corpusMessage, corpusNames, toCrlf } from '../../../support/corpus.ts';
import { imaplib } from '../../../support/dovecot-mail.ts';
import { createDovecotUser, dovecot } from '../../../support/peers.ts';
import { startServices } from '../../../support/services.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { sha256 } from '../../../support/bytes.ts';

const open = closeAfterEach();

/** A POP3 account on Dovecot (nothing to download): its local folders are the local store. */
async function localAccount(s: HearthServices) {
  const { user, password } = createDovecotUser();
  const incoming = { protocol: 'pop3', host: '127.0.0.1', port: dovecot.pop3Port, tls: 'plain', user, password };
  const added = await s.dispatch('accounts.add', { name: 'Local', email: `${user}@example.test`, incoming });
  if (!added.ok) throw new Error(added.error.message);
  const id = (added.result as { id: string }).id;
  await s.account(id).sync();
  return id;
}

async function imapAccount(s: HearthServices) {
  const { user, password } = createDovecotUser();
  const a = await s.addAccount({
    name: 'Imap',
    email: `${user}@example.test`,
    incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user, password, auth: 'password' },
  });
  await s.account(a.id).sync();
  return { id: a.id, user, password };
}

async function folder(s: HearthServices, accountId: string, name: string) {
  if (!s.cache.mailboxes.list(accountId).some((m) => m.path === name)) await s.account(accountId).createFolder(null, name);
  await s.account(accountId).sync();
  return s.cache.mailboxes.list(accountId).find((m) => m.path === name)!;
}

async function finish(s: HearthServices, started: TransferProgress): Promise<TransferProgress> {
  const end = await s.transfers.wait(started.jobId);
  if (end.state !== 'done') throw new Error(`${end.kind} ${end.state}: ${end.error?.message}`);
  return end;
}

const hashesOfDir = (dir: string) =>
  readdirSync(dir)
    .map((n) => sha256(readFileSync(path.join(dir, n))))
    .sort();

async function mboxHashes(file: string): Promise<string[]> {
  const out = [];
  for await (const m of readMbox(file)) out.push(sha256(m.raw));
  return out.sort();
}

describe('import and export', () => {
  it('a folder of .eml files into a local folder and out again, byte for byte, also through an mbox', async () => {
    const dir = tempDir('transfer');
    const s = open.add(startServices(path.join(dir, 'data')));
    const acc = await localAccount(s);
    const target = await folder(s, acc, 'Imported');
    const events: TransferProgress[] = [];
    s.events.subscribe((e, p) => e === 'transfer.progress' && events.push(p as TransferProgress));

    const names = corpusNames();
    const imported = await finish(
      s,
      await s.dispatch('transfer.import', { mailboxId: target.id, source: CORPUS_DIR }).then((r) => (r as { result: TransferProgress }).result),
    );
    expect(imported).toMatchObject({ kind: 'import', done: names.length, total: names.length, skipped: 0 });
    expect(events.at(-1)).toMatchObject({ state: 'done', done: names.length });
    expect(events.some((e) => e.state === 'running' && e.done > 0 && e.done < names.length)).toBe(true);
    expect(s.cache.mailboxes.list(acc).find((m) => m.id === target.id)!.total).toBe(names.length);

    const expected = names.map((n) => sha256(corpusMessage(n))).sort();
    await finish(s, s.startExport(target.id, path.join(dir, 'eml'), 'eml'));
    expect(hashesOfDir(path.join(dir, 'eml'))).toEqual(expected);
    expect(readdirSync(path.join(dir, 'eml')).every((n) => /^(\d{4}-\d\d-\d\d \d{4}|undated) .+\.eml$/.test(n))).toBe(true);

    await finish(s, s.startExport(target.id, path.join(dir, 'out.mbox'), 'mbox'));
    expect(await mboxHashes(path.join(dir, 'out.mbox'))).toEqual(expected);

    // The mbox back into another folder and out as .eml files: still the same bytes.
    const again = await folder(s, acc, 'Again');
    await finish(s, s.startImport(again.id, path.join(dir, 'out.mbox')));
    await finish(s, s.startExport(again.id, path.join(dir, 'eml2'), 'eml'));
    expect(hashesOfDir(path.join(dir, 'eml2'))).toEqual(expected);

    // Exporting the same folder into the same .eml folder again keeps the first files: new names.
    await finish(s, s.startExport(target.id, path.join(dir, 'eml'), 'eml'));
    expect(readdirSync(path.join(dir, 'eml')).length).toBe(2 * names.length);
  });

  it('a Maildir with its flags and delivery times, and Apple Mail’s .mbox folder', async () => {
    const dir = tempDir('transfer');
    const s = open.add(startServices(path.join(dir, 'data')));
    const acc = await localAccount(s);
    const target = await folder(s, acc, 'Old');
    const md = path.join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(md, sub), { recursive: true });
    const files: Array<[string, string, number]> = [
      ['cur/1000.M1.host,S=10:2,S', 'legacy-000.eml', 1_600_000_000],
      ['cur/1001.M2.host:2,FR', 'legacy-001.eml', 1_600_000_100],
      ['cur/1002.M3.host:2,DT', 'malformed-000.eml', 1_600_000_200],
      ['new/1003.M4.host', 'legacy-003.eml', 1_600_000_300],
    ];
    for (const [name, corpus, t] of files) {
      writeFileSync(path.join(md, name), corpusMessage(corpus));
      utimesSync(path.join(md, name), t, t);
    }
    await finish(s, s.startImport(target.id, md));
    const rows = s.cache.messages.page(target.id, 0, 10).messages.sort((a, b) => a.uid - b.uid);
    expect(rows.map((m) => m.flags)).toEqual([['\\Seen'], ['\\Answered', '\\Flagged'], ['\\Deleted', '\\Draft'], []]);
    const local = await s.account(acc).transferFolder(target);
    const stored = [];
    for await (const m of local.messages()) stored.push(m);
    expect(stored.map((m) => m.internalDate.getTime() / 1000)).toEqual(files.map((f) => f[2]));
    expect(stored.map((m) => sha256(m.raw))).toEqual(files.map((f) => sha256(corpusMessage(f[1]))));

    // mutt reads the new message (new/ to cur/, flag S) and one more arrives: importing the
    // Maildir again adds only that one.
    renameSync(path.join(md, 'new/1003.M4.host'), path.join(md, 'cur/1003.M4.host:2,S'));
    writeFileSync(path.join(md, 'new/1004.M5.host'), corpusMessage('legacy-004.eml'));
    const second = await finish(s, s.startImport(target.id, md));
    expect(second.done).toBe(files.length + 1);
    expect(s.cache.messages.page(target.id, 0, 10).messages.length).toBe(files.length + 1);

    // Apple Mail exports "Name.mbox/" with the messages in its `mbox` file.
    const apple = path.join(dir, 'Old.mbox');
    mkdirSync(apple);
    await finish(s, s.startExport(target.id, path.join(apple, 'mbox'), 'mbox'));
    // (five messages now: the four above and the one that arrived later)
    writeFileSync(path.join(apple, 'table_of_contents'), 'not mail');
    const fromApple = await folder(s, acc, 'FromApple');
    const done = await finish(s, s.startImport(fromApple.id, apple));
    expect(done.done).toBe(files.length + 1);
  });

  it('an mbox into an IMAP folder with flags and dates (APPEND), then out again', async () => {
    const dir = tempDir('transfer');
    const s = open.add(startServices(path.join(dir, 'data'), { idle: false }));
    const { id, user, password } = await imapAccount(s);
    const target = await folder(s, id, 'Imported');
    const names = corpusNames();
    // IMAP carries mail with CRLF line ends: the messages as a server sends them.
    const source = path.join(dir, 'in.mbox');
    const mbox = names.map((n, i) => mboxEntry(toCrlf(corpusMessage(n)), 'sender@example.test', new Date(Date.UTC(2020, 0, 6, 10, i % 60))));
    writeFileSync(source, Buffer.concat(mbox));
    await finish(s, s.startImport(target.id, source));
    const dates = imaplib(user, password, `c.select('Imported'); print(c.fetch('1,2', '(INTERNALDATE)')[1])`);
    expect(dates).toContain('06-Jan-2020 10:00:00 +0000');
    expect(dates).toContain('06-Jan-2020 10:01:00 +0000');

    await finish(s, s.startExport(target.id, path.join(dir, 'eml'), 'eml'));
    // IMAP carries lines ending CRLF: a message that ends in a lone CR (legacy-049) comes back
    // without it from Dovecot; every other byte is kept.
    const asImapKeepsIt = (b: Buffer) => (b.at(-1) === 0x0d ? b.subarray(0, -1) : b);
    const expected = names.map((n) => sha256(asImapKeepsIt(toCrlf(corpusMessage(n))))).sort();
    const got = hashesOfDir(path.join(dir, 'eml'));
    expect(got.length).toBe(names.length);
    expect(got).toEqual(expected);
    await finish(s, s.startExport(target.id, path.join(dir, 'out.mbox'), 'mbox'));
    expect(await mboxHashes(path.join(dir, 'out.mbox'))).toEqual(expected);

    // A Maildir's flags become the APPENDed messages' flags.
    const md = path.join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(md, sub), { recursive: true });
    writeFileSync(path.join(md, 'cur/1.M1.host:2,FS'), toCrlf(corpusMessage(names[0]!)));
    writeFileSync(path.join(md, 'cur/2.M2.host:2,R'), toCrlf(corpusMessage(names[1]!)));
    const flagged = await folder(s, id, 'Flagged');
    await finish(s, s.startImport(flagged.id, md));
    const flags = imaplib(user, password, `c.select('Flagged'); print(c.fetch('1:2', '(FLAGS)')[1])`);
    const flagsOf = (n: number) =>
      (new RegExp(`${n} \\(FLAGS \\(([^)]*)\\)`).exec(flags)?.[1] ?? '')
        .split(' ')
        .filter((f) => f !== '\\\\Recent')
        .sort();
    expect([flagsOf(1), flagsOf(2)]).toEqual([['\\\\Flagged', '\\\\Seen'], ['\\\\Answered']]);
  });

  it('says what is wrong with a source, and cancels a running import so that it can go on later', async () => {
    const dir = tempDir('transfer');
    const s = open.add(startServices(path.join(dir, 'data')));
    const acc = await localAccount(s);
    const target = await folder(s, acc, 'X');
    const missing = await s.transfers.wait(s.startImport(target.id, path.join(dir, 'nope.mbox')).jobId);
    expect(missing).toMatchObject({ state: 'failed', error: { code: 'NOT_FOUND' } });
    mkdirSync(path.join(dir, 'empty'));
    expect((await s.transfers.wait(s.startImport(target.id, path.join(dir, 'empty')).jobId)).error?.code).toBe('INVALID_ARGUMENT');

    const source = path.join(dir, 'many.mbox');
    writeFileSync(
      source,
      Buffer.concat(Array.from({ length: 300 }, (_, i) => Buffer.from(`From a@b Mon Jan  6 10:00:00 2020\nSubject: m${i}\n\nbody ${i}\n\n`))),
    );
    const job = s.startImport(target.id, source);
    expect(() => s.startImport(target.id, source)).toThrow(/running already/);
    s.transfers.cancel(job.jobId);
    const stopped = await s.transfers.wait(job.jobId);
    expect(stopped.state).toBe('cancelled');
    expect(stopped.done).toBeLessThan(300);
    const resumed = await finish(s, s.startImport(target.id, source));
    expect(resumed.done).toBe(300);
    await s.account(acc).sync();
    expect(s.cache.mailboxes.list(acc).find((m) => m.id === target.id)!.total).toBe(300);
  });
});
