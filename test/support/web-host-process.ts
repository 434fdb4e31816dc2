// Runs the browser host (`src/main/host/web-main.ts`) as a real child process, as `npm run web` does.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { YOUNG_GENERATION_FLAG } from '../../src/main/base/small-heap.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface HostProcess {
  url: string;
  origin: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startHostProcess(args: string[], env: Record<string, string> = {}): Promise<HostProcess> {
  const child = spawn(process.execPath, [YOUNG_GENERATION_FLAG, path.join(ROOT, 'src/main/host/web-main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}:\n${out}`));
    });
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    origin: new URL(url).origin,
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
