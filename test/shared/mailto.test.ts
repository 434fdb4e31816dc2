// RFC 6068 mailto: parsing, with the examples of RFC 6068 §6 and the unsafe-header rule of §7.
import { describe, expect, it } from 'vitest';
import { isMailtoUrl, parseMailto, percentDecodeUtf8 } from '../../src/shared/mailto.ts';

const empty = { to: [], cc: [], bcc: [], subject: '', body: '', inReplyTo: null };

describe('parseMailto: RFC 6068 §6.1 basic examples', () => {
  it.each([
    ['mailto:chris@example.com', { to: ['chris@example.com'] }],
    ['mailto:infobot@example.com?subject=current-issue', { to: ['infobot@example.com'], subject: 'current-issue' }],
    ['mailto:infobot@example.com?body=send%20current-issue', { to: ['infobot@example.com'], body: 'send current-issue' }],
    ['mailto:infobot@example.com?body=send%20current-issue%0D%0Asend%20index', { to: ['infobot@example.com'], body: 'send current-issue\nsend index' }],
    ['mailto:list@example.org?In-Reply-To=%3C3469A91.D10AF4C@example.com%3E', { to: ['list@example.org'], inReplyTo: '<3469A91.D10AF4C@example.com>' }],
    ['mailto:majordomo@example.com?body=subscribe%20bamboo-l', { to: ['majordomo@example.com'], body: 'subscribe bamboo-l' }],
    ['mailto:joe@example.com?cc=bob@example.com&body=hello', { to: ['joe@example.com'], cc: ['bob@example.com'], body: 'hello' }],
    ['mailto:gorby%25kremvax@example.com', { to: ['gorby%kremvax@example.com'] }],
    ['mailto:unlikely%3Faddress@example.com?blat=foop', { to: ['unlikely?address@example.com'] }],
    ['mailto:Mike%26family@example.org', { to: ['Mike&family@example.org'] }],
  ])('%s', (uri, want) => {
    expect(parseMailto(uri)).toEqual({ ...empty, ...want });
  });
});

describe('parseMailto: RFC 6068 §6.2 examples of complicated addresses', () => {
  it.each([
    ['mailto:%22not%40me%22@example.org', '"not@me"@example.org'],
    ['mailto:%22oh%5C%5Cno%22@example.org', '"oh\\\\no"@example.org'],
    ["mailto:%22%5C%5C%5C%22it's%5C%20ugly%5C%5C%5C%22%22@example.org", '"\\\\\\"it\'s\\ ugly\\\\\\""@example.org'],
  ])('%s', (uri, address) => {
    expect(parseMailto(uri).to).toEqual([address]);
  });
});

describe('parseMailto: RFC 6068 §6.3 non-ASCII', () => {
  it('decodes percent-encoded UTF-8 in a subject', () => {
    expect(parseMailto('mailto:user@example.org?subject=caf%C3%A9').subject).toBe('café');
  });
  it('decodes an internationalised domain name', () => {
    expect(parseMailto('mailto:user@%E7%B4%8D%E8%B1%86.example.org?subject=Test&body=NATTO')).toEqual({
      ...empty,
      to: ['user@納豆.example.org'],
      subject: 'Test',
      body: 'NATTO',
    });
  });
  it('keeps an encoded-word subject as written (it is for the message, not for decoding here)', () => {
    expect(parseMailto('mailto:user@example.org?subject=%3D%3Futf-8%3FQ%3Fcaf%3DC3%3DA9%3F%3D').subject).toBe('=?utf-8?Q?caf=C3=A9?=');
  });
  it('turns bytes that are not UTF-8 into U+FFFD instead of failing', () => {
    expect(parseMailto('mailto:a@example.org?subject=caf%E9').subject).toBe('caf\uFFFD');
  });
});

describe('parseMailto: recipient lists', () => {
  it('joins the path and every to= field (RFC 6068 §2: "mailto:?to=a,b" and "mailto:a?to=b")', () => {
    expect(parseMailto('mailto:?to=addr1@an.example,addr2@an.example').to).toEqual(['addr1@an.example', 'addr2@an.example']);
    expect(parseMailto('mailto:addr1@an.example?to=addr2@an.example').to).toEqual(['addr1@an.example', 'addr2@an.example']);
    expect(parseMailto('mailto:a@x.example,b@x.example?to=c@x.example&to=d@x.example').to).toEqual([
      'a@x.example',
      'b@x.example',
      'c@x.example',
      'd@x.example',
    ]);
  });
  it('reads cc and bcc lists, with display names and quoted commas', () => {
    const d = parseMailto('mailto:?cc=%22Smith%2C%20Ann%22%20%3Cann@x.example%3E,bob@x.example&bcc=me@x.example');
    expect(d.cc).toEqual(['"Smith, Ann" <ann@x.example>', 'bob@x.example']);
    expect(d.bcc).toEqual(['me@x.example']);
  });
  it('reads field names in any case and keeps + as a plus sign', () => {
    expect(parseMailto('MAILTO:a+tag@x.example?SUBJECT=1+1&Cc=b@x.example')).toEqual({
      ...empty,
      to: ['a+tag@x.example'],
      subject: '1+1',
      cc: ['b@x.example'],
    });
  });
  it('is empty for a bare mailto:', () => {
    expect(parseMailto('mailto:')).toEqual(empty);
  });
});

describe('parseMailto: unsafe header fields (RFC 6068 §7)', () => {
  it('ignores From, Reply-To, Sender, Received, and unknown fields', () => {
    const d = parseMailto('mailto:a@x.example?from=ceo@bank.example&reply-to=thief@x.example&sender=s@x.example&received=x&x-priority=1&subject=hi');
    expect(d).toEqual({ ...empty, to: ['a@x.example'], subject: 'hi' });
  });
  it('never lets a field span lines: an encoded CR LF in a subject or address cannot add headers', () => {
    const d = parseMailto('mailto:a@x.example%0D%0ABcc:%20spy@x.example?subject=hi%0D%0ABcc:%20spy@x.example&in-reply-to=%3Ca@b%3E%0ABcc:x');
    expect(d.subject).toBe('hi Bcc: spy@x.example');
    expect(d.to).toEqual(['a@x.example Bcc: spy@x.example']);
    expect(d.inReplyTo).toBe('<a@b> Bcc:x');
    expect(d.bcc).toEqual([]);
  });
  it('keeps the first subject, and joins several bodies', () => {
    const d = parseMailto('mailto:a@x.example?subject=one&subject=two&body=line%201&body=line%202');
    expect(d.subject).toBe('one');
    expect(d.body).toBe('line 1\nline 2');
  });
  it('drops a fragment', () => {
    expect(parseMailto('mailto:a@x.example?subject=hi#frag').subject).toBe('hi');
  });
});

describe('mailto helpers', () => {
  it('recognises mailto: links only', () => {
    expect(isMailtoUrl('  MailTo:a@x')).toBe(true);
    expect(isMailtoUrl('https://x.example')).toBe(false);
    expect(() => parseMailto('https://x.example')).toThrow('Not a mailto: link');
  });
  it('leaves a % that starts no escape as it is', () => {
    expect(percentDecodeUtf8('100%')).toBe('100%');
    expect(percentDecodeUtf8('%zz%41')).toBe('%zzA');
  });
});
