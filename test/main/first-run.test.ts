// The first run through the API, in one process: a new data folder waits for the welcome's
// choice; each choice sets up what it says and only once; folders from before the welcome, and
// `welcome: false`, get the demo mailbox as always. Also the app's settings and desktop methods.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppOptions, RunningApp } from '../../src/main/app.ts';
import { startTestApp } from '../support/test-app.ts';
import { tempDir } from '../support/temp-dir.ts';

process.env.HEARTH_SCRYPT_LN = '10';
let app: RunningApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function start(dataDir: string, opts: Partial<AppOptions> = {}): Promise<RunningApp> {
  await app?.close();
  app = await startTestApp(dataDir, opts);
  return app;
}

/** An API call's outcome, loosely typed for assertions. */
const call = async (method: string, args: unknown = {}) =>
  (await app!.services.dispatch(method, args)) as { ok: boolean; result?: unknown; error?: { code: string; message: string; field?: string } };
const serverUsers = (dataDir: string) =>
  (JSON.parse(readFileSync(path.join(dataDir, 'server', 'server.json'), 'utf8')) as { users: { address: string }[] }).users.map((u) => u.address);

describe('first run', () => {
  it('a new data folder waits for the welcome: no demo mailbox, no account', async () => {
    const dir = tempDir('first-run');
    await start(dir);
    expect(await call('welcome.status')).toEqual({ ok: true, result: { show: true, serverRunning: true, domain: 'home.arpa' } });
    expect(app!.services.cache.accounts.list()).toEqual([]);
    expect(serverUsers(dir)).toEqual([]);
    // Still waiting after a restart without a choice.
    await start(dir);
    expect((await call('welcome.status')).result).toMatchObject({ show: true });
  });

  it('"Just look around" adds the demo account once; a restart keeps it', async () => {
    const dir = tempDir('first-run');
    await start(dir);
    const [a, b] = await Promise.all([call('welcome.lookAround'), call('welcome.lookAround')]);
    expect(a!.ok).toBe(true);
    expect(b).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Hearth is already set up in this data folder' } });
    expect(app!.services.cache.accounts.list().map((x) => x.email)).toEqual(['demo@home.arpa']);
    expect((await call('welcome.status')).result).toMatchObject({ show: false });
    await start(dir);
    expect(app!.services.cache.accounts.list().map((x) => x.email)).toEqual(['demo@home.arpa']);
    expect(serverUsers(dir)).toEqual(['demo@home.arpa']);
  });

  it('"Host mail for my household" checks its input, then creates the user\'s mailbox and account', async () => {
    const dir = tempDir('first-run');
    await start(dir);
    expect(await call('welcome.hostHousehold', { name: 'Ann', mailbox: 'ann smith', password: 'long enough' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'mailbox' },
    });
    expect(await call('welcome.hostHousehold', { name: 'Ann', mailbox: 'ann', password: 'short' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'password', message: 'password: Use at least 8 characters' },
    });
    expect(serverUsers(dir)).toEqual([]);
    const made = await call('welcome.hostHousehold', { name: 'Ann Smith', mailbox: 'Ann.Smith', password: 'correct horse' });
    expect(made).toMatchObject({ ok: true, result: { address: 'ann.smith@home.arpa', domain: 'home.arpa' } });
    const listeners = (made.result as { listeners: { protocol: string; host: string }[] }).listeners;
    expect(listeners.map((l) => l.protocol)).toContain('imaps');
    expect(listeners.every((l) => l.host === '127.0.0.1')).toBe(true);
    const [account] = app!.services.cache.accounts.list();
    expect(account).toMatchObject({
      name: 'Ann Smith',
      email: 'ann.smith@home.arpa',
      incoming: { host: '127.0.0.1', tls: 'tls' },
      outgoing: { tls: 'starttls' },
    });
    expect(serverUsers(dir)).toEqual(['ann.smith@home.arpa']);
    expect((await call('welcome.lookAround')).ok).toBe(false);
    // After a restart (the server may take other ports) the account follows it; no demo appears.
    await start(dir);
    const imaps = app!.server!.listeners.find((l) => l.name === 'imaps')!;
    expect(app!.services.cache.accounts.list().map((x) => [x.email, x.incoming.port])).toEqual([['ann.smith@home.arpa', imaps.port]]);
    expect(serverUsers(dir)).toEqual(['ann.smith@home.arpa']);
  });

  it('without the household server only the own account can be added', async () => {
    const dir = tempDir('first-run');
    await start(dir, { embeddedServer: false });
    expect((await call('welcome.status')).result).toEqual({ show: true, serverRunning: false, domain: null });
    expect(await call('welcome.lookAround')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await call('welcome.dismiss')).ok).toBe(true);
    expect((await call('welcome.status')).result).toMatchObject({ show: false });
  });

  it('a folder from before the welcome, and welcome: false, get the demo mailbox as always', async () => {
    const dir = tempDir('first-run');
    await start(dir, { welcome: false });
    expect(app!.services.cache.accounts.list().map((x) => x.email)).toEqual(['demo@home.arpa']);
    expect((await call('welcome.status')).result).toMatchObject({ show: false });
    await start(dir);
    expect(app!.services.cache.accounts.list().map((x) => x.email)).toEqual(['demo@home.arpa']);
    expect((await call('welcome.status')).result).toMatchObject({ show: false });
  });
});

describe('the app methods around the services', () => {
  it('settings: read, change with validation per key, and announce the change', async () => {
    await start(tempDir('app-settings'), { embeddedServer: false });
    const events: unknown[] = [];
    app!.services.events.subscribe((event, payload) => event === 'settings.changed' && events.push(payload));
    expect((await call('settings.get')).result).toMatchObject({ 'desktop.startAtLogin': false, 'desktop.keepRunningWhenClosed': null });
    expect(await call('settings.set', { key: 'desktop.startAtLogin', value: 'on' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await call('settings.set', { key: 'desktop.nothing', value: true })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect((await call('settings.set', { key: 'desktop.startAtLogin', value: true })).result).toMatchObject({ 'desktop.startAtLogin': true });
    expect(events).toEqual([expect.objectContaining({ 'desktop.startAtLogin': true })]);
  });

  it('desktop intents wait for the window; .eml files are read only by their id', async () => {
    await start(tempDir('app-desktop'), { embeddedServer: false });
    const sent: unknown[] = [];
    app!.services.events.subscribe((event, payload) => event === 'desktop.intent' && sent.push(payload));
    app!.intents.push({ kind: 'command', command: 'compose' });
    expect((await call('desktop.intents')).result).toEqual([{ kind: 'command', command: 'compose' }]);
    app!.intents.push({ kind: 'openMessage', messageId: 7 });
    expect(sent).toEqual([{ kind: 'openMessage', messageId: 7 }]);
    expect((await call('desktop.intents')).result).toEqual([]);
    expect(await call('eml.read', { fileId: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const id = app!.emlFiles.register(path.resolve(import.meta.dirname, '../fixtures/mime/digest.eml'));
    expect(await call('eml.read', { fileId: id })).toMatchObject({ ok: true, result: { fileName: 'digest.eml' } });
  });
});
