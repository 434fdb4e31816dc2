// `npm run web` (and `npm start` without Electron): builds the renderer, then runs the browser host
// in this process with the same arguments (--data, --port, --no-server, --verbose).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// The build's own output is for developers; a person running the app only needs to hear of a failure.
const build = spawnSync(path.join(root, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('Building the app failed (see above).');
  process.exit(build.status ?? 1);
}
await import('../src/main/host/web-main.ts');
