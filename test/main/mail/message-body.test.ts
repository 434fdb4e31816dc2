import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseMessageBody } from '../../../src/main/mail/message-body.ts';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

describe('parseMessageBody', () => {
  it('gives the text, the HTML, the attachments and the threading headers', async () => {
    const raw = crlf([
      'From: Alice <alice@home.arpa>',
      'Reply-To: Lists <list@home.arpa>',
      'References: <a@x> <b@x>',
      'Subject: hi',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary=B',
      '',
      '--B',
      'Content-Type: multipart/alternative; boundary=A',
      '',
      '--A',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Grüße',
      '--A',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Grüße</p>',
      '--A--',
      '--B',
      'Content-Type: application/pdf; name=a.pdf',
      'Content-Disposition: attachment; filename=a.pdf',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERg==',
      '--B--',
      '',
    ]);
    const body = await parseMessageBody(7, raw);
    expect(body).toMatchObject({
      id: 7,
      text: 'Grüße',
      damaged: false,
      references: ['<a@x>', '<b@x>'],
      replyTo: [{ name: 'Lists', address: 'list@home.arpa' }],
    });
    expect(body.html).toContain('<p>Grüße</p>');
    expect(body.attachments).toEqual([{ partId: '2', filename: 'a.pdf', contentType: 'application/pdf', size: 4, contentId: null, inline: false }]);
  });

  it('gives a single reference as a list', async () => {
    const body = await parseMessageBody(1, crlf(['References: <only@x>', '', 'text']));
    expect(body.references).toEqual(['<only@x>']);
    expect(body.html).toBeNull();
  });

  it('decodes a UTF-7 body (mailparser refuses it), text and HTML, under any of its labels and transfer encodings', async () => {
    const utf7 = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/mime/utf7.eml'));
    expect((await parseMessageBody(1, utf7)).text).toBe('Die Frösche springen & tauchen. 1+1=2\n');
    const html = crlf([
      'Subject: x',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary=A',
      '',
      '--A',
      'Content-Type: text/plain; charset="UNICODE-1-1-UTF-7"',
      '',
      'Gr+APwA3w-e',
      '--A',
      'Content-Type: text/html; charset=utf-7',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('+ADw-p+AD4-Gr+APwA3w-e+ADw-/p+AD4-').toString('base64'),
      '--A--',
      '',
    ]);
    expect(await parseMessageBody(2, html)).toMatchObject({ text: 'Grüße', html: '<p>Grüße</p>' });
  });
});
