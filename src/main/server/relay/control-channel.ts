// `hearth queue retry|delete` while the server runs in another process: requests are JSON files
// dropped into DATA/queue/control/ (written to a .tmp name, then renamed to .req.json) and
// answered with a .done.json file. DATA/queue/relay.pid tells the CLI a relay is running there.
import { existsSync, readFileSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../../base/log.ts';
import type { ControlRequest, ControlResult } from './control.ts';

export function controlDir(dataDir: string): string {
  return path.join(dataDir, 'queue', 'control');
}

function pidFile(dataDir: string): string {
  return path.join(dataDir, 'queue', 'relay.pid');
}

// ---- the running relay's side --------------------------------------------------------------------

export interface ControlChannel {
  /** Stops taking requests. */
  stopWatching(): void;
  /** Removes the pid file: from now on the CLI works on the queue itself. */
  release(): Promise<void>;
}

/** Writes the pid file and answers every request in the control folder with `handle`. */
export async function openControlChannel(dataDir: string, handle: (req: ControlRequest) => Promise<ControlResult>, log: Logger): Promise<ControlChannel> {
  const dir = controlDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(pidFile(dataDir), String(process.pid), { mode: 0o600 });
  let busy = Promise.resolve();
  const scan = () => {
    busy = busy.then(() => answerRequests(dir, handle)).catch((err: Error) => log.error('relay: control request failed', { error: err }));
  };
  let watcher: FSWatcher | null = watch(dir, () => scan());
  watcher.on('error', () => {});
  scan();
  return {
    stopWatching() {
      watcher?.close();
      watcher = null;
    },
    release: () => rm(pidFile(dataDir), { force: true }),
  };
}

async function answerRequests(dir: string, handle: (req: ControlRequest) => Promise<ControlResult>): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.req.json')) continue;
    const file = path.join(dir, name);
    let req: ControlRequest;
    try {
      req = JSON.parse(await readFile(file, 'utf8')) as ControlRequest;
    } catch {
      continue; // still being written; the rename that completes it triggers another scan
    }
    await rm(file, { force: true });
    const result = await handle(req);
    await writeFile(file.replace(/\.req\.json$/, '.done.json'), JSON.stringify(result), { mode: 0o600 });
  }
}

// ---- the CLI's side ------------------------------------------------------------------------------

/** True when a relay process (not this one) holds the queue of `dataDir`. */
export function relayRunning(dataDir: string): boolean {
  const file = pidFile(dataDir);
  if (!existsSync(file)) return false;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Hands a request to the running relay and waits for its answer (TIMEOUT after `timeoutMs`). */
export async function sendControlRequest(dataDir: string, req: ControlRequest, timeoutMs: number): Promise<ControlResult> {
  const dir = controlDir(dataDir);
  const name = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const tmp = path.join(dir, `${name}.tmp`);
  await writeFile(tmp, JSON.stringify(req), { mode: 0o600 });
  await rename(tmp, path.join(dir, `${name}.req.json`));
  const done = path.join(dir, `${name}.done.json`);
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const result = JSON.parse(await readFile(done, 'utf8')) as ControlResult;
      await rm(done, { force: true });
      return result;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await rm(path.join(dir, `${name}.req.json`), { force: true });
  return { ok: false, code: 'TIMEOUT', message: 'the running server did not answer the queue request' };
}
