// The list entry of a whole message (POP3 and local folders) from its bytes: checked against
// mailparser, which the app used before, on realistic generated mail and the real/malformed corpus.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { decodeHeaderFields, summariseRawMessage } from '../../../src/main/mail/message-summary.ts';
import { makeSnippet } from '../../../src/main/mail/snippet.ts';
import { corpusMessage, corpusNames } from '../../support/corpus.ts';
import { tempDir } from '../../support/temp-dir.ts';

const GEN = path.resolve(import.meta.dirname, '../../../../shared/bench/gen-corpus.py');

const addrs = (v: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(v) ? v : v ? [v] : []).flatMap((o) => o.value).map((a) => `${a.name ?? ''} <${a.address ?? ''}>`);

describe('raw message summary', () => {
  it('agrees with mailparser on realistic mail: addresses, subject, date, ids, attachments and snippet', async () => {
    const dir = tempDir('summary');
    try {
      execFileSync('/usr/bin/python3', [GEN, dir, '150', '11'], { stdio: 'pipe' });
      const files = readdirSync(path.join(dir, 'cur'));
      expect(files.length).toBe(150);
      let withAttachments = 0;
      for (const f of files) {
        const raw = readFileSync(path.join(dir, 'cur', f));
        const s = summariseRawMessage(raw);
        const p = await simpleParser(raw);
        const text = p.text ?? (typeof p.html === 'string' ? p.html : '');
        expect(s.subject, f).toBe(p.subject ?? '');
        expect(
          s.from.map((a) => `${a.name} <${a.address}>`),
          f,
        ).toEqual(addrs(p.from));
        expect(
          s.to.map((a) => `${a.name} <${a.address}>`),
          f,
        ).toEqual(addrs(p.to));
        expect(
          s.cc.map((a) => `${a.name} <${a.address}>`),
          f,
        ).toEqual(addrs(p.cc));
        expect(s.messageId, f).toBe(p.messageId ?? null);
        expect(s.date, f).toBe(p.date?.getTime() ?? null);
        expect(s.hasAttachments, f).toBe(p.attachments.some((a) => a.contentDisposition !== 'inline'));
        expect(s.snippet, f).toBe(makeSnippet(text.slice(0, 4096), p.text ? 'text/plain' : 'text/html', 200));
        if (s.hasAttachments) withAttachments++;
      }
      expect(withAttachments).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads every corpus message (real and malformed) without throwing, with the same sender and ids as mailparser', async () => {
    for (const f of corpusNames()) {
      const raw = corpusMessage(f);
      const s = summariseRawMessage(raw);
      const p = await simpleParser(raw);
      expect(
        s.from.map((a) => a.address),
        f,
      ).toEqual(addrs(p.from).map((a) => a.replace(/^.*<(.*)>$/, '$1')));
      expect(s.messageId, f).toBe(p.messageId ?? null);
      expect(s.snippet.length, f).toBeLessThanOrEqual(200);
    }
  });

  it('decodes a raw 8-bit byte inside an encoded word in the word’s charset (mailparser garbles it)', () => {
    const raw = corpusMessage('legacy-009.eml');
    expect(raw.includes(Buffer.from('Fr\xf6sche?=', 'latin1'))).toBe(true);
    expect(summariseRawMessage(raw).subject).toBe('Die Hasen und die Frösche');
  });

  it('has a snippet for a short base64 text part (its padded last group was dropped before)', () => {
    const raw = Buffer.from('From: a@x.org\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nSGk=\r\n');
    expect(summariseRawMessage(raw).snippet).toBe('Hi');
  });

  it('handles UTF-8 headers, HTML-only mail, inline images, named parts and threading headers', () => {
    const msg = (s: string) => Buffer.from(s.replace(/\n/g, '\r\n'), 'utf8');
    const html = summariseRawMessage(
      msg(
        'From: "Zoë Ünal" <zoe@example.org>\nTo: =?utf-8?q?Bj=C3=B6rn?= <bjorn@example.org>, team: a@x.org, b@x.org;\n' +
          'Subject: Grüße =?utf-8?b?w6A=?= la\n  carte\nMessage-ID: <m1@x>\nIn-Reply-To: <p2@x>\nReferences: <p1@x> <p2@x>\n' +
          'Content-Type: multipart/related; boundary=b\n\n--b\nContent-Type: text/html; charset=utf-8\n\n' +
          '<html><head><style>p{}</style></head><body><p>Hello &amp; <b>welcome</b></p><img src="cid:i"></body></html>\n' +
          '--b\nContent-Type: image/png\nContent-ID: <i>\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--b--\n',
      ),
    );
    expect(html.from).toEqual([{ name: 'Zoë Ünal', address: 'zoe@example.org' }]);
    expect(html.to.map((a) => a.address)).toEqual(['bjorn@example.org', 'a@x.org', 'b@x.org']);
    expect(html.to[0]!.name).toBe('Björn');
    expect(html.subject).toBe('Grüße à la carte');
    expect(html.snippet).toBe('Hello & welcome');
    expect(html.hasAttachments).toBe(false);
    expect(html.parentIds).toEqual(['<p1@x>', '<p2@x>']);
    expect(html.date).toBeNull();

    const attached = summariseRawMessage(
      msg(
        'From: a@x.org\nDate: Tue, 1 Dec 2026 10:00:00 +0100 (CET)\nContent-Type: multipart/mixed; boundary=z\n\n' +
          '--z\nContent-Type: text/plain\n\n\n--z\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n' +
          '> quoted\nK=F6ln =\nrocks\n--z\nContent-Type: application/pdf; name="a.pdf"\n\nJVBERi0=\n--z--\n',
      ),
    );
    expect(attached.snippet).toBe('Köln rocks');
    expect(attached.hasAttachments).toBe(true);
    expect(attached.date).toBe(Date.UTC(2026, 11, 1, 9));
  });
});

describe('charsets of headers and text', () => {
  const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../../fixtures/mime', name));
  const header = (raw: Buffer) => raw.subarray(0, raw.indexOf('\r\n\r\n') + 2);

  it.each([
    ['utf7.eml', 'Die Frösche', 'Jürgen', 'Die Frösche springen & tauchen. 1+1=2'],
    ['raw-8bit-latin1-headers.eml', 'Die Frösche im Teich', 'Jürgen Müller', 'Die Frösche quaken.'],
    ['raw-8bit-in-encoded-word.eml', 'Die Hasen und die Frösche', 'Heinz Müller', 'Die Frösche.'],
  ])('%s: subject, sender and snippet decode once, from the whole message and from IMAP header fields', (name, subject, sender, snippet) => {
    const raw = fixture(name);
    const s = summariseRawMessage(raw);
    expect(s).toMatchObject({ subject, snippet });
    expect(s.from[0]!.name).toBe(sender);
    const fields = decodeHeaderFields(header(raw));
    expect(fields.subject).toBe(subject);
    expect(fields.from![0]!.name).toBe(sender);
    expect(fields.cc).toBeNull();
  });

  it('reads raw 8-bit header fields in the body charset when the header block has no Content-Type', () => {
    const raw = Buffer.from('Subject: \xcf\xf0\xe8\xe2\xe5\xf2\r\nFrom: \xc8\xe2\xe0\xed <ivan@example.test>\r\n', 'latin1');
    expect(decodeHeaderFields(raw, 'windows-1251')).toMatchObject({ subject: 'Привет', from: [{ name: 'Иван', address: 'ivan@example.test' }] });
  });
});
