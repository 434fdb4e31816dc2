// `npm start`: the desktop app. Where no Electron binary is installed, Electron's own resolver
// fetches it on first use; where that cannot work (no network, a blocked host,
// ELECTRON_SKIP_BINARY_DOWNLOAD=1) the very same app is served to a browser instead (scripts/web.ts).
// Runs through scripts/launch.mjs, which has already checked the Node version.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { planStart } from './start-plan.ts';

const root = path.resolve(import.meta.dirname, '..');
const electronDir = path.join(root, 'node_modules/electron');

function installedElectron(): string | null {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function fetchElectron(): string {
  try {
    // Electron's resolver: runs its install.js (download, checksum, unzip) when the binary is missing.
    return createRequire(path.join(root, 'package.json'))('electron') as string;
  } catch {
    throw new Error('the download failed: no network, or its host is blocked; see above');
  }
}

const plan = planStart({
  nodeVersion: process.versions.node,
  skipDownload: process.env.ELECTRON_SKIP_BINARY_DOWNLOAD,
  installedElectron,
  fetchElectron,
  say: (line) => console.log(line),
});

switch (plan.kind) {
  case 'unsupported-node':
    console.error(plan.message);
    process.exit(1);
    break;
  case 'desktop': {
    const bin = path.join(root, 'node_modules/.bin/electron-vite');
    const r = spawnSync(bin, ['preview', ...process.argv.slice(2)], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ELECTRON_EXEC_PATH: plan.electronPath },
    });
    process.exit(r.status ?? 1);
    break;
  }
  case 'browser':
    console.log(plan.reason);
    await import('./web.ts');
    break;
}
