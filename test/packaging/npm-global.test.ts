// `npm install -g` of Hearth's package gives a working `hearth` command: `npm pack` (which builds
// lib/, the CLI as plain JavaScript), then a real global install into a temporary prefix, its
// dependencies fetched from a loopback registry made of this checkout's node_modules (no network),
// then the installed command runs: --help, a user, and a server that answers and stops on SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startLoopbackRegistry, type LoopbackRegistry } from '../support/npm-loopback-registry.ts';
import { freePorts } from '../support/hearth-serve-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { RawSmtp } from '../support/smtp-client.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
// The installed command's `#!/usr/bin/env node` must find this Node (24), and npm too.
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`, HEARTH_SCRYPT_LN: '10' };

let work = '';
let tarball = '';
let contents: string[] = [];
let prefix = '';
let registry: LoopbackRegistry;
let install: { status: number | null; output: string };

beforeAll(async () => {
  work = tempDir('hearth-npm-');
  const pack = spawnSync('npm', ['pack', '--pack-destination', work, '--json'], { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stdout}${pack.stderr}`);
  const file = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  tarball = path.join(work, file);
  contents = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.trim().split('\n');

  registry = await startLoopbackRegistry(ROOT);
  prefix = path.join(work, 'prefix');
  // --cache: a fresh one, so every package comes from the loopback registry, not this machine's cache
  const args = ['install', '-g', '--prefix', prefix, tarball, '--registry', registry.url, '--cache', path.join(work, 'npm-cache'), '--no-audit', '--no-fund'];
  const r = await new Promise<{ status: number | null; output: string }>((resolve) => {
    const child = spawn('npm', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (status) => resolve({ status, output }));
  });
  install = r;
}, 300_000);

afterAll(() => registry?.close());

describe('npm pack + npm install -g', { timeout: 60_000 }, () => {
  it('the package holds the command, its built JavaScript and the server docs, and no sources or tests', () => {
    expect(contents).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/bin/hearth.js',
        'package/lib/main/server/cli.js',
        'package/lib/main/server/household-server.js',
        'package/resources/hearth.service',
        'package/docs/server.md',
        'package/README.md',
        'package/LICENSE',
      ]),
    );
    expect(contents.filter((f) => /^package\/(src|test|scripts|bench|out|node_modules)\//.test(f))).toEqual([]);
    // Node strips no types under node_modules: an installed package must hold no .ts to run
    expect(contents.filter((f) => /\.(m|c)?ts$/.test(f))).toEqual([]);
  });

  it('installs with only the production dependencies, all from the loopback registry', () => {
    expect(install.status, install.output).toBe(0);
    expect(registry.misses.filter((m) => !['bufferutil', 'utf-8-validate'].includes(m))).toEqual([]);
    const installed = path.join(prefix, 'lib', 'node_modules');
    expect(existsSync(path.join(installed, 'hearth', 'lib', 'main', 'server', 'cli.js'))).toBe(true);
    const nested = readdirSync(path.join(installed, 'hearth', 'node_modules'));
    for (const dep of ['mailparser', 'nodemailer', 'smtp-server', 'zod']) expect(nested).toContain(dep);
    for (const tool of ['vitest', 'electron', 'electron-builder', 'typescript', 'eslint']) expect(nested).not.toContain(tool);
  });

  it('`hearth --help` works', () => {
    const r = spawnSync(path.join(prefix, 'bin', 'hearth'), ['--help'], { env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: hearth <command>/);
    expect(r.stdout).toContain('serve');
  });

  it('the installed command adds a user, serves SMTP, and stops on SIGTERM', async () => {
    const hearth = path.join(prefix, 'bin', 'hearth');
    const data = path.join(work, 'data');
    expect(spawnSync(hearth, ['user', 'add', 'ann@home.arpa', '--data', data, '--password', 'pw'], { env, encoding: 'utf8' }).stdout).toBe(
      'added ann@home.arpa\n',
    );
    const ports = freePorts({ smtp: '0', imap: 'off', imaps: 'off', pop3: 'off', pop3s: 'off', submission: 'off', submissions: 'off', https: 'off' });
    const child = spawn(hearth, ['serve', '--data', data, ...ports], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`not ready: ${out}`)), 30_000);
        child.stdout.on('data', () => /^ready /m.test(out) && (clearTimeout(t), resolve()));
        child.once('exit', () => reject(new Error(`exited: ${out}`)));
      });
      const port = Number(/^listening smtp 127\.0\.0\.1:(\d+)$/m.exec(out)![1]);
      const c = await RawSmtp.connect(port);
      expect(await c.reply()).toMatch(/^220 /);
      await c.cmd('EHLO t');
      await c.cmd('MAIL FROM:<x@example.org>');
      expect(await c.cmd('RCPT TO:<ann@home.arpa>')).toMatch(/^250/);
      c.close();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
