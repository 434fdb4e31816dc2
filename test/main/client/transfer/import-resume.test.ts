// An import killed (-9) in the middle, at several points, and started again: every message of the
// source ends up in the folder exactly once, in order, byte for byte.
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { runImport } from '../../../../src/main/client/transfer/import-job.ts';
import { contentHash } from '../../../../src/main/client/transfer/import-journal.ts';
import { ImapTransferFolder } from '../../../../src/main/client/transfer/imap-transfer-folder.ts';
import { LocalTransferFolder } from '../../../../src/main/client/transfer/local-transfer-folder.ts';
import { mboxEntry } from '../../../../src/main/mail/mbox.ts';
import { MaildirStore } from '../../../../src/main/maildir/maildir-store.ts';
import { corpusMessage, corpusNames } from '../../../support/corpus.ts';
import { dovecotMessages } from '../../../support/dovecot-mail.ts';
import { createDovecotUser, dovecot } from '../../../support/peers.ts';
import { tempDir } from '../../../support/temp-dir.ts';

/** An import in a child process that kills itself (-9); `target` is `[storeRoot]` or `['imap', port, user, password, folder]`. */
function killedImport(dataDir: string, source: string, storeRoot: string | string[], killAt: number, when: 'afterAppend' | 'afterJournal') {
  const target = typeof storeRoot === 'string' ? ['local', storeRoot] : storeRoot;
  const child = fork(path.join(import.meta.dirname, 'fixtures/import-kill-child.ts'), [dataDir, source, String(killAt), when, ...target], { stdio: 'ignore' });
  return new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, sig) => r(sig)));
}

async function folderHashes(storeRoot: string): Promise<string[]> {
  const store = new MaildirStore({ root: storeRoot, hostname: 'test' });
  try {
    const folder = new LocalTransferFolder(await store.user('me@example.test'), 'INBOX', async () => {});
    const out: string[] = [];
    for await (const m of folder.messages()) out.push(contentHash(m.raw));
    return out;
  } finally {
    await store.close();
  }
}

describe('import after kill -9', () => {
  it('goes on where it stopped, without duplicates, whether killed before or after the journal line', async () => {
    const dir = tempDir('import-kill');
    const names = corpusNames();
    const source = path.join(dir, 'corpus.mbox');
    writeFileSync(source, Buffer.concat(names.map((n, i) => mboxEntry(corpusMessage(n), 'a@example.test', new Date(Date.UTC(2020, 0, 1 + i))))));
    const dataDir = path.join(dir, 'data');
    const storeRoot = path.join(dir, 'store');
    // Killed right after the very first message reached the empty folder.
    expect(await killedImport(dataDir, source, storeRoot, 1, 'afterAppend')).toBe('SIGKILL');
    expect((await folderHashes(storeRoot)).length).toBe(1);
    expect(await killedImport(dataDir, source, storeRoot, 5, 'afterAppend')).toBe('SIGKILL');
    expect((await folderHashes(storeRoot)).length).toBe(6);
    expect(await killedImport(dataDir, source, storeRoot, 12, 'afterJournal')).toBe('SIGKILL');
    expect(await killedImport(dataDir, source, storeRoot, 3, 'afterAppend')).toBe('SIGKILL'); // the 3rd message this run: the 15th
    expect(await killedImport(dataDir, source, storeRoot, 15, 'afterJournal')).toBe('SIGKILL'); // killed again at once, after the message it found
    expect(await killedImport(dataDir, source, storeRoot, 1, 'afterAppend')).toBe('SIGKILL');

    const store = new MaildirStore({ root: storeRoot, hostname: 'test' });
    const folder = new LocalTransferFolder(await store.user('me@example.test'), 'INBOX', async () => {});
    const done = await runImport({ dataDir, source, accountId: 'local', folderPath: 'INBOX', folder });
    await store.close();
    expect(done).toMatchObject({ done: names.length, total: names.length, skipped: 0 });
    expect(await folderHashes(storeRoot)).toEqual(names.map((n) => contentHash(corpusMessage(n))));

    // The same import once more finds nothing new to do.
    const store2 = new MaildirStore({ root: storeRoot, hostname: 'test' });
    const again = await runImport({
      dataDir,
      source,
      accountId: 'local',
      folderPath: 'INBOX',
      folder: new LocalTransferFolder(await store2.user('me@example.test'), 'INBOX', async () => {}),
    });
    await store2.close();
    expect(again.done).toBe(names.length);
    expect((await folderHashes(storeRoot)).length).toBe(names.length);
  });

  it('streams a generated mbox of 5,000 messages, killed halfway and resumed', async () => {
    const dir = tempDir('import-big');
    const source = path.join(dir, 'big.mbox');
    const count = 5000;
    const message = (i: number) =>
      Buffer.from(
        `From: Sender ${i} <s${i}@example.test>\nTo: me@example.test\nSubject: message ${i}\nMessage-ID: <${i}@example.test>\n\n${`line ${i} of a body\n`.repeat(100)}From the end of ${i}\n`,
      );
    writeFileSync(
      source,
      Buffer.concat(Array.from({ length: count }, (_, i) => mboxEntry(message(i), 'a@example.test', new Date(Date.UTC(2021, 0, 1, 0, 0, i))))),
    );
    const dataDir = path.join(dir, 'data');
    const storeRoot = path.join(dir, 'store');
    expect(await killedImport(dataDir, source, storeRoot, 2000, 'afterAppend')).toBe('SIGKILL');

    const store = new MaildirStore({ root: storeRoot, hostname: 'test' });
    const folder = new LocalTransferFolder(await store.user('me@example.test'), 'INBOX', async () => {});
    let peakHeap = 0;
    const started = Date.now();
    const done = await runImport({
      dataDir,
      source,
      accountId: 'local',
      folderPath: 'INBOX',
      folder,
      onProgress: (p) => {
        if (p.done % 250 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      },
    });
    const ms = Date.now() - started;
    await store.close();
    console.log(
      `resumed import of ${count - 2000} of ${count} messages (${(readFileSync(source).length / 1048576).toFixed(1)} MiB mbox): ${ms} ms, peak heap ${(peakHeap / 1048576).toFixed(0)} MiB`,
    );
    expect(done).toMatchObject({ done: count, total: count, skipped: 0 });
    expect(await folderHashes(storeRoot)).toEqual(Array.from({ length: count }, (_, i) => contentHash(message(i))));
  }, 300_000);

  it('into an IMAP folder (Dovecot): killed before and after the journal line, every message arrives exactly once', async () => {
    const { user, password } = createDovecotUser();
    const dir = tempDir('import-kill-imap');
    // An mbox as Thunderbird and mutt write it: LF line ends (the server keeps CRLF).
    const names = corpusNames().slice(0, 30);
    const source = path.join(dir, 'Thunderbird.mbox');
    writeFileSync(source, Buffer.concat(names.map((n, i) => mboxEntry(corpusMessage(n), 'a@example.test', new Date(Date.UTC(2020, 0, 1 + i))))));
    const dataDir = path.join(dir, 'data');
    const client = () =>
      new ImapFlow({ host: '127.0.0.1', port: dovecot.imapPort, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false });
    const c = client();
    await c.connect();
    await c.mailboxCreate('Imported');
    const imap = ['imap', String(dovecot.imapPort), user, password, 'Imported'];

    // Killed right after an APPEND was answered but before the journal knew: the dangerous case.
    expect(await killedImport(dataDir, source, imap, 3, 'afterAppend')).toBe('SIGKILL');
    expect((await dovecotMessages(user, password, 'Imported')).length).toBe(3);
    expect(await killedImport(dataDir, source, imap, 9, 'afterJournal')).toBe('SIGKILL');
    expect(await killedImport(dataDir, source, imap, 1, 'afterAppend')).toBe('SIGKILL'); // at once, the 10th
    expect(await killedImport(dataDir, source, imap, 4, 'afterAppend')).toBe('SIGKILL'); // the 10th found there, then the 11th to 14th
    expect((await dovecotMessages(user, password, 'Imported')).length).toBe(14);

    const done = await runImport({
      dataDir,
      source,
      accountId: 'imap',
      folderPath: 'Imported',
      folder: new ImapTransferFolder(
        async () => c,
        'Imported',
        () => {},
      ),
    });
    await c.logout();
    expect(done).toMatchObject({ done: names.length, total: names.length, skipped: 0 });
    // In order, once each; the server keeps CRLF line ends, which contentHash reads alike.
    expect((await dovecotMessages(user, password, 'Imported')).map(contentHash)).toEqual(names.map((n) => contentHash(corpusMessage(n))));
  });
});
