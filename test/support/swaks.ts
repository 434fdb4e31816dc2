// swaks, the SMTP test tool, as a client of a server under test. Asynchronous: the server may live
// in this process. Its output is stdout then stderr, kept apart so one never splits a line of the
// other; a run taking over 20 s is killed.
import { spawn } from 'node:child_process';

export function swaks(args: string[], input?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('swaks', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out: stdout + stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** swaks's options for logging in with `mechanism` as `user`. */
export function swaksLogin(mechanism: 'PLAIN' | 'LOGIN', user: string, password: string): string[] {
  return ['-a', mechanism, '-au', user, '-ap', password];
}
