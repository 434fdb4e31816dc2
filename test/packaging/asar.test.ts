// The desktop package, built as CI can build it: electron-builder `--linux dir` against a stand-in
// Electron (no download), then a look inside. app.asar must hold the built app and exactly the
// production dependencies it needs at run time, under the size budget; the fuses must be set.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { makeElectronStandIn } from '../support/electron-stand-in.ts';
import { tempDir } from '../support/temp-dir.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as { listPackage(archive: string): string[]; extractFile(archive: string, file: string): Buffer };
const fuses = require('@electron/fuses') as {
  getCurrentFuseWire(binary: string): Promise<Record<string, number>>;
  FuseV1Options: Record<string, number>;
  FuseState: Record<string, number>;
};

/** The size budget of app.asar: the built app (~2 MB) plus the production dependencies (~20 MB). */
const ASAR_BUDGET_BYTES = 30 * 1024 * 1024;
/** Build tools that must never ship. */
const NEVER_SHIPPED = [
  'electron',
  'electron-builder',
  'electron-vite',
  'vite',
  'vitest',
  'playwright-core',
  'eslint',
  'typescript',
  'prettier',
  'react',
  'react-dom',
  'dexie',
];

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
// A checkout whose node_modules is a link to another one (a git worktree) makes npm list the
// dependencies' own dependencies without paths, so electron-builder leaves them out; the
// completeness check needs a real node_modules, as `npm ci` makes (CI, a normal clone).
const realNodeModules = !lstatSync(path.join(ROOT, 'node_modules')).isSymbolicLink();

let unpacked = '';
let archive = '';
let files: string[] = [];
/** Package folders inside the asar ("/node_modules/a", "/node_modules/a/node_modules/@s/b") -> their package.json. */
const packages = new Map<string, { name: string; version: string; dependencies?: Record<string, string> }>();

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'out/main/index.js'))) {
    const b = spawnSync(path.join(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`electron-vite build failed:\n${b.stdout}${b.stderr}`);
  }
  const work = tempDir('hearth-package-');
  const standIn = makeElectronStandIn(path.join(work, 'electron-dist'));
  const output = path.join(work, 'dist');
  const r = spawnSync(
    path.join(ROOT, 'node_modules/.bin/electron-builder'),
    ['--config', 'electron-builder.config.cjs', '--linux', 'dir', '--publish', 'never', `-c.directories.output=${output}`],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, HEARTH_ELECTRON_DIST: standIn }, timeout: 280_000 },
  );
  if (r.status !== 0) throw new Error(`electron-builder failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  unpacked = path.join(output, 'linux-unpacked');
  archive = path.join(unpacked, 'resources', 'app.asar');
  files = asar.listPackage(archive);
  for (const f of files) {
    const m = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/@]+)\/package\.json$/.exec(f);
    if (m) packages.set(m[1]!, JSON.parse(asar.extractFile(archive, f.slice(1)).toString('utf8')));
  }
}, 300_000);

/** The package folder Node would load `name` from, required inside `fromDir`, or null. */
function resolveInAsar(name: string, fromDir: string): string | null {
  for (let dir = fromDir; ; dir = dir.slice(0, dir.lastIndexOf('/node_modules/'))) {
    const candidate = `${dir}/node_modules/${name}`;
    if (packages.has(candidate)) return candidate;
    if (!dir.includes('/node_modules/')) return packages.has(`/node_modules/${name}`) ? `/node_modules/${name}` : null;
  }
}

/** Bare package names a built bundle imports or requires (node: builtins and electron left out). */
function runtimeImports(bundle: string): string[] {
  const text = readFileSync(bundle, 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/(?:^import\s[^;]*?\bfrom\s*|^import\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["'](@?\w[\w.-]*(?:\/[\w.-]+)*)["']/gm)) {
    const spec = m[1]!;
    if (spec.startsWith('node:') || builtinModules.includes(spec) || spec === 'electron') continue;
    names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return [...names].sort();
}

describe('desktop package (electron-builder --linux dir, stand-in Electron)', { timeout: 60_000 }, () => {
  it('app.asar holds the built main, preload and renderer, and its package.json points at the main', () => {
    const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main: string; devDependencies?: unknown; scripts?: unknown };
    expect(manifest.main).toBe('out/main/index.js');
    expect(files).toContain(`/${manifest.main}`);
    expect(files).toContain('/out/preload/index.cjs');
    expect(files).toContain('/out/renderer/index.html');
    // every script and stylesheet the page loads is inside too
    const html = asar.extractFile(archive, 'out/renderer/index.html').toString('utf8');
    const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => `/out/renderer/${m[1]}`);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const a of assets) expect(files).toContain(a);
    // nothing else of the checkout: no sources, tests, source maps or TypeScript
    expect(files.filter((f) => !/^\/(node_modules|out)(\/|$)/.test(f) && f !== '/package.json')).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map') || /\.(m|c)?ts$/.test(f))).toEqual([]);
  });

  it('no dev dependency is inside', () => {
    const names = new Set([...packages.values()].map((p) => p.name));
    for (const tool of NEVER_SHIPPED) expect(names.has(tool), tool).toBe(false);
    // by the lockfile: no package that only the devDependencies pull in
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; dev?: boolean }> };
    const prod = new Set<string>();
    for (const [where, entry] of Object.entries(lock.packages)) {
      if (!where || entry.dev) continue;
      prod.add(`${where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${entry.version}`);
    }
    const devOnly = [...packages.values()].map((p) => `${p.name}@${p.version}`).filter((id) => !prod.has(id));
    expect(devOnly).toEqual([]);
  });

  it('every package the main bundle imports at run time is a production dependency and inside', () => {
    const bundles = readdirSync(path.join(ROOT, 'out/main')).filter((f) => f.endsWith('.js'));
    const needed = [...new Set(bundles.flatMap((b) => runtimeImports(path.join(ROOT, 'out/main', b))))];
    expect(needed.length).toBeGreaterThan(3);
    for (const name of needed) {
      expect(pkg.dependencies, `${name} is imported by out/main at run time`).toHaveProperty([name]);
      expect(packages.has(`/node_modules/${name}`), `${name} in app.asar`).toBe(true);
    }
    // the preload is bundled whole (a sandboxed preload cannot require packages)
    expect(runtimeImports(path.join(ROOT, 'out/preload/index.cjs'))).toEqual([]);
  });

  it.skipIf(!realNodeModules)("and each of those packages' own dependencies, all the way down", () => {
    const missing: string[] = [];
    for (const [dir, p] of packages) {
      for (const dep of Object.keys(p.dependencies ?? {})) if (!resolveInAsar(dep, dir)) missing.push(`${p.name} -> ${dep}`);
    }
    expect(missing).toEqual([]);
  });

  it('the fuses are set: no RunAsNode, NODE_OPTIONS or --inspect; only the app.asar, checked for integrity', async () => {
    const wire = await fuses.getCurrentFuseWire(path.join(unpacked, 'hearth'));
    const { FuseV1Options: o } = fuses;
    const on = 49; // '1'
    const off = 48; // '0'
    expect(wire[o.RunAsNode!]).toBe(off);
    expect(wire[o.EnableNodeOptionsEnvironmentVariable!]).toBe(off);
    expect(wire[o.EnableNodeCliInspectArguments!]).toBe(off);
    expect(wire[o.EnableEmbeddedAsarIntegrityValidation!]).toBe(on);
    expect(wire[o.OnlyLoadAppFromAsar!]).toBe(on);
  });

  it('icons and licences are there: the window icon, Hearth, Electron, Chromium, and each dependency', () => {
    expect(readFileSync(path.join(unpacked, 'resources/icon.png')).equals(readFileSync(path.join(ROOT, 'resources/icon.png')))).toBe(true);
    expect(readFileSync(path.join(unpacked, 'LICENSE.hearth.txt'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'));
    expect(existsSync(path.join(unpacked, 'LICENSE.electron.txt'))).toBe(true);
    expect(existsSync(path.join(unpacked, 'LICENSES.chromium.html'))).toBe(true);
    for (const dep of Object.keys(pkg.dependencies)) {
      const onDisk = readdirSync(path.join(ROOT, 'node_modules', dep)).filter((f) => /^licen[cs]e/i.test(f));
      for (const licence of onDisk) expect(files, `${dep}'s licence`).toContain(`/node_modules/${dep}/${licence}`);
    }
  });

  it('app.asar is under the size budget', () => {
    const size = statSync(archive).size;
    console.log(`app.asar: ${(size / 1048576).toFixed(1)} MiB of a ${ASAR_BUDGET_BYTES / 1048576} MiB budget, ${files.length} entries`);
    expect(size, `app.asar is ${(size / 1048576).toFixed(1)} MiB`).toBeLessThanOrEqual(ASAR_BUDGET_BYTES);
  });
});
