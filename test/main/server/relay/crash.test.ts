// kill -9 while the relay is delivering: after a restart every acknowledged message arrives, at
// most once more than it should (a delivery whose state change the kill cut off), never lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startOwnSmtpPeer, type SmtpPeer } from '../../../support/peers.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { waitFor } from '../../../support/wait.ts';

const CHILD = path.join(import.meta.dirname, 'fixtures/relay-child.ts');
let peer: SmtpPeer;
beforeAll(() => {
  // a slow DATA reply keeps deliveries in flight when the kill comes
  peer = startOwnSmtpPeer('crash', 'accept', 10050, ['--delay', '0.4']);
});
afterAll(() => peer?.stop());

function runChild(dataDir: string, count: number, env: Record<string, string> = {}): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, [CHILD, dataDir, String(peer.port), String(count)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const lines: string[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (d: Buffer) => lines.push(`STDERR ${d.toString()}`));
  return { child, lines };
}

describe('relay crash safety', () => {
  it('loses nothing when killed with SIGKILL during delivery (at most one duplicate per message)', { timeout: 120_000 }, async () => {
    const dataDir = tempDir('crash');
    const first = runChild(dataDir, 40);
    const exited = new Promise((r) => first.child.once('exit', r));
    await waitFor(() => first.lines.filter((l) => l.startsWith('QUEUED')).length === 40, 30_000, 'messages queued').catch((e) => {
      throw new Error(`${(e as Error).message}: ${first.lines.join('\n').slice(0, 2000)}`);
    });
    const subjects = first.lines.filter((l) => l.startsWith('QUEUED')).map((l) => l.split(' ')[2]!);
    const arrived = (s: string) => peer.received().filter((r) => r.eml.toString().includes(`Subject: ${s}\r\n`)).length;
    // kill once some, but not all, messages have arrived
    await waitFor(() => subjects.filter((s) => arrived(s) > 0).length >= 2, 30_000, 'first deliveries');
    expect(first.child.exitCode).toBe(null);
    first.child.kill('SIGKILL');
    await exited;
    const deliveredBeforeKill = subjects.filter((s) => arrived(s) > 0).length;
    expect(deliveredBeforeKill).toBeLessThan(40);

    const second = runChild(dataDir, 0, { RELAY_CHILD_LOG: '1' });
    await waitFor(() => second.lines.includes('EMPTY'), 60_000, 'queue drained after restart').catch((e) => {
      throw new Error(`${(e as Error).message}: ${second.lines.join('\n').slice(0, 3000)}`);
    });
    if (second.child.exitCode === null) await new Promise((r) => second.child.once('exit', r));
    const counts = subjects.map(arrived);
    expect(counts.every((c) => c >= 1)).toBe(true);
    expect(counts.every((c) => c <= 2)).toBe(true);
  });
});
