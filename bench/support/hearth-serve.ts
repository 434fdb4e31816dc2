// Starts `hearth serve` in its own process for a benchmark (as deployed, and as the peers run in
// their own processes), with one listener on a free port and its users (made by `hearth user add`,
// as an admin would); resolves to its port.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LISTENERS = ['smtp', 'imap', 'imaps', 'pop3', 'pop3s', 'submission', 'submissions'] as const;

export interface HearthServe {
  port: number;
  /** The server process, e.g. to read its CPU time from /proc. */
  pid: number;
  dataDir: string;
  close(): Promise<void>;
}

type User = { address: string; password: string };

/**
 * `tree`: the checkout whose `hearth serve` runs (default this one), to compare two versions;
 * `profileDir`: write the server's CPU profile there when it stops (node --cpu-prof).
 */
export async function startHearthServe(
  listener: (typeof LISTENERS)[number],
  users: User | User[],
  { tree = ROOT, profileDir }: { tree?: string; profileDir?: string } = {},
): Promise<HearthServe> {
  const CLI = path.join(tree, 'src/main/server/cli.ts');
  const dataDir = mkdtempSync(path.join(tmpdir(), `hearth-bench-${listener}-`));
  const env = { ...process.env, HEARTH_LOG_LEVEL: 'warn' };
  for (const user of Array.isArray(users) ? users : [users])
    execFileSync(process.execPath, [CLI, 'user', 'add', user.address, '--data', dataDir, '--password', user.password], { stdio: 'pipe', env });
  // Older checkouts (BENCH_TREES) have no HTTPS listener; where there is one, it stays off too.
  const listeners = readFileSync(CLI, 'utf8').includes('--https-port') ? [...LISTENERS, 'https'] : LISTENERS;
  const ports = listeners.flatMap((l) => [`--${l}-port`, l === listener ? '0' : 'off']);
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const server = spawn(process.execPath, [...profile, CLI, 'serve', '--data', dataDir, ...ports], { stdio: ['ignore', 'pipe', 'inherit'], env });
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
    pid: server.pid!,
    dataDir,
    close: async () => {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
