// The live DNS check of the records to publish, through node:dns against a DNS server on loopback:
// a record present and right is ok, one missing or with another value is not, with what DNS said.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { startDnsServer, type Zone } from '../../../support/dns-server.ts';
import { createCheckResolver } from '../../../../src/main/server/admin/dns-check.ts';
import { HouseholdAdmin } from '../../../../src/main/server/admin/household-admin.ts';
import { loadOrCreateConfig } from '../../../../src/main/server/users/config.ts';
import { dnsRecordsToPublish } from '../../../../src/main/server/admin/dns-records.ts';
import { MaildirStore } from '../../../../src/main/maildir/maildir-store.ts';
import { tempDir } from '../../../support/temp-dir.ts';

let dns: Awaited<ReturnType<typeof startDnsServer>>;
let data: string;
const zone: Zone = { mx: {}, txt: {}, a: {}, srv: {}, cname: {} };

beforeAll(async () => {
  data = tempDir('dns-check');
  await loadOrCreateConfig(data, 'family.example');
  const { records } = await dnsRecordsToPublish(data);
  const dkim = records.find((r) => r.name.includes('._domainkey.'))!;
  // Published: the MX (right), DKIM (right, longer than one TXT string), SPF with another value; DMARC missing.
  zone.mx!['family.example'] = [{ priority: 10, exchange: 'mail.family.example' }];
  zone.txt!['family.example'] = ['v=spf1 a -all'];
  zone.txt![dkim.name] = [dkim.value];
  dns = await startDnsServer(zone);
});
afterAll(async () => {
  await dns?.close();
});

describe('DNS check', () => {
  it('says ✓ for a record present and right, ✗ for a missing one and for a wrong value, with what DNS returned', async () => {
    const store = new MaildirStore({ root: path.join(data, 'mail') });
    try {
      const admin = new HouseholdAdmin({ dataDir: data, store, resolver: createCheckResolver(`127.0.0.1:${dns.port}`) });
      const { records } = await admin.checkDns();
      const by = (pred: (r: (typeof records)[number]) => boolean) => records.find(pred)!.check;
      expect(by((r) => r.type === 'MX')).toEqual({ state: 'ok', found: ['10 mail.family.example.'] });
      expect(by((r) => r.name.includes('._domainkey.'))).toMatchObject({ state: 'ok' });
      expect(by((r) => r.type === 'TXT' && r.name === 'family.example')).toEqual({
        state: 'wrong',
        found: ['v=spf1 a -all'],
        message: 'DNS has other values for family.example',
      });
      expect(by((r) => r.name === '_dmarc.family.example')).toEqual({ state: 'missing', found: [], message: 'No TXT record for _dmarc.family.example' });

      // Fixed in DNS: "Check again" sees it.
      zone.txt!['family.example'] = ['v=spf1 mx -all'];
      zone.txt!['_dmarc.family.example'] = [records.find((r) => r.name === '_dmarc.family.example')!.value];
      // And the device-discovery records (RFC 6186 SRV, autoconfig/autodiscover CNAMEs, MTA-STS, TLS-RPT).
      const srvMissing = records.filter((r) => r.type === 'SRV');
      expect(srvMissing.map((r) => r.check?.state)).toEqual(srvMissing.map(() => 'missing'));
      for (const r of records.filter(
        (x) => !['MX'].includes(x.type) && !x.name.includes('._domainkey.') && x.name !== 'family.example' && x.name !== '_dmarc.family.example',
      )) {
        if (r.type === 'SRV') {
          const [priority, weight, port, target] = r.value.split(' ');
          zone.srv![r.name] = [{ priority: Number(priority), weight: Number(weight), port: Number(port), target: target!.replace(/\.$/, '') }];
        } else if (r.type === 'CNAME') zone.cname![r.name] = r.value.replace(/\.$/, '');
        else zone.txt![r.name] = [r.value];
      }
      const again = await admin.checkDns();
      expect(again.records.filter((r) => r.check?.state !== 'ok')).toEqual([]);
      expect(again.records.map((r) => r.type)).toEqual(expect.arrayContaining(['MX', 'TXT', 'SRV', 'CNAME']));
      expect(dns.queries.length).toBeGreaterThanOrEqual(8);
    } finally {
      await store.close();
    }
  });

  it('an MX with another host is wrong', async () => {
    zone.mx!['family.example'] = [{ priority: 10, exchange: 'elsewhere.example.net' }];
    const store = new MaildirStore({ root: path.join(data, 'mail') });
    try {
      const admin = new HouseholdAdmin({ dataDir: data, store, resolver: createCheckResolver(`127.0.0.1:${dns.port}`) });
      const mx = (await admin.checkDns()).records.find((r) => r.type === 'MX')!;
      expect(mx.check).toMatchObject({ state: 'wrong', found: ['10 elsewhere.example.net.'] });
    } finally {
      await store.close();
    }
  });
});
