// The account and app settings as they take effect in main, against a real Dovecot: accounts keep
// the order added and take a new one; a changed password reconnects at once (a wrong one shows as
// the account's error); "Trust this certificate" pins exactly the certificate shown; the check
// interval drives the background sync timer; the offline window and size drive body downloads.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HearthServices, HearthServicesOptions } from '../../../src/main/client/hearth-services.ts';
import { SettingsStore } from '../../../src/main/base/settings-store.ts';
import { silentLogger } from '../../../src/main/base/log.ts';
import { probeCertificate } from '../../../src/main/base/tls-probe.ts';
import type { Account, AccountInput } from '../../../src/shared/api.ts';
import { createDovecotUser, dovecot } from '../../support/peers.ts';
import { deliverToDovecot } from '../../support/dovecot-mail.ts';
import { rfc822 } from '../../support/messages.ts';
import { callService, startServices } from '../../support/services.ts';
import { expectCode } from '../../support/expect-code.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { pollUntil } from '../../support/wait.ts';

let services: HearthServices | null = null;
afterEach(async () => {
  vi.useRealTimers();
  await services?.close();
  services = null;
});

function start(opts: Partial<HearthServicesOptions> = {}): { services: HearthServices; settings: SettingsStore } {
  const dataDir = tempDir('svc-settings');
  const settings = new SettingsStore(dataDir, silentLogger);
  services = startServices(dataDir, { settings, ...opts });
  return { services, settings };
}

function plainAccount(user: string, password: string, name = 'Test'): AccountInput {
  return {
    name,
    email: `${user}@example.test`,
    incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user, password, auth: 'password' },
  };
}

const call = callService;

async function stateOf(s: HearthServices, accountId: string, state: Account['state']): Promise<Account | undefined> {
  const list = await pollUntil(
    () => call<Account[]>(s, 'accounts.list', {}),
    (l) => l.find((a) => a.id === accountId)?.state === state,
  );
  return list.find((a) => a.id === accountId);
}

describe('account order', () => {
  it('lists accounts in the order added, takes a new order, and puts a later account last', async () => {
    const { services: s } = start();
    const [u1, u2, u3] = [createDovecotUser(), createDovecotUser(), createDovecotUser()];
    const first = await call<Account>(s, 'accounts.add', plainAccount(u1.user, u1.password, 'First'));
    const second = await call<Account>(s, 'accounts.add', plainAccount(u2.user, u2.password, 'Second'));
    const names = async () => (await call<Account[]>(s, 'accounts.list', {})).map((a) => a.name);
    expect(await names()).toEqual(['First', 'Second']);

    const reordered = await call<Account[]>(s, 'accounts.reorder', { accountIds: [second.id, first.id] });
    expect(reordered.map((a) => a.name)).toEqual(['Second', 'First']);
    expect(reordered[0]!.order!).toBeLessThan(reordered[1]!.order!);
    await call<Account>(s, 'accounts.add', plainAccount(u3.user, u3.password, 'Third'));
    expect(await names()).toEqual(['Second', 'First', 'Third']);

    // The new order reaches the renderer through the journal like any change.
    const changes = s.cache.changesSince(0, 1000).changes.filter((c) => c.kind === 'account');
    const latest = new Map(changes.map((c) => [c.kind === 'account' ? c.account.name : '', c.kind === 'account' ? c.account.order : 0]));
    expect(latest.get('Second')!).toBeLessThan(latest.get('First')!);

    const all = (await call<Account[]>(s, 'accounts.list', {})).map((a) => a.id);
    await expectCode(call(s, 'accounts.reorder', { accountIds: all.slice(1) }), 'INVALID_ARGUMENT');
    await expectCode(call(s, 'accounts.reorder', { accountIds: [all[0], all[0], all[1]] }), 'INVALID_ARGUMENT');
  });
});

describe('editing an account', () => {
  it('renames, and a changed password reconnects at once: a wrong one is the account’s AUTH_FAILED, the right one brings it back', async () => {
    const { services: s } = start();
    const u = createDovecotUser();
    const a = await call<Account>(s, 'accounts.add', plainAccount(u.user, u.password));
    await stateOf(s, a.id, 'online');

    const renamed = await call<Account>(s, 'accounts.update', { accountId: a.id, name: 'Work' });
    expect(renamed.name).toBe('Work');

    await call<Account>(s, 'accounts.update', { accountId: a.id, incoming: { password: 'not-the-password' } });
    const failed = await stateOf(s, a.id, 'error');
    expect(failed?.error?.code).toBe('AUTH_FAILED');

    await call<Account>(s, 'accounts.update', { accountId: a.id, incoming: { password: u.password } });
    expect((await stateOf(s, a.id, 'online'))?.state).toBe('online');
  });

  it('moves an account to another server (IMAPS) and keeps its password when none is given', async () => {
    const { services: s } = start();
    const u = createDovecotUser();
    const a = await call<Account>(s, 'accounts.add', plainAccount(u.user, u.password));
    await stateOf(s, a.id, 'online');
    const cert = await probeCertificate('127.0.0.1', dovecot.imapsPort, null);
    const moved = await call<Account>(s, 'accounts.update', {
      accountId: a.id,
      incoming: { port: dovecot.imapsPort, tls: 'tls', trustedFingerprint256: cert!.fingerprint256 },
    });
    expect(moved.incoming).toMatchObject({ port: dovecot.imapsPort, tls: 'tls', trustedFingerprint256: cert!.fingerprint256 });
    expect((await stateOf(s, a.id, 'online'))?.state).toBe('online');
  });
});

describe('a POP3 account’s own options', () => {
  it('saves what happens to mail on the server and checks on the account’s new interval', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { services: s } = start({ pollIntervalMs: undefined as unknown as number });
    const u = createDovecotUser();
    const a = await call<Account>(s, 'accounts.add', {
      ...plainAccount(u.user, u.password),
      incoming: { ...plainAccount(u.user, u.password).incoming, protocol: 'pop3', port: dovecot.pop3Port },
    });
    await stateOf(s, a.id, 'online');
    const pop3 = { leaveOnServer: true, deleteAfterDays: 14, deleteWhenDeletedHere: false, checkEveryMinutes: 30 };
    const updated = await call<Account>(s, 'accounts.update', { accountId: a.id, incoming: { pop3 } });
    expect(updated.incoming.pop3).toEqual(pop3);
    await stateOf(s, a.id, 'online');
    const sync = vi.spyOn(s.account(a.id), 'sync');
    vi.advanceTimersByTime(29 * 60_000);
    expect(sync).toHaveBeenCalledTimes(0);
    vi.advanceTimersByTime(60_000);
    expect(sync).toHaveBeenCalledTimes(1);
  });
});

describe('trusting a self-signed certificate', () => {
  it('shows the refused certificate; trusting its fingerprint connects, and only that certificate is trusted', async () => {
    const { services: s } = start();
    const u = createDovecotUser();
    // Dovecot's certificate is self-signed and names "localhost": refused as is.
    const input: AccountInput = {
      ...plainAccount(u.user, u.password),
      incoming: { ...plainAccount(u.user, u.password).incoming, port: dovecot.imapsPort, tls: 'tls' },
    };
    const refused = await expectCode(call(s, 'accounts.add', input), 'CERT_UNTRUSTED');
    const shown = refused.detail?.fingerprint256 as string;
    expect(shown).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(refused.detail).not.toHaveProperty('pem');

    // Another fingerprint than the one the server presents is never trusted.
    const wrong = shown.replace(/^../, shown.startsWith('00') ? '11' : '00');
    const changed = await expectCode(call(s, 'accounts.add', { ...input, incoming: { ...input.incoming, trustedFingerprint256: wrong } }), 'CERT_UNTRUSTED');
    expect(changed.detail?.reason).toBe('CERT_CHANGED');

    const added = await call<Account>(s, 'accounts.add', { ...input, incoming: { ...input.incoming, trustedFingerprint256: shown } });
    expect(added.incoming.trustedFingerprint256).toBe(shown);
    expect((await stateOf(s, added.id, 'online'))?.state).toBe('online');
  });

  it('an account whose server’s certificate is refused carries it in its error; the fix reconnects it', async () => {
    const { services: s } = start();
    const u = createDovecotUser();
    const a = s.addAccountUnchecked({
      ...plainAccount(u.user, u.password),
      incoming: { ...plainAccount(u.user, u.password).incoming, port: dovecot.imapsPort, tls: 'tls' },
    });
    const failed = await stateOf(s, a.id, 'error');
    expect(failed?.error?.code).toBe('CERT_UNTRUSTED');
    const fingerprint = failed?.error?.detail?.fingerprint256 as string;
    expect(fingerprint).toBe((await probeCertificate('127.0.0.1', dovecot.imapsPort, null))!.fingerprint256);
    await call(s, 'accounts.update', { accountId: a.id, incoming: { trustedFingerprint256: fingerprint } });
    expect((await stateOf(s, a.id, 'online'))?.state).toBe('online');
  });
});

describe('settings in effect', () => {
  it('the check interval drives the background sync timer, and a new interval applies at once', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { services: s, settings } = start({ pollIntervalMs: undefined as unknown as number });
    settings.set({ key: 'mail.checkEveryMinutes', value: 1 });
    const u = createDovecotUser();
    const a = await call<Account>(s, 'accounts.add', plainAccount(u.user, u.password));
    await stateOf(s, a.id, 'online');
    const sync = vi.spyOn(s.account(a.id), 'sync');
    vi.advanceTimersByTime(60_000);
    expect(sync).toHaveBeenCalledTimes(1);
    settings.set({ key: 'mail.checkEveryMinutes', value: 5 });
    vi.advanceTimersByTime(4 * 60_000);
    expect(sync).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(sync).toHaveBeenCalledTimes(2);
  });

  it('the offline window and size decide which bodies are downloaded', async () => {
    const { services: s, settings } = start();
    settings.set({ key: 'offline.windowDays', value: 7 });
    settings.set({ key: 'offline.maxMessageMb', value: 1 });
    const u = createDovecotUser();
    const day = 86_400_000;
    await deliverToDovecot(u.user, [
      rfc822({ from: 'a@example.test', to: 'b@example.test', subject: 'recent', body: 'hello', date: new Date(Date.now() - day) }),
      rfc822({ from: 'a@example.test', to: 'b@example.test', subject: 'old', body: 'hello', date: new Date(Date.now() - 30 * day) }),
      rfc822({
        from: 'a@example.test',
        to: 'b@example.test',
        subject: 'large',
        body: 'x'.repeat(76).concat('\r\n').repeat(20_000),
        date: new Date(Date.now() - day),
      }),
    ]);
    const a = await call<Account>(s, 'accounts.add', plainAccount(u.user, u.password));
    await stateOf(s, a.id, 'online');
    await s.account(a.id).bodiesDone();
    const inbox = s.cache.mailboxes.list(a.id).find((m) => m.specialUse === 'inbox')!;
    const cached = s.cache.messages
      .page(inbox.id, 0, 10)
      .messages.filter((m) => s.cache.messages.isBodyCached(m.id))
      .map((m) => m.subject);
    expect(cached).toEqual(['recent']);
  });
});
