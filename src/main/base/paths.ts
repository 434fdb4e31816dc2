// Where Hearth keeps its data when no --data folder is given: the same folder Electron's
// app.getPath('userData') uses for the product name "Hearth", so both hosts share it.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(): string {
  if (process.env.HEARTH_DATA) return path.resolve(process.env.HEARTH_DATA);
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Hearth');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Hearth');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Hearth');
}

/** The project root (where package.json is), from a source or built file inside it. */
export function projectRoot(fromFile: string): string {
  let dir = path.dirname(fromFile);
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}
