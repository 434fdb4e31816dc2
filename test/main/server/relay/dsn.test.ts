import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { buildDsn, hasHeader, headerBlockOf } from '../../../../src/main/server/relay/dsn.ts';
import { parseDsnWithPython } from '../../../support/python-dsn.ts';

describe('DSN builder', () => {
  const base = {
    reportingMta: 'mail.home.test',
    fromAddress: 'MAILER-DAEMON@home.test',
    to: 'alice@home.test',
    queueId: 'q1',
    arrivalDate: Date.UTC(2026, 0, 5, 9, 0, 0),
    now: Date.UTC(2026, 0, 5, 13, 0, 0),
    originalHeaders: 'From: Alice <alice@home.test>\nSubject: Grüße\nTo: x@far.test',
  };

  it('builds a delay warning with per-recipient blocks, international addresses typed utf-8', async () => {
    const raw = buildDsn({
      ...base,
      recipients: [
        {
          address: 'x@far.test',
          action: 'delayed',
          status: '4.4.1',
          diagnostic: '451 4.4.1 connection refused',
          willRetryUntil: base.arrivalDate + 5 * 86_400_000,
        },
        { address: 'jörg@müller.test', action: 'delayed', status: '4.3.0' },
      ],
    });
    const dsn = parseDsnWithPython(raw);
    expect(dsn.partTypes).toEqual(['multipart/report', 'text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    expect(dsn.perMessage).toEqual({ 'Reporting-MTA': 'dns; mail.home.test', 'X-Hearth-Queue-ID': 'q1', 'Arrival-Date': 'Mon, 05 Jan 2026 09:00:00 +0000' });
    expect(dsn.recipients[0]).toEqual({
      'Final-Recipient': 'rfc822; x@far.test',
      Action: 'delayed',
      Status: '4.4.1',
      'Diagnostic-Code': 'smtp; 451 4.4.1 connection refused',
      'Will-Retry-Until': 'Sat, 10 Jan 2026 09:00:00 +0000',
    });
    expect(dsn.recipients[1]!['Final-Recipient']).toBe('utf-8; j\\x{F6}rg@m\\x{FC}ller.test'); // RFC 6533 utf-8-addr-xtext
    expect(dsn.originalHeaders).toContain('Subject: Grüße\r\nTo: x@far.test');
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe('Delayed Mail (still being retried)');
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    // every line ends in CRLF and none is longer than 998 octets
    expect(
      raw
        .toString('latin1')
        .split('\r\n')
        .every((l) => !l.includes('\n') && Buffer.byteLength(l) <= 998),
    ).toBe(true);
  });

  it('reads header blocks', () => {
    const block = headerBlockOf(Buffer.from('Subject: a\r\nMessage-Id: <x@y>\r\n\r\nDate: in the body\r\n'));
    expect(hasHeader(block, 'message-id')).toBe(true);
    expect(hasHeader(block, 'date')).toBe(false);
  });
});
