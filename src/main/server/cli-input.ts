// What every `hearth` command reads the same way: the data folder and a secret from standard input.
import path from 'node:path';

/** An error in the command line: `hearth` prints it with the usage and exits 2. */
export class UsageError extends Error {
  readonly usage = true;
}

export function isUsageError(e: unknown): boolean {
  return (e as { usage?: boolean }).usage === true || Boolean((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'));
}

/** --data DIR, else $HEARTH_DATA, else ./.hearth-data. */
export function dataDirOf(v: string | undefined): string {
  return path.resolve(v ?? process.env.HEARTH_DATA ?? '.hearth-data');
}

/** The first line of standard input (prompting on a terminal); a UsageError when empty. */
export async function readSecretFromStdin(what: string): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write(`${what}: `);
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    if (process.stdin.isTTY && Buffer.concat(chunks).includes(10)) break;
  }
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!line) throw new UsageError(`No ${what.toLowerCase()} given (use --password or standard input)`);
  return line;
}
