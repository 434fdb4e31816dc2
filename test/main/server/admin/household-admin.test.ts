// The household admin: the same results through the `hearth` CLI and through the app's API (both
// run HouseholdAdmin over DATA/server.json), typed errors, and passwords kept out of answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { HouseholdAdmin } from '../../../../src/main/server/admin/household-admin.ts';
import { serverAdminHandlers } from '../../../../src/main/api/server-admin-handlers.ts';
import { createDispatcher, type Handlers } from '../../../../src/main/api/dispatcher.ts';
import { methodNames } from '../../../../src/shared/api.ts';
import { silentLogger } from '../../../../src/main/base/log.ts';
import { loadOrCreateConfig, readConfigSync } from '../../../../src/main/server/users/config.ts';
import { ConfigUserDirectory } from '../../../../src/main/server/users/directory.ts';
import { MaildirStore } from '../../../../src/main/maildir/maildir-store.ts';
import { runHearth } from '../../../support/hearth-cli.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { startServices } from '../../../support/services.ts';

const hearth = (data: string, ...args: string[]) => runHearth([...args, '--data', data]);

let store: MaildirStore;
let data: string;
let dispatch: ReturnType<typeof createDispatcher>;

beforeEach(async () => {
  data = tempDir('admin');
  await loadOrCreateConfig(data);
  store = new MaildirStore({ root: path.join(data, 'mail') });
  const unexpected = () => {
    throw new Error('not expected');
  };
  const all = Object.fromEntries(methodNames.map((m) => [m, unexpected])) as unknown as Handlers;
  dispatch = createDispatcher({ ...all, ...serverAdminHandlers(new HouseholdAdmin({ dataDir: data, store })) }, silentLogger);
});
afterEach(async () => {
  await store.close();
});

const call = async (m: string, args: unknown) => dispatch(m, args);

describe('household admin through the API', () => {
  it('adds, lists with usage and quota, changes the password, removes; the password never comes back', async () => {
    const added = await call('server.users.add', { address: 'Ann@Home.Arpa', password: 'correct horse', displayName: 'Ann' });
    expect(added).toEqual({ ok: true, result: { address: 'ann@home.arpa', displayName: 'Ann', quotaBytes: null, usedBytes: 0 } });
    expect(JSON.stringify(added)).not.toContain('correct horse');
    const users = new ConfigUserDirectory(data);
    expect(await users.authenticate('ann@home.arpa', 'correct horse')).toMatchObject({ address: 'ann@home.arpa' });

    expect(await call('server.users.setQuota', { address: 'ann@home.arpa', quota: '500M' })).toEqual({ ok: true, result: { quotaBytes: 500 * 1024 * 1024 } });
    expect(await call('server.users.list', {})).toEqual({
      ok: true,
      result: [{ address: 'ann@home.arpa', displayName: 'Ann', quotaBytes: 500 * 1024 * 1024, usedBytes: 0 }],
    });
    expect(await call('server.users.setPassword', { address: 'ann@home.arpa', password: 'battery staple' })).toEqual({ ok: true, result: { ok: true } });
    expect(await users.authenticate('ann@home.arpa', 'correct horse')).toBeNull();
    expect(await users.authenticate('ann@home.arpa', 'battery staple')).not.toBeNull();
    expect(readFileSync(path.join(data, 'server.json'), 'utf8')).not.toContain('battery staple');

    expect(await call('server.users.remove', { address: 'ann@home.arpa' })).toEqual({ ok: true, result: { ok: true } });
    expect(await call('server.users.list', {})).toEqual({ ok: true, result: [] });
  });

  it('answers with typed error codes: duplicate, bad address, weak password, unknown user, bad quota', async () => {
    await call('server.users.add', { address: 'ann@home.arpa', password: 'correct horse' });
    expect(await call('server.users.add', { address: 'ann@home.arpa', password: 'another one' })).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_EXISTS' },
    });
    expect(await call('server.users.add', { address: 'not an address', password: 'correct horse' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'address' },
    });
    expect(await call('server.users.add', { address: 'a..b@home.arpa', password: 'correct horse' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_ADDRESS' },
    });
    expect(await call('server.users.add', { address: 'bob@home.arpa', password: 'short' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'password' },
    });
    expect(await call('server.users.add', { address: 'bobby@home.arpa', password: 'Bobby@Home.Arpa' })).toMatchObject({
      ok: false,
      error: { code: 'WEAK_PASSWORD', field: 'password' },
    });
    expect(await call('server.users.setPassword', { address: 'zed@home.arpa', password: 'correct horse' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await call('server.users.setQuota', { address: 'ann@home.arpa', quota: 'lots' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'quota' },
    });
    expect(await call('server.users.add', { address: 'eve@example.com', password: 'correct horse' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await call('server.users.add', { address: 'ann@home.arpa', password: 'x'.repeat(2000) })).toMatchObject({ ok: false, error: { field: 'password' } });
    expect(await call('server.users.remove', { address: 'ann@home.arpa', surprise: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(readConfigSync(data)!.users.map((u) => u.address)).toEqual(['ann@home.arpa']);
  });

  it('aliases, catch-all and domains', async () => {
    await call('server.users.add', { address: 'ann@home.arpa', password: 'correct horse' });
    expect(await call('server.domains.add', { name: 'Family.Example' })).toEqual({ ok: true, result: { ok: true } });
    expect(await call('server.aliases.set', { alias: 'kids@home.arpa', targets: ['ann@home.arpa'] })).toMatchObject({ ok: true });
    expect(await call('server.aliases.set', { alias: 'x@home.arpa', targets: ['nobody@home.arpa'] })).toMatchObject({ ok: false, error: { field: 'targets' } });
    expect(await call('server.catchall.set', { domain: 'home.arpa', target: 'ann@home.arpa' })).toMatchObject({ ok: true });
    expect(await call('server.aliases.list', {})).toEqual({
      ok: true,
      result: { aliases: [{ alias: 'kids@home.arpa', targets: ['ann@home.arpa'] }], catchAll: [{ domain: 'home.arpa', target: 'ann@home.arpa' }] },
    });
    expect(await call('server.domains.list', {})).toEqual({
      ok: true,
      result: [
        { name: 'home.arpa', primary: true, users: 1 },
        { name: 'family.example', primary: false, users: 0 },
      ],
    });
    // A domain in use stays; an unused one goes.
    expect(await call('server.domains.remove', { name: 'home.arpa' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await call('server.domains.remove', { name: 'family.example' })).toMatchObject({ ok: true });
    expect(await call('server.domains.remove', { name: 'family.example' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('server.aliases.remove', { alias: 'kids@home.arpa' })).toMatchObject({ ok: true });
    expect(await call('server.aliases.remove', { alias: 'kids@home.arpa' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('server.catchall.set', { domain: 'home.arpa', target: null })).toMatchObject({ ok: true });
    expect(await call('server.aliases.list', {})).toEqual({ ok: true, result: { aliases: [], catchAll: [] } });
  });
});

describe('the CLI and the API give the same results', () => {
  it('state written by one is what the other reads, errors alike', { timeout: 120_000 }, async () => {
    expect((await hearth(data, 'user', 'add', 'ann@home.arpa', '--password', 'pw-one', '--name', 'Ann')).code).toBe(0);
    await call('server.users.add', { address: 'bob@home.arpa', password: 'correct horse' });
    expect((await hearth(data, 'user', 'quota', 'bob@home.arpa', '2G')).code).toBe(0);
    await call('server.aliases.set', { alias: 'all@home.arpa', targets: ['ann@home.arpa', 'bob@home.arpa'] });
    expect((await hearth(data, 'user', 'list')).stdout).toBe('ann@home.arpa\tAnn\nbob@home.arpa\t\tquota=2G\n');
    expect((await hearth(data, 'alias', 'list')).stdout).toBe('all@home.arpa\tann@home.arpa, bob@home.arpa\n');
    expect(await call('server.users.list', {})).toMatchObject({
      result: [
        { address: 'ann@home.arpa', displayName: 'Ann', quotaBytes: null },
        { address: 'bob@home.arpa', displayName: null, quotaBytes: 2 * 1024 ** 3 },
      ],
    });
    // The same refusal, the same words.
    const cli = await hearth(data, 'user', 'add', 'bob@home.arpa', '--password', 'whatever1');
    const api = await call('server.users.add', { address: 'bob@home.arpa', password: 'whatever1' });
    expect(cli.code).toBe(1);
    expect(api).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS', message: 'User bob@home.arpa already exists' } });
    expect(cli.stderr).toBe('hearth: User bob@home.arpa already exists\n');
    // The DNS records are the ones `hearth dns` prints.
    const dns = (await call('server.dns.records', { check: false })) as { ok: true; result: { records: Array<{ name: string; type: string; value: string }> } };
    const zone = (await hearth(data, 'dns')).stdout;
    for (const r of dns.result.records) expect(zone).toContain(`${r.name}.\tIN\t${r.type}\t`);
    // …and no other: one zone line per record, mail routing first, then device discovery.
    expect(zone.split('\n').filter((l) => /\tIN\t/.test(l))).toHaveLength(dns.result.records.length);
    expect(dns.result.records.slice(0, 4).map((r) => r.type)).toEqual(['MX', 'TXT', 'TXT', 'TXT']);
    expect(new Set(dns.result.records.map((r) => r.type))).toEqual(new Set(['MX', 'TXT', 'SRV', 'CNAME']));
    expect(zone).toContain(`home.arpa.\tIN\tMX\t${dns.result.records[0]!.value}`);
    // CLI removal seen by the API.
    expect((await hearth(data, 'user', 'remove', 'ann@home.arpa')).code).toBe(0);
    expect(await call('server.aliases.list', {})).toEqual({
      ok: true,
      result: { aliases: [{ alias: 'all@home.arpa', targets: ['bob@home.arpa'] }], catchAll: [] },
    });
  });
});

describe('the admin methods without a household server', () => {
  it('answer NOT_FOUND, after validating their arguments', async () => {
    const services = startServices(tempDir('admin-none'));
    try {
      expect(await services.dispatch('server.users.list', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await services.dispatch('server.users.add', { address: 'x', password: 'y' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    } finally {
      await services.close();
    }
  });
});
