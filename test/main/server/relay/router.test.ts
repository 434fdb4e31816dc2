import { describe, expect, it } from 'vitest';
import { orderMx, routeDomain } from '../../../../src/main/server/relay/router.ts';
import { FakeResolver } from '../../../support/relay-doubles.ts';
import { defaultRetryPolicy, hasExpired, needsDelayWarning, nextAttemptAt, parseDelays } from '../../../../src/main/server/relay/retry.ts';

describe('routeDomain', () => {
  it('orders MX hosts by preference and resolves their addresses, with per-host ports', async () => {
    const dns = new FakeResolver();
    dns.mx.set('remote.test', [
      { exchange: 'backup.remote.test', priority: 20 },
      { exchange: 'mx1.remote.test', priority: 5 },
    ]);
    dns.a.set('mx1.remote.test', ['127.0.0.1']);
    dns.aaaa.set('mx1.remote.test', ['::1']);
    dns.a.set('backup.remote.test', ['127.0.0.2']);
    const route = await routeDomain('remote.test', { resolver: dns, portOverrides: { 'mx1.remote.test': 10049 } });
    expect(route).toEqual({
      ok: true,
      hosts: [
        { name: 'mx1.remote.test', addresses: ['127.0.0.1', '::1'], port: 10049 },
        { name: 'backup.remote.test', addresses: ['127.0.0.2'], port: 25 },
      ],
    });
  });

  it('shuffles hosts of equal preference', () => {
    const recs = [
      { exchange: 'a', priority: 10 },
      { exchange: 'b', priority: 10 },
      { exchange: 'c', priority: 5 },
    ];
    const seen = new Set<string>();
    let i = 0;
    const rand = () => [0.9, 0.1, 0.5, 0.1, 0.9, 0.5][i++ % 6]!;
    for (let k = 0; k < 2; k++)
      seen.add(
        orderMx(recs, rand)
          .map((r) => r.exchange)
          .join(','),
      );
    expect(seen).toEqual(new Set(['c,b,a', 'c,a,b']));
  });

  it('falls back to the domain address when there is no MX', async () => {
    const dns = new FakeResolver();
    dns.a.set('plain.test', ['127.0.0.1']);
    expect(await routeDomain('plain.test', { resolver: dns, port: 2525 })).toEqual({
      ok: true,
      hosts: [{ name: 'plain.test', addresses: ['127.0.0.1'], port: 2525 }],
    });
  });

  it('fails permanently for a null MX and a domain that does not exist', async () => {
    const dns = new FakeResolver();
    dns.mx.set('nomail.test', [{ exchange: '', priority: 0 }]);
    dns.a.set('nomail.test', ['127.0.0.1']);
    expect(await routeDomain('nomail.test', { resolver: dns })).toMatchObject({ ok: false, permanent: true, status: '5.1.10' });
    expect(await routeDomain('nowhere.test', { resolver: dns })).toMatchObject({ ok: false, permanent: true, status: '5.1.2' });
  });

  it('defers when the lookup itself fails', async () => {
    const dns = new FakeResolver();
    dns.failing.add('broken.test');
    expect(await routeDomain('broken.test', { resolver: dns })).toMatchObject({ ok: false, permanent: false });
    dns.mx.set('lame.test', [{ exchange: 'mx.lame.test', priority: 1 }]);
    dns.failing.add('mx.lame.test');
    expect(await routeDomain('lame.test', { resolver: dns })).toMatchObject({ ok: false, permanent: false, status: '4.4.3' });
  });
});

describe('retry policy', () => {
  it('follows RFC 5321: no faster than 30 minutes after the first tries, gives up after 5 days, warns after 4 hours', () => {
    const p = defaultRetryPolicy;
    const delays = Array.from({ length: 40 }, (_, i) => nextAttemptAt(p, i + 1, 0));
    expect(delays.slice(3).every((d) => d >= 30 * 60_000)).toBe(true);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
    expect(hasExpired(p, 0, 5 * 86_400_000 - 1)).toBe(false);
    expect(hasExpired(p, 0, 5 * 86_400_000)).toBe(true);
    expect(needsDelayWarning(p, 0, 4 * 3_600_000, false)).toBe(true);
    expect(needsDelayWarning(p, 0, 4 * 3_600_000, true)).toBe(false);
    expect(needsDelayWarning(p, 0, 3 * 3_600_000, false)).toBe(false);
    expect(parseDelays('10s, 5m,1h,2d,250ms')).toEqual([10_000, 300_000, 3_600_000, 172_800_000, 250]);
    expect(() => parseDelays('soon')).toThrow();
  });
});
