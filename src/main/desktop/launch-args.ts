// What a launch asks for, from its command line: mailto: links to write and .eml files to read.
// The same parser reads this launch's argv and the argv a second launch forwards.
import path from 'node:path';
import { isMailtoUrl } from '../../shared/mailto.ts';

export interface LaunchRequest {
  mailto: string[];
  emlFiles: string[];
}

/** Flags, the executable and the app path are skipped; file paths are resolved against `cwd`. */
export function parseLaunchArgs(argv: readonly string[], cwd: string): LaunchRequest {
  const out: LaunchRequest = { mailto: [], emlFiles: [] };
  for (const arg of argv) {
    if (isMailtoUrl(arg)) out.mailto.push(arg.trim());
    else if (!arg.startsWith('-') && /\.eml$/i.test(arg)) out.emlFiles.push(path.resolve(cwd, arg));
  }
  return out;
}
