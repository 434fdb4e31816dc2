// The `hearth` command (bin/hearth.js) in its own process, as an administrator runs it: one-off
// commands, and `hearth serve` with chosen listeners.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const HEARTH_BIN = path.resolve(import.meta.dirname, '../../bin/hearth.js');

const LISTENERS = ['smtp', 'imap', 'imaps', 'pop3', 'pop3s', 'submission', 'submissions', 'https'] as const;
export type Listener = (typeof LISTENERS)[number];

/** Runs `hearth …args` to its end, with `input` on standard input. */
export function runHearth(
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [HEARTH_BIN, ...args], { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.stdin.end(opts.input ?? '');
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The `--<listener>-port` options: the listeners in `ports` on those ports (0: any free one), every other one off. */
export function listenerArgs(ports: Partial<Record<Listener, number>>): string[] {
  return LISTENERS.flatMap((l) => [`--${l}-port`, ports[l] === undefined ? 'off' : String(ports[l])]);
}

export interface ServeProcess {
  child: ChildProcess;
  /** Listener name → port, from the "listening <name> <host>:<port>" lines. */
  ports: Record<string, number>;
  /** Standard output so far. */
  output(): string;
  exited: Promise<number | null>;
  /** Sends `signal` if it still runs, and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `hearth serve --data dataDir` with the listeners in `ports` and any further `args`;
 * resolves once it prints "ready", rejects if it exits before or takes over 30 s.
 */
export function startHearthServe(
  dataDir: string,
  ports: Partial<Record<Listener, number>>,
  opts: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [HEARTH_BIN, 'serve', '--data', dataDir, ...listenerArgs(ports), ...(opts.args ?? [])], {
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hearth serve did not get ready: ${out} ${err.slice(-2000)}`)), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hearth serve exited early (${code}): ${err.slice(-2000)}`));
    });
    child.stdout!.on('data', (d) => {
      out += d;
      if (!/^ready /m.test(out)) return;
      clearTimeout(timer);
      const ports: Record<string, number> = {};
      for (const m of out.matchAll(/^listening (\w+) [^:\s]+:(\d+)(?: .*)?$/gm)) ports[m[1]!] = Number(m[2]);
      resolve({ child, ports, output: () => out, exited, stop });
    });
  });
}
