// resources/hearth.service: a sandboxed unit that systemd accepts, whose ExecStart `hearth serve`
// understands, writing only to the data folder it names.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HEARTH_BIN, startServe } from '../support/hearth-serve-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';
import { LISTENER_NAMES, STANDARD_PORTS } from '../../src/main/server/ports.ts';

const UNIT_FILE = path.resolve(import.meta.dirname, '../../resources/hearth.service');
const unitText = readFileSync(UNIT_FILE, 'utf8');

/** The [Service] settings, continuation lines joined; a key set twice keeps every value. */
function serviceSettings(text: string): Map<string, string[]> {
  const joined = text.replace(/\\\n\s*/g, ' ');
  const section = joined.split(/^\[Service\]$/m)[1]!.split(/^\[/m)[0]!;
  const out = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}
const settings = serviceSettings(unitText);
const one = (key: string) => settings.get(key)?.at(-1);
const execArgs = one('ExecStart')!.split(/\s+/).slice(1);
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('systemd unit for hearth serve', () => {
  it('is sandboxed: read-only system, no home, private /tmp, no new privileges, writes only the data folder', () => {
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('NoNewPrivileges')).toBe('yes');
    const dataDir = execArgs[execArgs.indexOf('--data') + 1];
    expect(dataDir).toBe('/var/lib/hearth');
    expect(one('ReadWritePaths')).toBe(dataDir);
    expect(one('User')).toBe('hearth');
    // ports < 1024 and nothing else
    expect(one('CapabilityBoundingSet')).toBe('CAP_NET_BIND_SERVICE');
    expect(one('AmbientCapabilities')).toBe('CAP_NET_BIND_SERVICE');
    expect(one('Restart')).toBe('on-failure');
    expect(one('KillSignal')).toBe('SIGTERM');
    // the stop deadline (5 s) fits in systemd's
    expect(Number(one('TimeoutStopSec')!.replace(/s$/, ''))).toBeGreaterThan(5);
  });

  it.skipIf(!hasSystemdAnalyze)('systemd-analyze verify accepts it', () => {
    // verify checks that the command exists: point it at this checkout's bin/hearth.js
    const dir = tempDir('hearth-unit-');
    const copy = path.join(dir, 'hearth.service');
    writeFileSync(copy, unitText.replace(/^ExecStart=\S+/m, `ExecStart=${HEARTH_BIN}`));
    const r = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('its ExecStart options are ones hearth serve takes (on free loopback ports here)', async () => {
    expect(execArgs[0]).toBe('serve');
    expect(execArgs).toContain('--standard-ports');
    // the unit's options, on this machine's loopback and free ports; startServe gives --data
    const args: string[] = [];
    for (let i = 1; i < execArgs.length; i++) {
      const option = execArgs[i]!;
      if (option === '--standard-ports') {
        args.push(...LISTENER_NAMES.flatMap((l) => [`--${l}-port`, '0']));
        continue;
      }
      const value = execArgs[++i]!;
      if (option === '--data') continue;
      args.push(option, option === '--host' ? '127.0.0.1' : value);
    }
    const s = await startServe(tempDir('hearth-unit-data-'), args);
    try {
      expect(Object.keys(s.ports).sort()).toEqual(['https', 'imap', 'imaps', 'pop3', 'pop3s', 'smtp', 'submission', 'submissions']);
    } finally {
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    }
  });

  // What AmbientCapabilities=CAP_NET_BIND_SERVICE does for User=hearth, done with setpriv: an
  // unprivileged user with only that capability binds every standard port. In a network namespace
  // of its own (unshare -n), so the real port 25 of this machine is never touched.
  const asUnprivileged = (dataDir: string, withCapability: boolean) =>
    spawn(
      'unshare',
      [
        '--net',
        'sh',
        '-c',
        [
          'ip link set lo up && exec setpriv --reuid=65534 --regid=65534 --clear-groups',
          ...(withCapability ? ['--inh-caps=+net_bind_service --ambient-caps=+net_bind_service'] : []),
          `"${process.execPath}" "${HEARTH_BIN}" serve --standard-ports --data "${dataDir}"`,
        ].join(' '),
      ],
      { env: { ...process.env, HEARTH_SCRYPT_LN: '10' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  const canTry = process.getuid?.() === 0 && spawnSync('unshare', ['--net', 'true']).status === 0 && spawnSync('setpriv', ['--version']).status === 0;

  it.skipIf(!canTry)('--standard-ports: an unprivileged user with CAP_NET_BIND_SERVICE alone serves 25, 143, 993, 110, 995, 587, 465 and 443', async () => {
    const dataDir = tempDir('hearth-standard-ports-');
    chownSync(dataDir, 65534, 65534);
    const child = asUnprivileged(dataDir, true);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      await waitFor(() => /^ready /m.test(out) || child.exitCode !== null, 30_000, 'hearth serve --standard-ports');
      const bound = Object.fromEntries([...out.matchAll(/^listening (\w+) 127\.0\.0\.1:(\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
      expect(bound).toEqual(STANDARD_PORTS);
      // inside that namespace: SMTP greets on 25, and the HTTPS listener answers on 443 with the server's certificate
      const inside = (cmd: string, ...args: string[]) =>
        spawnSync('nsenter', ['-t', String(child.pid), '-n', cmd, ...args], { encoding: 'utf8', timeout: 20_000 });
      const smtp = inside('curl', '--silent', '--max-time', '10', 'telnet://127.0.0.1:25');
      expect(smtp.stdout).toMatch(/^220 localhost /);
      const https = inside('curl', '--silent', '--fail', '--cacert', path.join(dataDir, 'tls', 'cert.pem'), 'https://localhost/mail/config-v1.1.xml');
      expect(https.stdout).toContain('<socketType>SSL</socketType>');
      expect(https.stdout).toContain('<port>993</port>');
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it.skipIf(!canTry)('--standard-ports without the capability: a clear error, exit 1', async () => {
    const dataDir = tempDir('hearth-standard-ports-');
    chownSync(dataDir, 65534, 65534);
    const child = asUnprivileged(dataDir, false);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(err).toMatch(/^hearth: cannot listen: listen EACCES: permission denied 127\.0\.0\.1:25/);
  });
});
