import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigUserDirectory } from '../../../src/main/server/users/directory.ts';
import { MaildirStore } from '../../../src/main/maildir/maildir-store.ts';
import { corpusMessages } from '../../support/corpus.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { listenerArgs, runHearth, startHearthServe, type ServeProcess } from '../../support/hearth-cli.ts';
import { RawSmtp, dataBlock } from '../../support/smtp-client.ts';

const env = { ...process.env, HEARTH_SCRYPT_LN: '10', HEARTH_LOG_LEVEL: 'warn' };

function hearth(args: string[], input?: string) {
  return runHearth(args, { input, env });
}

const servers: ServeProcess[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop('SIGKILL');
});

/** `hearth serve` with SMTP and IMAP on free ports, every other listener off. */
async function serve(dataDir: string): Promise<ServeProcess> {
  const s = await startHearthServe(dataDir, { smtp: 0, imap: 0 }, { env });
  servers.push(s);
  return s;
}

describe('hearth user', () => {
  it('add, list, passwd, remove, with clear errors and exit codes', async () => {
    const data = tempDir('cli');
    expect(await hearth(['user', 'add', 'Alice@Home.Arpa', '--data', data, '--password', 'pw-one'])).toMatchObject({
      code: 0,
      stdout: 'added alice@home.arpa\n',
    });
    expect(await hearth(['user', 'add', 'bob@home.arpa', '--data', data, '--name', 'Bob'], 'from-stdin\n')).toMatchObject({ code: 0 });
    const list = await hearth(['user', 'list', '--data', data]);
    expect(list).toMatchObject({ code: 0, stdout: 'alice@home.arpa\nbob@home.arpa\tBob\n' });
    const dup = await hearth(['user', 'add', 'alice@home.arpa', '--data', data, '--password', 'x']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const foreign = await hearth(['user', 'add', 'eve@example.com', '--data', data, '--password', 'x']);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/not a local domain/);
    const bad = await hearth(['user', 'add', 'not-an-address', '--data', data, '--password', 'x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid address/);
    expect((await hearth(['user', 'add', '--data', data])).code).toBe(2);
    expect((await hearth(['user', 'frob', '--data', data])).code).toBe(2);
    expect((await hearth(['frob'])).code).toBe(2);
    expect((await hearth(['user', 'add', 'carol@home.arpa', '--data', data], '')).code).toBe(2);

    const dir = new ConfigUserDirectory(data);
    expect(await dir.authenticate('alice@home.arpa', 'pw-one')).toEqual({ address: 'alice@home.arpa' });
    expect(await dir.authenticate('bob@home.arpa', 'from-stdin')).toMatchObject({ address: 'bob@home.arpa' });
    expect(await hearth(['user', 'passwd', 'alice@home.arpa', '--data', data], 'pw-two\n')).toMatchObject({ code: 0 });
    expect(await dir.authenticate('alice@home.arpa', 'pw-one')).toBeNull();
    expect(await dir.authenticate('alice@home.arpa', 'pw-two')).not.toBeNull();
    expect((await hearth(['user', 'passwd', 'zed@home.arpa', '--data', data, '--password', 'x'])).code).toBe(1);
    // the config file is private and holds only hashes
    const cfgText = readFileSync(path.join(data, 'server.json'), 'utf8');
    expect(cfgText).not.toContain('pw-two');
    expect(statSync(path.join(data, 'server.json')).mode & 0o777).toBe(0o600);
    expect(await hearth(['user', 'remove', 'bob@home.arpa', '--data', data, '--delete-mail'])).toMatchObject({ code: 0 });
    expect((await hearth(['user', 'list', '--data', data])).stdout).toBe('alice@home.arpa\n');
    expect((await hearth(['user', 'remove', 'bob@home.arpa', '--data', data])).code).toBe(1);
  });

  it('quota: sets, shows in user list, clears, refuses bad sizes and unknown users', async () => {
    const data = tempDir('cli');
    await hearth(['user', 'add', 'alice@home.arpa', '--data', data, '--password', 'a']);
    await hearth(['user', 'add', 'bob@home.arpa', '--data', data, '--password', 'b', '--name', 'Bob']);
    expect(await hearth(['user', 'quota', 'Alice@Home.Arpa', '500M', '--data', data])).toMatchObject({ code: 0, stdout: 'quota of alice@home.arpa: 500M\n' });
    expect(await hearth(['user', 'quota', 'bob@home.arpa', '2147483648', '--data', data])).toMatchObject({ code: 0, stdout: 'quota of bob@home.arpa: 2G\n' });
    expect((await hearth(['user', 'list', '--data', data])).stdout).toBe('alice@home.arpa\t\tquota=500M\nbob@home.arpa\tBob\tquota=2G\n');
    expect(JSON.parse(readFileSync(path.join(data, 'server.json'), 'utf8')).users[0].quotaBytes).toBe(500 * 1024 * 1024);
    expect(await hearth(['user', 'quota', 'alice@home.arpa', 'none', '--data', data])).toMatchObject({ code: 0, stdout: 'quota of alice@home.arpa: none\n' });
    expect((await hearth(['user', 'list', '--data', data])).stdout).toBe('alice@home.arpa\nbob@home.arpa\tBob\tquota=2G\n');
    const bad = await hearth(['user', 'quota', 'alice@home.arpa', 'lots', '--data', data]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid size/);
    const nobody = await hearth(['user', 'quota', 'nobody@home.arpa', '1G', '--data', data]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/No such user/);
    expect((await hearth(['user', 'quota', 'alice@home.arpa', '--data', data])).code).toBe(2);
  });

  it('domains, aliases and catch-all', async () => {
    const data = tempDir('cli');
    await hearth(['user', 'add', 'alice@home.arpa', '--data', data, '--password', 'a']);
    expect((await hearth(['domain', 'add', 'Example.Family', '--data', data])).code).toBe(0);
    expect((await hearth(['domain', 'list', '--data', data])).stdout).toBe('home.arpa\nexample.family\n');
    expect((await hearth(['alias', 'set', 'kids@example.family', 'alice@home.arpa', '--data', data])).code).toBe(0);
    expect((await hearth(['catchall', 'set', 'home.arpa', 'alice@home.arpa', '--data', data])).code).toBe(0);
    const dir = new ConfigUserDirectory(data);
    expect(await dir.resolveRecipient('Kids@example.family')).toEqual(['alice@home.arpa']);
    expect(await dir.resolveRecipient('whoever@home.arpa')).toEqual(['alice@home.arpa']);
    expect(await dir.resolveRecipient('alice+lists@home.arpa')).toEqual(['alice@home.arpa']);
    expect(await dir.resolveRecipient('x@example.com')).toBeNull();
    expect((await hearth(['catchall', 'clear', 'home.arpa', '--data', data])).code).toBe(0);
    expect(await dir.resolveRecipient('whoever@home.arpa')).toBeNull();
  });
});

describe('hearth serve', () => {
  it('prints the ports it listens on, serves, and exits cleanly on SIGTERM', async () => {
    const data = tempDir('serve');
    await hearth(['user', 'add', 'alice@home.arpa', '--data', data, '--password', 'a']);
    const s = await serve(data);
    expect(Object.keys(s.ports).sort()).toEqual(['imap', 'smtp']);
    const c = await RawSmtp.connect(s.ports.smtp!);
    expect(await c.reply()).toMatch(/^220 localhost /);
    c.close();
    // a user added while the server runs can receive mail at once
    await hearth(['user', 'add', 'late@home.arpa', '--data', data, '--password', 'l']);
    const c2 = await RawSmtp.connect(s.ports.smtp!);
    await c2.reply();
    await c2.cmd('EHLO t');
    await c2.cmd('MAIL FROM:<a@example.org>');
    expect(await c2.cmd('RCPT TO:<late@home.arpa>')).toMatch(/^250/);
    c2.close();
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    // SIGINT too
    const s2 = await serve(data);
    s2.child.kill('SIGINT');
    expect(await s2.exited).toBe(0);
  });

  it('a port already in use is a clear error with a non-zero exit', async () => {
    const data = tempDir('serve');
    const s = await serve(data);
    const r = await hearth(['serve', '--data', data, ...listenerArgs({ smtp: s.ports.smtp })]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot listen/);
    s.child.kill('SIGTERM');
    await s.exited;
  });

  it('durability: kill -9 right after 250, restart, the message is there byte for byte', async () => {
    const data = tempDir('durable');
    await hearth(['user', 'add', 'alice@home.arpa', '--data', data, '--password', 'a']);
    const msgs = corpusMessages(6);
    for (const m of msgs.slice(0, 3)) {
      const s = await serve(data);
      const c = await RawSmtp.connect(s.ports.smtp!);
      await c.reply();
      await c.cmd('EHLO crash.test');
      await c.cmd('MAIL FROM:<sender@example.org>');
      await c.cmd('RCPT TO:<alice@home.arpa>');
      await c.cmd('DATA');
      c.write(dataBlock(m.raw));
      const reply = await c.reply();
      s.child.kill('SIGKILL'); // the moment the 250 is read
      expect(reply).toMatch(/^250 /);
      await s.exited;
      c.close();
    }
    // restart the server (it reconciles its index with the folders), then look
    const s = await serve(data);
    const store = new MaildirStore({ root: path.join(data, 'mail') });
    try {
      const inbox = await (await store.user('alice@home.arpa')).openMailbox('INBOX');
      const list = await inbox.listMessages();
      // three messages, UIDs ascending; each unclean stop moves UIDNEXT past the UIDs reserved for
      // deliveries (see InsertQueue.flush), so there are gaps
      expect(list).toHaveLength(3);
      expect(list[0]!.uid).toBe(1);
      expect(list[1]!.uid).toBeGreaterThan(1);
      expect(list[2]!.uid).toBeGreaterThan(list[1]!.uid);
      for (const [i, m] of msgs.slice(0, 3).entries()) {
        const stored = await inbox.readMessageBuffer(list[i]!.uid);
        const raw = m.raw.toString('latin1').endsWith('\r\n') ? m.raw : Buffer.concat([m.raw, Buffer.from('\r\n')]);
        expect(stored.subarray(stored.length - raw.length).equals(raw)).toBe(true);
        expect(stored.subarray(0, stored.length - raw.length).toString()).toMatch(
          /^Return-Path: <sender@example\.org>\r\nAuthentication-Results: localhost; none\r\nReceived: from crash\.test/,
        );
      }
    } finally {
      await store.close();
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });
});

describe('hearth dovecot-export', () => {
  it('writes dovecot-uidlist and dovecot-keywords for every user', async () => {
    const data = tempDir('export');
    await hearth(['user', 'add', 'alice@home.arpa', '--data', data, '--password', 'a']);
    const r = await hearth(['dovecot-export', '--data', data]);
    expect(r).toMatchObject({ code: 0, stdout: 'alice@home.arpa: 6 mailboxes, 0 messages\n' });
    const uidlist = readFileSync(path.join(data, 'mail/home.arpa/alice/Maildir/.Sent/dovecot-uidlist'), 'utf8');
    expect(uidlist).toMatch(/^3 V\d+ N1 G[0-9a-f]{32}\n$/);
  });
});

describe('hearth defaults', () => {
  it('the CLI and the server agree on default ports', async () => {
    const { DEFAULT_PORTS } = await import('../../../src/main/server/household-server.ts');
    const help = await hearth(['help']);
    expect(help.code).toBe(0);
    for (const [name, port] of Object.entries(DEFAULT_PORTS)) expect(help.stdout).toContain(`${name} ${port}`);
  });
});
