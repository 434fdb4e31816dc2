// `hearth dns`: besides MX, SPF, DKIM and DMARC, the records that let devices and other servers
// find the household: RFC 6186/8314 SRV (standard ports unless a port map is given, "." for what
// is not offered), the autoconfig/autodiscover/mta-sts names, MTA-STS and TLS-RPT.
import { describe, expect, it } from 'vitest';
import { runHearth } from '../../../support/hearth-cli.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { mtaStsId, mtaStsPolicyText } from '../../../../src/main/server/autoconfig/mta-sts.ts';
import { autoconfigHttpLimits } from '../../../../src/main/base/limits.ts';

const env = { ...process.env, HEARTH_LOG_LEVEL: 'warn' };
const dns = async (...args: string[]) => {
  const r = await runHearth(['dns', '--data', tempDir('dns'), '--domain', 'example.org', ...args], { env });
  expect([r.code, r.stderr]).toEqual([0, '']);
  return r.stdout.split('\n').filter((l) => l && !l.startsWith(';'));
};

describe('hearth dns', () => {
  it('prints SRV records for every mail service on the standard ports, and the discovery names', async () => {
    const lines = await dns();
    const policy = { mode: 'testing' as const, mx: ['mail.example.org'], maxAgeSeconds: autoconfigHttpLimits.mtaStsMaxAgeSeconds };
    expect(lines.slice(4)).toEqual([
      '_imaps._tcp.example.org.\tIN\tSRV\t0 1 993 mail.example.org.',
      '_imap._tcp.example.org.\tIN\tSRV\t0 1 143 mail.example.org.',
      '_pop3s._tcp.example.org.\tIN\tSRV\t0 1 995 mail.example.org.',
      '_pop3._tcp.example.org.\tIN\tSRV\t0 1 110 mail.example.org.',
      '_submissions._tcp.example.org.\tIN\tSRV\t0 1 465 mail.example.org.',
      '_submission._tcp.example.org.\tIN\tSRV\t0 1 587 mail.example.org.',
      'autoconfig.example.org.\tIN\tCNAME\tmail.example.org.',
      'autodiscover.example.org.\tIN\tCNAME\tmail.example.org.',
      '_autodiscover._tcp.example.org.\tIN\tSRV\t0 1 443 mail.example.org.',
      'mta-sts.example.org.\tIN\tCNAME\tmail.example.org.',
      `_mta-sts.example.org.\tIN\tTXT\t"v=STSv1; id=${mtaStsId(policy)}"`,
      '_smtp._tls.example.org.\tIN\tTXT\t"v=TLSRPTv1; rua=mailto:postmaster@example.org"',
    ]);
    expect(lines[0]).toBe('example.org.\tIN\tMX\t10 mail.example.org.');
    expect(mtaStsPolicyText(policy)).toBe(
      `version: STSv1\r\nmode: testing\r\nmx: mail.example.org\r\nmax_age: ${autoconfigHttpLimits.mtaStsMaxAgeSeconds}\r\n`,
    );
  });

  it('follows a port map, publishes "." for services not offered, and no HTTPS names without HTTPS', async () => {
    const lines = await dns('--hostname', 'mx.example.org', '--imaps-port', '1993', '--imap-port', 'off', '--pop3-port', 'off', '--https-port', 'off');
    expect(lines).toContain('_imaps._tcp.example.org.\tIN\tSRV\t0 1 1993 mx.example.org.');
    expect(lines).toContain('_imap._tcp.example.org.\tIN\tSRV\t0 0 0 .');
    expect(lines).toContain('_pop3._tcp.example.org.\tIN\tSRV\t0 0 0 .');
    expect(lines.filter((l) => /autoconfig|autodiscover|mta-sts/.test(l))).toEqual([]);
    expect(lines.at(-1)).toBe('_smtp._tls.example.org.\tIN\tTXT\t"v=TLSRPTv1; rua=mailto:postmaster@example.org"');
    const bad = await runHearth(['dns', '--data', tempDir('dns'), '--domain', 'example.org', '--imaps-port', 'x'], { env });
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, 'hearth: --imaps-port: not a port number: x']);
  });
});
