// `npm start`: the desktop app. Where no Electron binary is installed (as on machines that
// cannot download it), say so and serve the very same app to a browser instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const electronPathFile = path.join(root, 'node_modules/electron/path.txt');
const electronBinary = existsSync(electronPathFile) ? path.join(root, 'node_modules/electron/dist', readFileSync(electronPathFile, 'utf8').trim()) : null;
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);

if (electronBinary && existsSync(electronBinary)) {
  const r = spawnSync(bin('electron-vite'), ['preview', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

console.log('No Electron binary is installed here (npm install skipped or could not download it).');
console.log('Starting the same app for a browser instead (npm run web).\n');
const build = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync(process.execPath, [path.join(root, 'src/main/host/web-main.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
