// Starts `hearth serve` in its own process for a benchmark (as deployed, and as the peers run in
// their own processes), with one listener on a free port and its users (made by `hearth user add`,
// as an admin would); resolves to its port.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI = path.resolve(import.meta.dirname, '../../src/main/server/cli.ts');
const LISTENERS = ['smtp', 'imap', 'imaps', 'pop3', 'pop3s', 'submission', 'submissions'] as const;

export interface HearthServe {
  port: number;
  dataDir: string;
  close(): Promise<void>;
}

type User = { address: string; password: string };

export async function startHearthServe(listener: (typeof LISTENERS)[number], users: User | User[]): Promise<HearthServe> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `hearth-bench-${listener}-`));
  const env = { ...process.env, HEARTH_LOG_LEVEL: 'warn' };
  for (const user of Array.isArray(users) ? users : [users])
    execFileSync(process.execPath, [CLI, 'user', 'add', user.address, '--data', dataDir, '--password', user.password], { stdio: 'pipe', env });
  const ports = LISTENERS.flatMap((l) => [`--${l}-port`, l === listener ? '0' : 'off']);
  const server = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, ...ports], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = new RegExp(`listening ${listener} [^:\\s]+:(\\d+)`).exec(out);
      if (m && out.includes('ready ')) resolve(Number(m[1]));
    });
    server.once('exit', (code) => reject(new Error(`hearth serve exited with ${code}`)));
  });
  return {
    port,
    dataDir,
    close: async () => {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
