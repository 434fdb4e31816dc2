// IMAP URLs as CATENATE takes them (RFC 5092, RFC 4469 3), as a table.
import { describe, it, expect } from 'vitest';
import { parseImapUrl, parseSection } from '../../../../../src/main/server/imap/protocol/imap-url.ts';

describe('parseImapUrl', () => {
  const table: Array<[string, object | null]> = [
    ['/INBOX/;UID=20', { mailbox: 'INBOX', uid: 20, uidValidity: null, section: null, partial: null, absolute: false, user: null }],
    [
      '/Drafts;UIDVALIDITY=385759045/;UID=20/;SECTION=1.MIME',
      { mailbox: 'Drafts', uidValidity: 385759045, uid: 20, section: { path: [1], spec: { kind: 'mime' } } },
    ],
    ['/Archive/2024/;UID=3/;section=HEADER', { mailbox: 'Archive/2024', uid: 3, section: { path: [], spec: { kind: 'header' } } }],
    ['/Gr%C3%BC%C3%9Fe/;UID=1', { mailbox: 'Grüße' }],
    ['/INBOX/;UID=1/;SECTION=HEADER.FIELDS%20(SUBJECT%20FROM)', { section: { path: [], spec: { kind: 'fields', fields: ['SUBJECT', 'FROM'], not: false } } }],
    ['/INBOX/;UID=1/;SECTION=2/;PARTIAL=0.1024', { section: { path: [2], spec: { kind: 'all' } }, partial: { start: 0, length: 1024 } }],
    ['/INBOX/;UID=1/;PARTIAL=5', { partial: { start: 5, length: null } }],
    [';UID=7', { mailbox: null, uid: 7 }],
    ['imap://alice%40home.arpa@mail.home.arpa/Sent/;UID=3', { absolute: true, user: 'alice@home.arpa', mailbox: 'Sent', uid: 3 }],
    ['imap://bob;AUTH=*@host:143/INBOX/;UID=1', { absolute: true, user: 'bob' }],
    ['imap://host/INBOX/;UID=1', { absolute: true, user: null }],
    ['/INBOX/;UID=0', null],
    ['/INBOX/;UID=x', null],
    ['/INBOX', null],
    ['/INBOX;UIDVALIDITY=abc/;UID=1', null],
    ['/INBOX/;UID=1/;SECTION=FOO', null],
    ['/INBOX/;UID=1/;SECTION=MIME', null],
    ['/INBOX/;UID=1/;PARTIAL=1.0', null],
    ['/INBOX/;UID=1/;URLAUTH=anonymous:internal:abc', null],
    ['/INBOX/;UID=1/;PARTIAL=1/;SECTION=1', null],
    ['imap://host;UID=1', null],
    ['/%ZZ/;UID=1', null],
  ];
  for (const [url, want] of table) {
    it(url, () => {
      const got = parseImapUrl(url);
      if (want === null) expect(got).toBeNull();
      else expect(got).toMatchObject(want);
    });
  }
});

describe('parseSection', () => {
  it('reads paths and specifiers', () => {
    expect(parseSection('1.2')).toEqual({ path: [1, 2], spec: { kind: 'all' } });
    expect(parseSection('2.text')).toEqual({ path: [2], spec: { kind: 'text' } });
    expect(parseSection('header.fields.not (Received)')).toEqual({ path: [], spec: { kind: 'fields', fields: ['RECEIVED'], not: true } });
    expect(parseSection('')).toBeNull();
    expect(parseSection('0')).toBeNull();
    expect(parseSection('1.')).toBeNull();
  });
});
