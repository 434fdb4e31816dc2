// resources/hearth.service: a sandboxed unit that systemd accepts, whose ExecStart `hearth serve`
// understands, writing only to the data folder it names.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HEARTH_BIN, startServe } from '../support/hearth-serve-process.ts';
import { tempDir } from '../support/temp-dir.ts';

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
    // the unit's options, on this machine's loopback and free ports; startServe gives --data
    const args: string[] = [];
    for (let i = 1; i < execArgs.length; i += 2) {
      const [option, value] = [execArgs[i]!, execArgs[i + 1]!];
      if (option === '--data') continue;
      args.push(option, option === '--host' ? '127.0.0.1' : /^--\w+-port$/.test(option) ? '0' : value);
    }
    expect(args).toContain('--smtp-port');
    const s = await startServe(tempDir('hearth-unit-data-'), args);
    try {
      expect(Object.keys(s.ports).sort()).toEqual(['imap', 'imaps', 'pop3', 'pop3s', 'smtp', 'submission', 'submissions']);
    } finally {
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    }
  });
});
