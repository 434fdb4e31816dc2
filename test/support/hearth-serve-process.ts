// `hearth serve` as a real child process (bin/hearth.js), on free ports, for tests of its terminal
// output, log file and signal handling.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const HEARTH_BIN = path.resolve(import.meta.dirname, '../../bin/hearth.js');
const env = { ...process.env, HEARTH_SCRYPT_LN: '10' };

export interface ServeProcess {
  child: ChildProcess;
  /** Listener name -> port, from the "listening NAME HOST:PORT" lines. */
  ports: Record<string, number>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Every listener on a free port, except those given as "off" in `listeners`. */
export function freePorts(listeners: Record<string, '0' | 'off'>): string[] {
  return Object.entries(listeners).flatMap(([name, v]) => [`--${name}-port`, v]);
}

export function hearthSync(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [HEARTH_BIN, ...args], { env, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function startServe(dataDir: string, args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [HEARTH_BIN, 'serve', '--data', dataDir, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not get ready: ${out} ${err}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${err}`)));
    const check = () => {
      if (!/^ready /m.test(out)) return;
      clearTimeout(t);
      child.stdout!.off('data', check);
      const ports: Record<string, number> = {};
      for (const m of out.matchAll(/^listening (\w+) [^\s]+:(\d+)(?: .*)?$/gm)) ports[m[1]!] = Number(m[2]);
      resolve({ child, ports, stdout: () => out, stderr: () => err, exited });
    };
    child.stdout!.on('data', check);
  });
}
