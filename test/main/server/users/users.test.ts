import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashPassword, verifyPassword } from '../../../../src/main/server/users/password.ts';
import { ConfigUserDirectory } from '../../../../src/main/server/users/directory.ts';
import { addUser, loadOrCreateConfig, readConfigSync, removeUser, setAlias, addDomain } from '../../../../src/main/server/users/config.ts';
import { tempDir } from '../../../support/temp-dir.ts';

process.env.HEARTH_SCRYPT_LN = '10';

describe('passwords', () => {
  it('scrypt with a per-user salt in a PHC string; verification is exact', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
    expect(await verifyPassword('x', '$scrypt$ln=40,r=8,p=1$AAAA$AAAA')).toBe(false);
  });
});

describe('server.json and the user directory', () => {
  it('creates a default configuration (home.arpa) atomically, and rejects a broken one clearly', async () => {
    const dir = tempDir();
    const cfg = await loadOrCreateConfig(dir);
    expect(cfg.domains).toEqual(['home.arpa']);
    expect(readdirSync(dir)).toEqual(['server.json']); // no temporary files left behind
    writeFileSync(path.join(dir, 'server.json'), '{"version":1,"domains":[]');
    expect(() => readConfigSync(dir)).toThrow(/not valid JSON/);
    writeFileSync(path.join(dir, 'server.json'), '{"version":1,"domains":[],"users":[]}');
    expect(() => readConfigSync(dir)).toThrow(/domains/);
  });

  it('authenticates with the full address, case-insensitively; unknown users cost a hash too', async () => {
    const dir = tempDir();
    await addUser(dir, 'Alice@Home.Arpa', 'pw');
    const users = new ConfigUserDirectory(dir);
    expect(await users.authenticate('alice@home.arpa', 'pw')).toEqual({ address: 'alice@home.arpa' });
    expect(await users.authenticate('ALICE@home.arpa', 'pw')).toEqual({ address: 'alice@home.arpa' });
    expect(await users.authenticate('alice', 'pw')).toBeNull();
    expect(await users.authenticate('alice@home.arpa', 'PW')).toBeNull();
    const t0 = performance.now();
    expect(await users.authenticate('nobody@home.arpa', 'pw')).toBeNull();
    const unknown = performance.now() - t0;
    const t1 = performance.now();
    await users.authenticate('alice@home.arpa', 'wrong');
    const known = performance.now() - t1;
    expect(unknown).toBeGreaterThan(known / 5); // a real scrypt ran for the unknown user as well
  });

  it('resolves users, aliases, sub-addresses, postmaster, and sees edits made while running', async () => {
    const dir = tempDir();
    await addUser(dir, 'alice@home.arpa', 'a');
    await addUser(dir, 'bob@home.arpa', 'b');
    const users = new ConfigUserDirectory(dir);
    expect(users.isLocalDomain('HOME.ARPA')).toBe(true);
    expect(users.isLocalDomain('example.com')).toBe(false);
    expect(await users.resolveRecipient('Bob@home.arpa')).toEqual(['bob@home.arpa']);
    expect(await users.resolveRecipient('bob+shop@home.arpa')).toEqual(['bob@home.arpa']);
    expect(await users.resolveRecipient('carol@home.arpa')).toBeNull();
    expect(await users.resolveRecipient('postmaster@home.arpa')).toEqual(['alice@home.arpa']);
    expect(await users.resolveRecipient('alice@example.com')).toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    await setAlias(dir, 'family@home.arpa', ['alice@home.arpa', 'bob@home.arpa']);
    expect(await users.resolveRecipient('family@home.arpa')).toEqual(['alice@home.arpa', 'bob@home.arpa']);
    await addDomain(dir, 'example.family');
    await users.refresh();
    expect(users.isLocalDomain('example.family')).toBe(true);
    await removeUser(dir, 'bob@home.arpa');
    expect(await users.resolveRecipient('family@home.arpa')).toEqual(['alice@home.arpa']);
    expect(await users.listUsers()).toEqual([{ address: 'alice@home.arpa' }]);
    expect(readFileSync(path.join(dir, 'server.json'), 'utf8')).not.toContain('"a"');
  });
});
