import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countMbox, formatFromLine, mboxEntry, mboxHeaderFlags, parseFromLine, readMbox } from '../../../src/main/mail/mbox.ts';
import { corpusMessage, corpusNames } from '../../support/corpus.ts';
import { tempDir } from '../../support/temp-dir.ts';

async function readAll(file: string, opts: Parameters<typeof readMbox>[1] = {}) {
  const out = [];
  for await (const m of readMbox(file, opts)) out.push(m);
  return out;
}

describe('mbox', () => {
  it('round-trips every corpus message byte for byte, whatever its line ends and last line', async () => {
    const names = corpusNames();
    const file = path.join(tempDir('mbox'), 'all.mbox');
    const when = new Date(Date.UTC(2024, 2, 5, 14, 32, 7));
    writeFileSync(file, Buffer.concat(names.map((n) => mboxEntry(corpusMessage(n), 'alice@example.test', when))));
    const back = await readAll(file);
    expect(back.length).toBe(names.length);
    expect(await countMbox(file)).toBe(names.length);
    for (const [i, n] of names.entries()) {
      expect(back[i]!.raw.equals(corpusMessage(n)), n).toBe(true);
      expect(back[i]!.sender).toBe('alice@example.test');
      expect(back[i]!.date?.toISOString()).toBe(when.toISOString());
    }
  });

  it('quotes From lines the mboxrd way and unquotes them again; mboxo keeps them as they are', async () => {
    const raw = Buffer.from('Subject: q\r\n\r\nFrom here on\r\n>From the quoted\r\n>>From deeper\r\nFrom\r\nFrom the end');
    const entry = mboxEntry(raw, null, new Date(0));
    expect(entry.toString()).toBe(
      'From MAILER-DAEMON Thu Jan  1 00:00:00 1970\nSubject: q\r\n\r\n>From here on\r\n>>From the quoted\r\n>>>From deeper\r\nFrom\r\n>From the end\n',
    );
    const file = path.join(tempDir('mbox'), 'q.mbox');
    writeFileSync(file, Buffer.concat([entry, entry]));
    const rd = await readAll(file);
    expect(rd.map((m) => m.raw.equals(raw))).toEqual([true, true]);
    const o = await readAll(file, { variant: 'mboxo' });
    expect(o[0]!.raw.toString()).toContain('\r\n>From here on\r\n>>From the quoted');
  });

  it('reads an mbox as mutt and Thunderbird write it, and resumes at a message boundary', async () => {
    const text =
      'From alice@example.test Tue Mar  5 14:32:07 2024\nFrom: a@example.test\nSubject: one\n\nbody one\nFrom the desk of nobody\n\n' +
      'From - Wed Mar  6 09:00:00 2024\nX-Mozilla-Status: 0003\nSubject: two\n\nbody two\n\n' +
      'From bob@example.test Thu Mar 7 10:00:00 +0100 2024\nStatus: RO\nX-Status: F\nSubject: three\n\nbody three\n';
    const file = path.join(tempDir('mbox'), 'mutt.mbox');
    writeFileSync(file, text);
    const all = await readAll(file);
    // "From the desk" carries no date: part of message one, not a new message.
    expect(all.map((m) => m.raw.toString())).toEqual([
      'From: a@example.test\nSubject: one\n\nbody one\nFrom the desk of nobody\n',
      'X-Mozilla-Status: 0003\nSubject: two\n\nbody two\n',
      'Status: RO\nX-Status: F\nSubject: three\n\nbody three',
    ]);
    expect(all[1]!.sender).toBe('-');
    expect(all[2]!.date?.toISOString()).toBe('2024-03-07T10:00:00.000Z');
    expect(mboxHeaderFlags(all[1]!.raw)).toEqual(['\\Seen', '\\Answered']);
    expect(mboxHeaderFlags(all[2]!.raw)).toEqual(['\\Seen', '\\Flagged']);
    expect(all[2]!.end).toBe(Buffer.byteLength(text));
    const rest = await readAll(file, { start: all[0]!.end });
    expect(rest.map((m) => m.start)).toEqual([all[1]!.start, all[2]!.start]);
    expect(
      readFileSync(file)
        .subarray(all[1]!.start, all[1]!.start + 5)
        .toString(),
    ).toBe('From ');
  });

  it('reads an mbox written with CRLF line ends (Windows)', async () => {
    const file = path.join(tempDir('mbox'), 'crlf.mbox');
    writeFileSync(
      file,
      'From a@b Mon Jan  6 10:00:00 2020\r\nSubject: one\r\n\r\nbody\r\n\r\nFrom a@b Mon Jan  6 10:01:00 2020\r\nSubject: two\r\n\r\nbody\r\n',
    );
    expect((await readAll(file)).map((m) => m.raw.toString())).toEqual(['Subject: one\r\n\r\nbody\r\n', 'Subject: two\r\n\r\nbody']);
  });

  it('passes over a message larger than the limit without keeping it', async () => {
    const file = path.join(tempDir('mbox'), 'big.mbox');
    writeFileSync(
      file,
      mboxEntry(Buffer.from(`Subject: big\n\n${'x'.repeat(5000)}\n`), null, new Date(0)) +
        mboxEntry(Buffer.from('Subject: small\n\nok\n'), null, new Date(0)).toString(),
    );
    const all = await readAll(file, { maxMessageBytes: 1000 });
    expect(all.map((m) => [m.tooLarge ?? false, m.raw.toString()])).toEqual([
      [true, ''],
      [false, 'Subject: small\n\nok\n'],
    ]);
  });

  it('parses and writes "From " lines', () => {
    expect(parseFromLine('From MAILER-DAEMON Fri Jul  8 12:08:34 2011')).toEqual({ sender: 'MAILER-DAEMON', date: new Date('2011-07-08T12:08:34Z') });
    expect(parseFromLine('From here on we talk')).toBeNull();
    expect(formatFromLine('has space@x', new Date('2011-07-18T02:08:34Z'))).toBe('From MAILER-DAEMON Mon Jul 18 02:08:34 2011\n');
  });
});
