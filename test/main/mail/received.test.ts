import { describe, expect, it } from 'vitest';
import { receivedHeader, type ReceivedTrace } from '../../../src/main/mail/received.ts';

const date = Date.UTC(2026, 10, 23, 19, 5, 4);
const base: ReceivedTrace = { helo: 'laptop', clientAddress: '192.0.2.7', by: 'mx.home.arpa', protocol: 'ESMTP', id: 'abc123', date };

describe('receivedHeader', () => {
  it.each<[string, Partial<ReceivedTrace>, string]>([
    // inbound SMTP, several recipients, plain text
    ['inbound', {}, 'Received: from laptop ([192.0.2.7])\r\n\tby mx.home.arpa (Hearth) with ESMTP id abc123;\r\n\tMon, 23 Nov 2026 19:05:04 +0000\r\n'],
    [
      'inbound over TLS to one recipient',
      { protocol: 'ESMTPS', tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' }, recipient: 'alice@home.arpa' },
      'Received: from laptop ([192.0.2.7])\r\n\tby mx.home.arpa (Hearth) with ESMTPS (TLSv1.3 TLS_AES_256_GCM_SHA384) id abc123\r\n\tfor <alice@home.arpa>;\r\n\tMon, 23 Nov 2026 19:05:04 +0000\r\n',
    ],
    [
      'TLS without a known cipher',
      { tls: {} },
      'Received: from laptop ([192.0.2.7])\r\n\tby mx.home.arpa (Hearth) with ESMTP (TLS) id abc123;\r\n\tMon, 23 Nov 2026 19:05:04 +0000\r\n',
    ],
    [
      'submission',
      { protocol: 'ESMTPSA', authenticatedUser: 'alice@home.arpa', recipient: 'bob@example.org' },
      'Received: from laptop ([192.0.2.7])\r\n\t(authenticated user alice@home.arpa)\r\n\tby mx.home.arpa (Hearth) with ESMTPSA id abc123\r\n\tfor <bob@example.org>;\r\n\tMon, 23 Nov 2026 19:05:04 +0000\r\n',
    ],
    [
      'submission from an unknown client',
      { helo: 'unknown', clientAddress: null, protocol: 'ESMTPSA' },
      'Received: from unknown (unknown)\r\n\tby mx.home.arpa (Hearth) with ESMTPSA id abc123;\r\n\tMon, 23 Nov 2026 19:05:04 +0000\r\n',
    ],
  ])('%s', (_name, trace, header) => {
    expect(receivedHeader({ ...base, ...trace })).toBe(header);
  });
});
